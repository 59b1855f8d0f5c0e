/* The KVM guest behind the x86 live oracle (see kvm_guest.h and
 * docs/oracles.md). Ring 0 guest code goes through KVM's instruction
 * emulator on these hosts; ring 3 code runs on the CPU, so ring-3 runs use
 * page tables that back the window with RAM pre-filled with the device bytes. */
#include "kvm_guest.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>

#define MEM_SIZE 0x800000ull /* slot 0: GPA 0 .. 8 MiB */
#define PML4A 0x100000ull    /* window -> no memslot (MMIO) */
#define PDPTA 0x101000ull
#define PD0 0x102000ull /* 0..1 GiB, 2 MiB pages, shared */
#define PD1A 0x103000ull
#define PTA 0x104000ull
#define PML4B 0x105000ull /* window -> RAM at WINRAM */
#define PDPTB 0x106000ull
#define PD1B 0x107000ull
#define PTB 0x108000ull
#define STACK_TOP 0x3ff000ull
#define WINRAM 0x600000ull
#define END_PORT 0x10
/* PTE bits: P | RW | US (SDM Vol. 3A 4.5) */
#define PTE 0x7ull
#define PS (1ull << 7)

struct kvm_guest {
    int kvm, vm, vcpu;
    struct kvm_run *run;
    size_t run_size;
    uint8_t *mem, *lo, *hi;
    uint32_t off_ymm, off_zmmh, off_hi16; /* XSAVE standard-format offsets (CPUID 0xD) */
    int have_avx512;
    struct kvm_sregs sregs;
};

static void set_why(char *why, size_t n, const char *what)
{
    snprintf(why, n, "%s: %s", what, strerror(errno));
}

static void build_tables(uint8_t *m)
{
    uint64_t *pd0 = (uint64_t *)(m + PD0);
    for (int i = 0; i < 512; i++)
        pd0[i] = ((uint64_t)i << 21) | PTE | PS;
    for (int v = 0; v < 2; v++) {
        uint64_t pml4 = v ? PML4B : PML4A, pdpt = v ? PDPTB : PDPTA;
        uint64_t pd1 = v ? PD1B : PD1A, pt = v ? PTB : PTA;
        ((uint64_t *)(m + pml4))[0] = pdpt | PTE;
        ((uint64_t *)(m + pdpt))[0] = PD0 | PTE;
        ((uint64_t *)(m + pdpt))[1] = pd1 | PTE;
        uint64_t *pd = (uint64_t *)(m + pd1), *p = (uint64_t *)(m + pt);
        for (int i = 1; i < 512; i++)
            pd[i] = (0x40000000ull + ((uint64_t)i << 21)) | PTE | PS;
        pd[0] = pt | PTE;
        for (int i = 0; i < 512; i++)
            p[i] = (0x40000000ull + ((uint64_t)i << 12)) | PTE;
        if (v) { /* the two window pages backed by RAM */
            p[0] = WINRAM | PTE;
            p[1] = (WINRAM + 0x1000) | PTE;
        }
    }
}

static int add_slot(kvm_guest *g, unsigned slot, uint64_t gpa, void *host, uint64_t size)
{
    struct kvm_userspace_memory_region r = {.slot = slot,
                                            .guest_phys_addr = gpa,
                                            .memory_size = size,
                                            .userspace_addr = (uint64_t)(uintptr_t)host};
    return ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &r);
}

static int setup_cpuid(kvm_guest *g)
{
    int n = 128;
    struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof(struct kvm_cpuid_entry2));
    if (!c)
        return -1;
    c->nent = (uint32_t)n;
    int rc = ioctl(g->kvm, KVM_GET_SUPPORTED_CPUID, c);
    if (rc == 0)
        rc = ioctl(g->vcpu, KVM_SET_CPUID2, c);
    free(c);
    unsigned a, b, cc, d;
    __cpuid_count(0xd, 2, a, b, cc, d);
    g->off_ymm = b;
    __cpuid_count(0xd, 6, a, b, cc, d);
    g->off_zmmh = b;
    __cpuid_count(0xd, 7, a, b, cc, d);
    g->off_hi16 = b;
    __cpuid_count(7, 0, a, b, cc, d);
    g->have_avx512 = (b >> 16) & 1;
    return rc;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int dpl, int code)
{
    memset(s, 0, sizeof *s);
    s->base = 0;
    s->limit = 0xffffffff;
    s->selector = sel;
    s->type = type;
    s->present = 1;
    s->dpl = (uint8_t)dpl;
    s->s = 1;
    s->g = 1;
    s->l = code;
    s->db = !code;
}

static int setup_sregs(kvm_guest *g)
{
    struct kvm_sregs *s = &g->sregs;
    if (ioctl(g->vcpu, KVM_GET_SREGS, s))
        return -1;
    /* SDM Vol. 3A 9.8.5: long mode = CR0.PE|PG, CR4.PAE, EFER.LME|LMA */
    s->cr0 = 0x80050033ull; /* PG WP NE ET MP PE */
    s->cr4 = 0x40620ull;    /* OSXSAVE OSXMMEXCPT OSFXSR PAE */
    s->efer = 0xd00ull;     /* NXE LMA LME */
    s->cr3 = PML4A;
    seg(&s->cs, 0x08, 11, 0, 1);
    seg(&s->ds, 0x10, 3, 0, 0);
    s->es = s->fs = s->gs = s->ss = s->ds;
    memset(&s->tr, 0, sizeof s->tr);
    s->tr.type = 11;
    s->tr.present = 1;
    s->tr.limit = 0x67;
    s->tr.selector = 0x18;
    memset(&s->ldt, 0, sizeof s->ldt);
    s->ldt.unusable = 1;
    s->ldt.type = 2;
    return 0;
}

static int setup_xcr0(kvm_guest *g)
{
    struct kvm_xcrs x;
    memset(&x, 0, sizeof x);
    x.nr_xcrs = 1;
    x.xcrs[0].xcr = 0;
    x.xcrs[0].value = g->have_avx512 ? 0xe7 : 0x7; /* x87 SSE AVX (opmask ZMM_Hi256 Hi16_ZMM) */
    return ioctl(g->vcpu, KVM_SET_XCRS, &x);
}

kvm_guest *kvm_guest_open(char *why, size_t n)
{
    kvm_guest *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(why, n, "out of memory");
        return NULL;
    }
    g->vm = g->vcpu = -1;
    g->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (g->kvm < 0) {
        set_why(why, n, "cannot open /dev/kvm");
        free(g);
        return NULL;
    }
    const char *step = "KVM_CREATE_VM";
    g->vm = ioctl(g->kvm, KVM_CREATE_VM, 0);
    if (g->vm < 0)
        goto fail;
    step = "mmap guest memory";
    g->mem =
        mmap(NULL, MEM_SIZE + 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->mem == MAP_FAILED) {
        g->mem = NULL;
        goto fail;
    }
    g->lo = g->mem + MEM_SIZE;
    g->hi = g->mem + MEM_SIZE + 0x1000;
    build_tables(g->mem);
    step = "KVM_SET_USER_MEMORY_REGION";
    if (add_slot(g, 0, 0, g->mem, MEM_SIZE) || add_slot(g, 1, X86GEN_RAM_LO, g->lo, 0x1000) ||
        add_slot(g, 2, X86GEN_RAM_HI, g->hi, 0x1000))
        goto fail;
    step = "KVM_CREATE_VCPU";
    g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
    if (g->vcpu < 0)
        goto fail;
    step = "KVM_GET_VCPU_MMAP_SIZE";
    int sz = ioctl(g->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (sz <= 0)
        goto fail;
    g->run_size = (size_t)sz;
    g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
    if (g->run == MAP_FAILED) {
        g->run = NULL;
        goto fail;
    }
    step = "KVM_SET_CPUID2";
    if (setup_cpuid(g))
        goto fail;
    step = "KVM_SET_SREGS";
    if (setup_sregs(g) || ioctl(g->vcpu, KVM_SET_SREGS, &g->sregs))
        goto fail;
    step = "KVM_SET_XCRS";
    if (setup_xcr0(g))
        goto fail;
    return g;
fail:
    set_why(why, n, step);
    kvm_guest_close(g);
    return NULL;
}

void kvm_guest_close(kvm_guest *g)
{
    if (!g)
        return;
    if (g->run)
        munmap(g->run, g->run_size);
    if (g->vcpu >= 0)
        close(g->vcpu);
    if (g->vm >= 0)
        close(g->vm);
    if (g->mem)
        munmap(g->mem, MEM_SIZE + 0x2000);
    close(g->kvm);
    free(g);
}

/* ZMM0..31 <-> XSAVE standard format (SDM Vol. 1 13.4, 13.5: XMM at 160,
 * YMM_Hi128 / ZMM_Hi256 / Hi16_ZMM at the CPUID 0xD offsets). */
static int vec_io(kvm_guest *g, kvmg_run *r, int set)
{
    static struct kvm_xsave xs;
    uint8_t *x = (uint8_t *)xs.region;
    if (ioctl(g->vcpu, KVM_GET_XSAVE, &xs))
        return -1;
    for (int i = 0; i < 32; i++) {
        uint8_t *z = r->zmm[i];
        uint8_t *p0 = i < 16 ? x + 160 + 16 * i : NULL;
        uint8_t *p1 = i < 16 ? x + g->off_ymm + 16 * i : NULL;
        uint8_t *p2 = i < 16 ? x + g->off_zmmh + 32 * i : x + g->off_hi16 + 64 * (i - 16);
        if (!g->have_avx512 && (i >= 16))
            continue;
        if (set) {
            if (p0) {
                memcpy(p0, z, 16);
                memcpy(p1, z + 16, 16);
                if (g->have_avx512)
                    memcpy(p2, z + 32, 32);
            } else {
                memcpy(p2, z, 64);
            }
        } else {
            if (p0) {
                memcpy(z, p0, 16);
                memcpy(z + 16, p1, 16);
                if (g->have_avx512)
                    memcpy(z + 32, p2, 32);
            } else {
                memcpy(z, p2, 64);
            }
        }
    }
    if (set) {
        uint64_t bv;
        memcpy(&bv, x + 512, 8);
        bv |= g->have_avx512 ? 0xe7 : 0x7;
        memcpy(x + 512, &bv, 8);
        return ioctl(g->vcpu, KVM_SET_XSAVE, &xs);
    }
    return 0;
}

static int enter(kvm_guest *g, int cpl, uint64_t fs, uint64_t gs, uint64_t rip)
{
    struct kvm_sregs s = g->sregs;
    if (cpl == 3) { /* ring 3: selectors with RPL 3, DPL 3 descriptors */
        seg(&s.cs, 0x2b, 11, 3, 1);
        seg(&s.ds, 0x23, 3, 3, 0);
        s.es = s.fs = s.gs = s.ss = s.ds;
        s.cr3 = PML4B;
    }
    s.fs.base = fs;
    s.gs.base = gs;
    (void)rip;
    return ioctl(g->vcpu, KVM_SET_SREGS, &s);
}

/* 32/16-bit protected mode without paging (SDM Vol. 3A 9.9): CR0.PE only,
 * linear == physical; every segment base as the case says, 4 GiB limits. */
static int enter_legacy(kvm_guest *g, const kvmg_run *r)
{
    struct kvm_sregs s = g->sregs;
    s.cr0 = 0x31;  /* NE ET PE */
    s.cr4 = 0x600; /* OSXMMEXCPT OSFXSR: SSE moves */
    s.efer = 0;
    s.cr3 = 0;
    struct kvm_segment *sg[6] = {&s.es, &s.cs, &s.ss, &s.ds, &s.fs, &s.gs};
    for (int i = 0; i < 6; i++) {
        seg(sg[i], (uint16_t)(i == 1 ? 0x08 : 0x10), i == 1 ? 11 : 3, 0, 0);
        sg[i]->base = r->seg_base[i] & 0xffffffffull;
    }
    s.cs.db = r->bits == 32;
    return ioctl(g->vcpu, KVM_SET_SREGS, &s);
}

static void record(kvmg_run *r, struct kvm_run *run)
{
    uint64_t a = run->mmio.phys_addr;
    unsigned len = run->mmio.len > 8 ? 8 : run->mmio.len;
    if (!run->mmio.is_write)
        for (unsigned i = 0; i < len; i++)
            run->mmio.data[i] = x86gen_mmio_byte(a + i);
    if (r->nacc < KVMG_MAX_ACC) {
        kvmg_access *x = &r->acc[r->nacc];
        x->addr = a;
        x->len = len;
        x->write = run->mmio.is_write;
        memcpy(x->data, run->mmio.data, len);
    }
    r->nacc++;
}

int kvm_guest_run(kvm_guest *g, kvmg_run *r)
{
    uint8_t *code = g->mem + X86GEN_CODE;
    memcpy(code, r->code, r->len);
    code[r->len] = 0xe6; /* OUT imm8, AL: the end marker (allowed at CPL 3 with IOPL 3) */
    code[r->len + 1] = END_PORT;
    for (uint64_t i = 0; i < 0x1000; i++) {
        g->lo[i] = x86gen_ram_byte(X86GEN_RAM_LO + i);
        g->hi[i] = x86gen_ram_byte(X86GEN_RAM_HI + i);
    }
    if (r->cpl == 3)
        for (uint64_t i = 0; i < X86GEN_WIN_SIZE; i++)
            g->mem[WINRAM + i] = x86gen_mmio_byte(X86GEN_WIN + i);
    int legacy = r->bits == 32 || r->bits == 16;
    if (legacy ? enter_legacy(g, r) : enter(g, r->cpl, r->fs_base, r->gs_base, X86GEN_CODE))
        return -1;
    struct kvm_regs regs;
    memset(&regs, 0, sizeof regs);
    __u64 *gp[16] = {&regs.rax, &regs.rcx, &regs.rdx, &regs.rbx, &regs.rsp, &regs.rbp,
                     &regs.rsi, &regs.rdi, &regs.r8,  &regs.r9,  &regs.r10, &regs.r11,
                     &regs.r12, &regs.r13, &regs.r14, &regs.r15};
    for (int i = 0; i < 16; i++)
        *gp[i] = r->gpr[i];
    regs.rsp = STACK_TOP;
    regs.rip = legacy ? r->ip : X86GEN_CODE;
    regs.rflags = (r->rflags & ~0x3000ull) | 0x3002; /* IOPL 3 for the OUT marker */
    if (ioctl(g->vcpu, KVM_SET_REGS, &regs))
        return -1;
    if (r->vec && vec_io(g, r, 1))
        return -1;
    r->nacc = 0;
    r->result = KVMG_OTHER;
    for (;;) {
        if (ioctl(g->vcpu, KVM_RUN, 0)) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return -1;
        }
        struct kvm_run *run = g->run;
        r->exit_reason = run->exit_reason;
        if (run->exit_reason == KVM_EXIT_MMIO) {
            record(r, run);
            if (r->nacc > KVMG_MAX_ACC) {
                r->result = KVMG_TOO_MANY;
                break;
            }
            continue;
        }
        if (run->exit_reason == KVM_EXIT_IO && run->io.port == END_PORT)
            r->result = KVMG_OK;
        else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
            r->result = KVMG_EMUL_FAIL, r->suberror = run->internal.suberror;
        else if (run->exit_reason == KVM_EXIT_SHUTDOWN)
            r->result = KVMG_SHUTDOWN;
        break;
    }
    if (ioctl(g->vcpu, KVM_GET_REGS, &regs))
        return -1;
    for (int i = 0; i < 16; i++)
        r->out_gpr[i] = *gp[i];
    r->out_rip = regs.rip;
    r->out_rflags = regs.rflags & ~0x13000ull; /* drop the harness IOPL and RF */
    if (r->result == KVMG_OK)
        r->out_rip -= 2; /* KVM_EXIT_IO comes with RIP past the OUT */
    if (r->vec && vec_io(g, r, 0))
        return -1;
    memcpy(r->area, g->lo, 0x1000);
    for (uint64_t i = 0; i < X86GEN_WIN_SIZE; i++)
        r->area[0x1000 + i] = r->cpl == 3 ? g->mem[WINRAM + i] : x86gen_mmio_byte(X86GEN_WIN + i);
    memcpy(r->area + 0x3000, g->hi, 0x1000);
    return 0;
}

/* Time per KVM_RUN round trip of a guest looping on `loop` at `cpl`, each
 * iteration leaving with `exit_reason`. */
static double time_exit_loop(kvm_guest *g, unsigned it, const uint8_t *loop, size_t n, unsigned cpl,
                             uint64_t rflags, uint32_t exit_reason)
{
    memcpy(g->mem + X86GEN_CODE, loop, n);
    if (enter(g, cpl, 0, 0, X86GEN_CODE))
        return -1;
    struct kvm_regs regs;
    memset(&regs, 0, sizeof regs);
    regs.rsp = STACK_TOP;
    regs.rip = X86GEN_CODE;
    regs.rflags = rflags;
    if (ioctl(g->vcpu, KVM_SET_REGS, &regs))
        return -1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0; i < it; i++)
        if (ioctl(g->vcpu, KVM_RUN, 0) || g->run->exit_reason != exit_reason)
            return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / it;
}

double kvm_guest_exit_ns(kvm_guest *g, unsigned it)
{
    /* ring 3 loop: OUT 0x11, AL; JMP back -> one KVM_EXIT_IO per iteration */
    static const uint8_t loop[] = {0xe6, 0x11, 0xeb, 0xfc};
    return time_exit_loop(g, it, loop, sizeof loop, 3, 0x3002, KVM_EXIT_IO);
}

double kvm_guest_mmio_exit_ns(kvm_guest *g, unsigned it)
{
    /* ring 0 loop: MOV AL, [WIN]; JMP back -> one KVM_EXIT_MMIO per iteration */
    static const uint8_t loop[] = {0x8a, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40, 0xeb, 0xf7};
    return time_exit_loop(g, it, loop, sizeof loop, 0, 0x2, KVM_EXIT_MMIO);
}

#else /* not x86-64 Linux */

kvm_guest *kvm_guest_open(char *why, size_t n)
{
    snprintf(why, n, "the KVM oracle needs an x86-64 Linux host");
    return NULL;
}
void kvm_guest_close(kvm_guest *g)
{
    (void)g;
}
int kvm_guest_run(kvm_guest *g, kvmg_run *r)
{
    (void)g, (void)r;
    return -1;
}
double kvm_guest_exit_ns(kvm_guest *g, unsigned it)
{
    (void)g, (void)it;
    return 0;
}
double kvm_guest_mmio_exit_ns(kvm_guest *g, unsigned it)
{
    (void)g, (void)it;
    return 0;
}
#endif
