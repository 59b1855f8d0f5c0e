/* kvm_vmm: a minimal KVM VMM that completes the MMIO instructions KVM's
 * own instruction emulator refuses (AVX moves, MOVD, MOVDIR64B...).
 * KVM returns KVM_EXIT_INTERNAL_ERROR (emulation failure) for them; this VMM
 * reads the vCPU (regs, sregs, XSAVE), runs mmioemu_emulate() with callbacks
 * on its device model and guest memory (a real page-table walk for
 * `translate`), writes the vCPU back and resumes the guest. Forms KVM does
 * emulate arrive as ordinary KVM_EXIT_MMIO. Public API only; x86-64 Linux. */
#include <stdio.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM 0x200000ull /* guest RAM: GPA 0 .. 2 MiB */
#define CODE 0x10000ull
#define DATA 0x20000ull   /* RAM source of MOVDIR64B */
#define DEV 0x40000000ull /* the device: no memslot */
#define DEV_SIZE 0x1000u

static uint8_t *ram;
static uint8_t device[DEV_SIZE];
static int vcpu;
static unsigned off_ymm;

/* ---- device model and guest memory: the callbacks --------------------- */
static void show(const char *who, uint64_t a, const uint8_t *b, unsigned n)
{
    printf("      %-6s dev+0x%03llx %2u bytes:", who, (unsigned long long)(a - DEV), n);
    for (unsigned i = 0; i < n && i < 32; i++)
        printf(" %02x", b[i]);
    printf(n > 32 ? " ...\n" : "\n");
}

static int mmio_read(void *ctx, uint64_t a, void *buf, unsigned n)
{
    (void)ctx;
    if (a < DEV || a + n > DEV + DEV_SIZE)
        return -1;
    memcpy(buf, device + (a - DEV), n);
    show("read", a, buf, n);
    return 0;
}

static int mmio_write(void *ctx, uint64_t a, const void *buf, unsigned n)
{
    (void)ctx;
    if (a < DEV || a + n > DEV + DEV_SIZE)
        return -1;
    memcpy(device + (a - DEV), buf, n);
    show("write", a, buf, n);
    return 0;
}

static int ram_read(void *ctx, uint64_t pa, void *buf, size_t n)
{
    (void)ctx;
    if (pa + n > MEM)
        return -1;
    memcpy(buf, ram + pa, n);
    return 0;
}

static int ram_write(void *ctx, uint64_t pa, const void *buf, size_t n)
{
    (void)ctx;
    if (pa + n > MEM)
        return -1;
    memcpy(ram + pa, buf, n);
    return 0;
}

/* 4-level walk of the guest's own page tables (SDM Vol. 3A 4.5), CR3 in ctx */
static int translate(void *ctx, uint64_t la, uint64_t *pa, bool w)
{
    uint64_t t = *(uint64_t *)ctx & ~0xfffull;
    (void)w;
    for (int level = 3; level >= 0; level--) {
        uint64_t e;
        unsigned idx = (unsigned)(la >> (12 + 9 * level)) & 511;
        if (t + idx * 8 + 8 > MEM)
            return -1;
        memcpy(&e, ram + t + idx * 8, 8);
        if (!(e & 1))
            return -1;
        t = e & 0x000ffffffffff000ull;
        if (level == 1 && (e & 0x80)) { /* 2 MiB page */
            *pa = (t & ~0x1fffffull) | (la & 0x1fffff);
            return 0;
        }
    }
    *pa = t | (la & 0xfff);
    return 0;
}

static int fetch(void *ctx, uint64_t ip, void *buf, size_t n)
{
    uint64_t pa;
    if (translate(ctx, ip, &pa, false))
        return -1;
    return ram_read(ctx, pa, buf, n);
}

static int is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    (void)ctx;
    *mmio = pa >= MEM; /* everything without a memslot is the device */
    *span = 0;
    return 0;
}

static const mmioemu_ops ops = {mmio_read, mmio_write, ram_read, ram_write,
                                fetch,     translate,  is_mmio,  NULL};

/* ---- vCPU <-> mmioemu_cpu --------------------------------------------- */
static mmioemu_cpu cpu;
static struct kvm_xsave xs;

static void seg_in(mmioemu_x86_seg *d, const struct kvm_segment *s)
{
    d->base = s->base;
    d->limit = s->limit;
    d->selector = s->selector;
    d->attr = s->type | (uint32_t)s->s << 4 | (uint32_t)s->dpl << 5 | (uint32_t)s->present << 7 |
              (uint32_t)s->l << 13 | (uint32_t)s->db << 14 | (uint32_t)s->g << 15 |
              (uint32_t)s->unusable << 16; /* VMX access-rights layout (cpu.h) */
}

static int complete_with_mmioemu(void)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    if (ioctl(vcpu, KVM_GET_REGS, &r) || ioctl(vcpu, KVM_GET_SREGS, &s) ||
        ioctl(vcpu, KVM_GET_XSAVE, &xs))
        return -1;
    memset(&cpu, 0, sizeof cpu);
    cpu.mode = MMIOEMU_X86_64;
    mmioemu_x86_state *x = &cpu.u.x86;
    uint64_t g[16] = {r.rax, r.rcx, r.rdx, r.rbx, r.rsp, r.rbp, r.rsi, r.rdi,
                      r.r8,  r.r9,  r.r10, r.r11, r.r12, r.r13, r.r14, r.r15};
    memcpy(x->gpr, g, sizeof g);
    x->rip = r.rip;
    x->rflags = r.rflags;
    const struct kvm_segment *sg[6] = {&s.es, &s.cs, &s.ss, &s.ds, &s.fs, &s.gs};
    for (int i = 0; i < 6; i++)
        seg_in(&x->seg[i], sg[i]);
    x->cr0 = s.cr0;
    x->cpl = s.ss.dpl;
    uint8_t *xb = (uint8_t *)xs.region;
    for (int i = 0; i < 16; i++) { /* XSAVE: XMM at 160, YMM_Hi128 at CPUID.(0xD,2).EBX */
        memcpy(x->zmm[i], xb + 160 + 16 * i, 16);
        memcpy(x->zmm[i] + 16, xb + off_ymm + 16 * i, 16);
    }
    uint64_t cr3 = s.cr3;
    mmioemu_fault f; /* an emulation failure reports no address: no check possible */
    memset(&f, 0, sizeof f);
    mmioemu_policy pol = {0, 0, NULL};
    mmioemu_result res;
    mmioemu_status st = mmioemu_emulate(&ops, &cr3, &cpu, &f, &pol, &res);
    unsigned w = res.insn.kind == MMIOEMU_KIND_READ ? res.insn.dst_size : res.insn.size;
    printf("    mmioemu: %s, %s, %u-byte access%s%s -> %s\n", mmioemu_kind_name(res.insn.kind),
           res.insn.flags & MMIOEMU_F_VEX ? "VEX" : "legacy", res.insn.size,
           res.insn.kind <= MMIOEMU_KIND_WRITE ? ", register " : "",
           res.insn.kind <= MMIOEMU_KIND_WRITE ? mmioemu_reg_name(MMIOEMU_X86_64, res.insn.reg, w)
                                               : "",
           mmioemu_status_str(st));
    if (st != MMIOEMU_OK)
        return -1;
    r.rax = x->gpr[0], r.rcx = x->gpr[1], r.rdx = x->gpr[2], r.rbx = x->gpr[3];
    r.rbp = x->gpr[5], r.rsi = x->gpr[6], r.rdi = x->gpr[7], r.r8 = x->gpr[8];
    r.r9 = x->gpr[9], r.r10 = x->gpr[10], r.r11 = x->gpr[11], r.r12 = x->gpr[12];
    r.r13 = x->gpr[13], r.r14 = x->gpr[14], r.r15 = x->gpr[15];
    r.rip = x->rip;
    r.rflags = x->rflags;
    for (int i = 0; i < 16; i++) {
        memcpy(xb + 160 + 16 * i, x->zmm[i], 16);
        memcpy(xb + off_ymm + 16 * i, x->zmm[i] + 16, 16);
    }
    xb[512] |= 0x6; /* XSTATE_BV: SSE and AVX state present */
    return ioctl(vcpu, KVM_SET_REGS, &r) || ioctl(vcpu, KVM_SET_XSAVE, &xs) ? -1 : 0;
}

/* ---- VM setup: long mode directly through KVM_SET_SREGS ---------------- */
static int kvm, vm;
static struct kvm_run *run;

static int setup(void)
{
    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return -1;
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    ram = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (vm < 0 || ram == MAP_FAILED)
        return -1;
    struct kvm_userspace_memory_region mr = {0, 0, 0, MEM, (uint64_t)(uintptr_t)ram};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr))
        return -1;
    /* identity map 0..2 GiB with 2 MiB pages: PML4 0x1000, PDPT 0x2000, PDs 0x3000/0x4000 */
    uint64_t *pml4 = (uint64_t *)(ram + 0x1000), *pdpt = (uint64_t *)(ram + 0x2000);
    pml4[0] = 0x2000 | 3;
    pdpt[0] = 0x3000 | 3;
    pdpt[1] = 0x4000 | 3;
    for (uint64_t i = 0; i < 1024; i++)
        ((uint64_t *)(ram + 0x3000))[i] = (i << 21) | 0x83;
    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    int sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (vcpu < 0 || sz <= 0)
        return -1;
    run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        return -1;
    struct kvm_cpuid2 *c = calloc(1, sizeof *c + 128 * sizeof(struct kvm_cpuid_entry2));
    c->nent = 128;
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) || ioctl(vcpu, KVM_SET_CPUID2, c))
        return -1;
    free(c);
    struct kvm_sregs s;
    if (ioctl(vcpu, KVM_GET_SREGS, &s))
        return -1;
    s.cr0 = 0x80050033; /* PG WP NE ET MP PE */
    s.cr3 = 0x1000;
    s.cr4 = 0x40620; /* OSXSAVE OSXMMEXCPT OSFXSR PAE */
    s.efer = 0xd00;  /* NXE LMA LME */
    struct kvm_segment cs = {
        .limit = 0xffffffff, .selector = 8, .type = 11, .present = 1, .s = 1, .l = 1, .g = 1};
    struct kvm_segment ds = {
        .limit = 0xffffffff, .selector = 16, .type = 3, .present = 1, .db = 1, .s = 1, .g = 1};
    s.cs = cs;
    s.ds = s.es = s.fs = s.gs = s.ss = ds;
    s.tr.type = 11, s.tr.present = 1, s.tr.limit = 0x67, s.tr.unusable = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &s))
        return -1;
    struct kvm_xcrs x;
    memset(&x, 0, sizeof x);
    x.nr_xcrs = 1;
    x.xcrs[0].value = 7; /* x87 SSE AVX */
    if (ioctl(vcpu, KVM_SET_XCRS, &x))
        return -1;
    unsigned a, b, cc, d;
    __cpuid_count(0xd, 2, a, b, cc, d);
    off_ymm = b;
    return 0;
}

/* The guest "driver": one access per line; OUT 0x10 ends it. */
static const uint8_t guest[] = {
    0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40,                   /* mov eax, [dev+0x00] */
    0xc5, 0xfe, 0x6f, 0x04, 0x25, 0x40, 0x00, 0x00, 0x40,       /* vmovdqu ymm0, [dev+0x40] */
    0xc5, 0xfe, 0x7f, 0x04, 0x25, 0x80, 0x00, 0x00, 0x40,       /* vmovdqu [dev+0x80], ymm0 */
    0x48, 0xba, 0xc0, 0x00, 0x00, 0x40, 0,    0,    0,    0,    /* mov rdx, dev+0xc0 */
    0x66, 0x0f, 0x38, 0xf8, 0x14, 0x25, 0x00, 0x00, 0x02, 0x00, /* movdir64b rdx, [0x20000] */
    0x66, 0x0f, 0x6e, 0x0c, 0x25, 0x04, 0x00, 0x00, 0x40,       /* movd xmm1, [dev+0x04] */
    0xe6, 0x10,                                                 /* out 0x10, al */
};

static int failures;

static void check(const char *what, int ok)
{
    printf("  %-52s %s\n", what, ok ? "OK" : "WRONG");
    failures += !ok;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (setup()) {
        printf("kvm_vmm: cannot set up a KVM guest (%s): skipped\n",
               access("/dev/kvm", R_OK | W_OK) ? "no usable /dev/kvm" : "ioctl failed");
        return 0;
    }
    for (unsigned i = 0; i < DEV_SIZE; i++)
        device[i] = (uint8_t)(i * 7 + 1);
    for (unsigned i = 0; i < 64; i++)
        ram[DATA + i] = (uint8_t)(0xa0 + i);
    memcpy(ram + CODE, guest, sizeof guest);
    struct kvm_regs r;
    memset(&r, 0, sizeof r);
    r.rip = CODE, r.rsp = 0x80000, r.rflags = 2;
    ioctl(vcpu, KVM_SET_REGS, &r);
    printf("mmioemu %s in a KVM VMM: device at GPA %#llx has no memslot\n\n", mmioemu_version(),
           (unsigned long long)DEV);
    unsigned kvm_done = 0, ours = 0;
    for (int steps = 0; steps < 100; steps++) {
        if (ioctl(vcpu, KVM_RUN, 0))
            return 1;
        if (run->exit_reason == KVM_EXIT_MMIO) {
            uint64_t a = run->mmio.phys_addr;
            unsigned n = run->mmio.len;
            printf("  KVM_EXIT_MMIO (KVM's emulator decoded it):\n");
            if (run->mmio.is_write)
                mmio_write(NULL, a, run->mmio.data, n);
            else
                mmio_read(NULL, a, run->mmio.data, n);
            kvm_done++;
        } else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
                   run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
            ioctl(vcpu, KVM_GET_REGS, &r);
            printf("  KVM_EXIT_INTERNAL_ERROR (emulation failure) at rip %#llx:\n",
                   (unsigned long long)r.rip);
            if (complete_with_mmioemu()) {
                printf("  mmioemu could not complete it: stopping\n");
                return 1;
            }
            ours++;
        } else if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0x10) {
            break;
        } else {
            printf("  unexpected exit %u\n", run->exit_reason);
            return 1;
        }
    }
    ioctl(vcpu, KVM_GET_REGS, &r);
    ioctl(vcpu, KVM_GET_XSAVE, &xs);
    const uint8_t *xmm1 = (const uint8_t *)xs.region + 160 + 16;
    uint8_t zero[12] = {0};
    printf("\n%u accesses completed by KVM, %u instructions completed by mmioemu\n", kvm_done,
           ours);
    check("eax = device bytes 0..3",
          r.rax ==
              (uint64_t)(device[0] | device[1] << 8 | device[2] << 16 | (uint32_t)device[3] << 24));
    check("device 0x80..0x9f = device 0x40..0x5f (ymm0 round trip)",
          memcmp(device + 0x80, device + 0x40, 32) == 0);
    check("device 0xc0..0xff = RAM 0x20000 (MOVDIR64B, one 64-byte write)",
          memcmp(device + 0xc0, ram + DATA, 64) == 0);
    check("xmm1 = device 4..7, bits 127:32 zero (SDM MOVD)",
          memcmp(xmm1, device + 4, 4) == 0 && memcmp(xmm1 + 4, zero, 12) == 0);
    return failures ? 1 : 0;
}

#else
int main(void)
{
    printf("kvm_vmm: needs an x86-64 Linux host\n");
    return 0;
}
#endif
