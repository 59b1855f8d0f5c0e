/* The CPU oracle's native runner and SIGSEGV trap-and-emulate harness
 * (see x86cpu_run.h). The trampoline loads every GPR but RSP, RFLAGS and the
 * vector registers, RETs into the instruction (followed by a RET back), and
 * saves them again. The handler converts the ucontext to mmioemu_cpu. */
#define _GNU_SOURCE /* REG_RAX... in <ucontext.h> */
#include "x86cpu_run.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#include <asm/prctl.h>
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

void x86cpu_tramp(x86cpu_regs *r, void *code);

/* rdi = regs, rsi = code. Offsets follow x86cpu_regs. */
__asm__(
    ".text\n.globl x86cpu_tramp\n.type x86cpu_tramp,@function\nx86cpu_tramp:\n"
    "push %rbx\npush %rbp\npush %r12\npush %r13\npush %r14\npush %r15\n"
    "push %rdi\n"
    "lea 9f(%rip), %rax\npush %rax\n" /* the instruction's trailing RET lands at 9 */
    "push %rsi\n"
    "mov 136(%rdi), %rax\n"
    "cmp $1, %rax\njne 1f\n"
    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\nmovdqu 192+64*\\i(%rdi), %xmm\\i\n.endr\n"
    "jmp 4f\n1: cmp $2, %rax\njne 2f\n"
    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\nvmovdqu 192+64*\\i(%rdi), %ymm\\i\n.endr\n"
    "jmp 4f\n2: cmp $3, %rax\njne 4f\n"
    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "vmovdqu64 192+64*\\i(%rdi), %zmm\\i\n.endr\n"
    "4: cmpq $0, 152(%rdi)\nje 5f\n"
    "rdfsbase %rax\nmov %rax, 160(%rdi)\nmov %rax, x86cpu_real_fs(%rip)\n"
    "mov 144(%rdi), %rax\nwrfsbase %rax\n"
    "5: pushq 128(%rdi)\npopfq\n"
    "mov 0(%rdi), %rax\nmov 8(%rdi), %rcx\nmov 16(%rdi), %rdx\nmov 24(%rdi), %rbx\n"
    "mov 40(%rdi), %rbp\nmov 48(%rdi), %rsi\nmov 64(%rdi), %r8\nmov 72(%rdi), %r9\n"
    "mov 80(%rdi), %r10\nmov 88(%rdi), %r11\nmov 96(%rdi), %r12\nmov 104(%rdi), %r13\n"
    "mov 112(%rdi), %r14\nmov 120(%rdi), %r15\nmov 56(%rdi), %rdi\n"
    "ret\n"
    "9: xchg %rdi, (%rsp)\n"
    "mov %rax, 0(%rdi)\nmov %rcx, 8(%rdi)\nmov %rdx, 16(%rdi)\nmov %rbx, 24(%rdi)\n"
    "mov %rbp, 40(%rdi)\nmov %rsi, 48(%rdi)\nmov %r8, 64(%rdi)\nmov %r9, 72(%rdi)\n"
    "mov %r10, 80(%rdi)\nmov %r11, 88(%rdi)\nmov %r12, 96(%rdi)\nmov %r13, 104(%rdi)\n"
    "mov %r14, 112(%rdi)\nmov %r15, 120(%rdi)\n"
    "pushfq\npop %rax\nmov %rax, 128(%rdi)\npop %rax\nmov %rax, 56(%rdi)\ncld\n"
    "cmpq $0, 152(%rdi)\nje 6f\nmov 160(%rdi), %rax\nwrfsbase %rax\n6:\n"
    "mov 136(%rdi), %rax\n"
    "cmp $1, %rax\njne 1f\n"
    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\nmovdqu %xmm\\i, 192+64*\\i(%rdi)\n.endr\n"
    "jmp 4f\n1: cmp $2, %rax\njne 2f\n"
    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\nvmovdqu %ymm\\i, 192+64*\\i(%rdi)\n.endr\n"
    "vzeroupper\njmp 4f\n2: cmp $3, %rax\njne 4f\n"
    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "vmovdqu64 %zmm\\i, 192+64*\\i(%rdi)\n.endr\nvzeroupper\n"
    "4: pop %r15\npop %r14\npop %r13\npop %r12\npop %rbp\npop %rbx\nret\n"
    ".size x86cpu_tramp, .-x86cpu_tramp\n");

/* Signal entry when FS may hold the case's base: put glibc's FS back before
 * any C runs, call the handler, restore the case's FS for the return. */
uint64_t x86cpu_real_fs, x86cpu_trap_fs;
void (*x86cpu_trap_fn)(int, siginfo_t *, void *);
void x86cpu_trap_entry(int, siginfo_t *, void *);
__asm__(".text\n.globl x86cpu_trap_entry\n.type x86cpu_trap_entry,@function\n"
        "x86cpu_trap_entry:\nsub $8, %rsp\n"
        "rdfsbase %rax\nmov %rax, x86cpu_trap_fs(%rip)\n"
        "mov x86cpu_real_fs(%rip), %rax\nwrfsbase %rax\n"
        "call *x86cpu_trap_fn(%rip)\n"
        "mov x86cpu_trap_fs(%rip), %rax\nwrfsbase %rax\n"
        "add $8, %rsp\nret\n.size x86cpu_trap_entry, .-x86cpu_trap_entry\n");

static uint8_t *code_map, *area_map;

int x86cpu_has_fsgsbase(void)
{
    return (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */
}
static uint32_t off_ymm, off_zmmh, off_hi16;

static int vmode_cached = -1; /* CPUID exits to the hypervisor in a VM: ask once */

static int vmode_probe(void)
{
    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 27))) /* OSXSAVE */
        return 1;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    __cpuid_count(7, 0, a, b, c, d);
    if ((b & (1u << 16)) && (lo & 0xe6) == 0xe6)
        return 3; /* AVX-512F and XCR0 opmask|ZMM_Hi256|Hi16_ZMM */
    return (lo & 6) == 6 ? 2 : 1;
}

int x86cpu_vmode(void)
{
    if (vmode_cached < 0)
        vmode_cached = vmode_probe();
    return vmode_cached;
}

int x86cpu_has_insn(const x86gen_case *k)
{
    static int f1c = -1, f7b, f7c;
    if (f1c < 0) { /* CPUID traps to the hypervisor in a VM: once */
        unsigned a, b, c, d;
        __cpuid(1, a, b, c, d);
        f1c = (int)c;
        __cpuid_count(7, 0, a, b, c, d);
        f7b = (int)b, f7c = (int)c;
    }
    const char *n = x86gen_form_name(k->form);
    if (!strncmp(n, "movbe", 5))
        return (f1c >> 22) & 1;
    if (!strncmp(n, "clflushopt", 10))
        return (f7b >> 23) & 1;
    if (!strncmp(n, "clwb", 4))
        return (f7b >> 24) & 1;
    if (!strncmp(n, "movdir64b", 9))
        return (f7c >> 28) & 1;
    if (!strncmp(n, "movdiri", 7))
        return (f7c >> 27) & 1;
    if (k->group == X86GEN_G_AVX) {
        unsigned i = 0;
        while (i < k->len && k->bytes[i] != 0x62 && k->bytes[i] != 0xc4 && k->bytes[i] != 0xc5)
            i++; /* skip the legacy prefixes: the first VEX/EVEX escape */
        return x86cpu_vmode() >= (i < k->len && k->bytes[i] == 0x62 ? 3 : 2);
    }
    return 1;
}

int x86cpu_open(char *why, size_t n)
{
    unsigned a, b, c, d;
    if (code_map)
        return 0; /* still open (a test stopped before x86cpu_close) */
    code_map = mmap((void *)X86GEN_CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code_map != (void *)X86GEN_CODE) {
        snprintf(why, n, "cannot map code at %#llx: %s", X86GEN_CODE, strerror(errno));
        code_map = NULL;
        return -1;
    }
    area_map = mmap((void *)X86GEN_AREA, X86GEN_AREA_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (area_map != (void *)X86GEN_AREA) {
        snprintf(why, n, "cannot map the window at %#llx: %s", X86GEN_AREA, strerror(errno));
        munmap(code_map, 0x1000);
        code_map = area_map = NULL;
        return -1;
    }
    __cpuid_count(0xd, 2, a, b, c, d);
    off_ymm = b;
    __cpuid_count(0xd, 6, a, b, c, d);
    off_zmmh = b;
    __cpuid_count(0xd, 7, a, b, c, d);
    off_hi16 = b;
    return 0;
}

void x86cpu_close(void)
{
    if (code_map) {
        munmap(code_map, 0x1000);
        munmap(area_map, X86GEN_AREA_SIZE);
    }
    code_map = area_map = NULL;
}

static void prepare(const x86gen_case *c, x86cpu_regs *r)
{
    memcpy(code_map, c->bytes, c->len);
    code_map[c->len] = 0xc3; /* RET back into the trampoline */
    memcpy(r->gpr, c->gpr, sizeof r->gpr);
    r->rflags = c->rflags;
    r->fs_base = c->fs_base;
    r->set_fs = c->fs_base && x86cpu_has_fsgsbase();
    syscall(SYS_arch_prctl, ARCH_GET_FS, &x86cpu_real_fs);
    for (unsigned i = 0; i < 32; i++)
        for (unsigned j = 0; j < 64; j++)
            r->zmm[i][j] = x86gen_vec_byte(i, j);
    x86gen_fill_area(area_map);
    syscall(SYS_arch_prctl, ARCH_SET_GS, c->gs_base);
}

static sigjmp_buf jb;
static volatile int in_case;

static void crash(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    if (in_case)
        siglongjmp(jb, 1);
}

static void (*segv_fn)(int, siginfo_t *, void *);

static void dispatch(int sig, siginfo_t *si, void *uc)
{
    if (sig == SIGSEGV)
        segv_fn(sig, si, uc);
    else
        crash(sig, si, uc);
}

static int guarded(x86cpu_regs *r, void (*h)(int, siginfo_t *, void *))
{
    struct sigaction sa, old_segv, old_bus;
    memset(&sa, 0, sizeof sa);
    int stub = x86cpu_has_fsgsbase();
    segv_fn = h;
    x86cpu_trap_fn = dispatch;
    sa.sa_sigaction = stub ? x86cpu_trap_entry : h;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sa.sa_sigaction = stub ? x86cpu_trap_entry : crash; /* SIGBUS: always a crash */
    sigaction(SIGBUS, &sa, &old_bus);
    volatile int rc = 0;
    in_case = 1;
    if (sigsetjmp(jb, 1) == 0)
        x86cpu_tramp(r, code_map);
    else
        rc = -1;
    in_case = 0;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    syscall(SYS_arch_prctl, ARCH_SET_GS, 0ul);
    return rc;
}

int x86cpu_run_native(const x86gen_case *c, x86cpu_regs *r, uint8_t *area_out)
{
    prepare(c, r);
    int rc = guarded(r, crash);
    memcpy(area_out, area_map, X86GEN_AREA_SIZE);
    return rc;
}

/* ---- trap-and-emulate ---------------------------------------------- */

static x86gen_dev *t_dev;
static x86cpu_trap *t_trap;
static const x86gen_case *t_case;
static mmioemu_cpu t_cpu;
static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                REG_R12, REG_R13, REG_R14, REG_R15};

static int in_ram(uint64_t a, size_t n)
{
    return a >= X86GEN_AREA && a + n <= X86GEN_AREA + X86GEN_AREA_SIZE && !x86gen_in_window(a) &&
           !x86gen_in_window(a + n - 1) && !(a < X86GEN_WIN && a + n > X86GEN_WIN);
}

/* RAM is the real memory at the same address (linear == host virtual). */
static int c_ram_read(void *ctx, uint64_t a, void *buf, size_t n)
{
    (void)ctx;
    if (!in_ram(a, n))
        return -1;
    memcpy(buf, (void *)(uintptr_t)a, n);
    return 0;
}

static int c_ram_write(void *ctx, uint64_t a, const void *buf, size_t n)
{
    (void)ctx;
    if (!in_ram(a, n))
        return -1;
    memcpy((void *)(uintptr_t)a, buf, n);
    return 0;
}

static int c_cmpxchg(void *ctx, uint64_t a, void *old, const void *new_, unsigned n)
{
    if (x86gen_in_window(a))
        return x86gen_ops.cmpxchg(ctx, a, old, new_, n);
    if (!in_ram(a, n))
        return -1;
    if (memcmp((void *)(uintptr_t)a, old, n)) {
        memcpy(old, (void *)(uintptr_t)a, n);
        return 1;
    }
    memcpy((void *)(uintptr_t)a, new_, n);
    return 0;
}

/* XSAVE standard format in the signal frame (SDM Vol. 1 13.4; the kernel
 * writes it with XSAVE, magic FP_XSTATE_MAGIC1 at byte 464). */
static void vec_frame(ucontext_t *uc, mmioemu_x86_state *x, int set)
{
    uint8_t *f = (uint8_t *)uc->uc_mcontext.fpregs;
    uint32_t magic;
    uint64_t bv;
    memcpy(&magic, f + 464, 4);
    int xs = magic == 0x46505853u;
    memcpy(&bv, f + 512, 8);
    for (int i = 0; i < 32; i++) {
        uint8_t *z = x->zmm[i];
        if (i < 16) {
            if (set)
                memcpy(f + 160 + 16 * i, z, 16);
            else
                memcpy(z, f + 160 + 16 * i, 16);
        }
        if (!xs)
            continue;
        struct {
            uint8_t *p;
            unsigned zo, n;
            uint64_t bit;
        } part[2] = {{i < 16 ? f + off_ymm + 16 * i : NULL, 16, 16, 4},
                     {i < 16 ? f + off_zmmh + 32 * i : f + off_hi16 + 64 * (i - 16),
                      i < 16 ? 32 : 0, i < 16 ? 32 : 64, i < 16 ? 0x40 : 0x80}};
        for (int k = 0; k < 2; k++) {
            if (!part[k].p || (k == 1 && x86cpu_vmode() < 3))
                continue;
            if (set) {
                memcpy(part[k].p, z + part[k].zo, part[k].n);
                bv |= part[k].bit;
            } else if (bv & part[k].bit) {
                memcpy(z + part[k].zo, part[k].p, part[k].n);
            } else {
                memset(z + part[k].zo, 0, part[k].n); /* component in its init state */
            }
        }
    }
    if (set && xs)
        memcpy(f + 512, &bv, 8);
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    if (!in_case)
        return;
    t_trap->fault_addr = addr;
    if (!x86gen_in_window(addr) || t_trap->traps > 100000) {
        t_trap->aborted = 1;
        siglongjmp(jb, 1);
    }
    mmioemu_x86_state *x = &t_cpu.u.x86;
    x86gen_cpu_init(t_case, 3, &t_cpu);
    for (int i = 0; i < 16; i++)
        x->gpr[i] = (uint64_t)g[greg_of[i]];
    x->rip = (uint64_t)g[REG_RIP];
    x->rflags = (uint64_t)g[REG_EFL];
    vec_frame(uc, x, 0);
    mmioemu_fault f;
    memset(&f, 0, sizeof f);
    f.gla = f.gpa = addr; /* CR2 of the fault, identity "paging" */
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    f.insn = (const uint8_t *)(uintptr_t)x->rip;
    f.insn_len =
        (uint32_t)(0x1000 - (x->rip & 0xfff)) < 15 ? (uint32_t)(0x1000 - (x->rip & 0xfff)) : 15;
    mmioemu_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.flags = MMIOEMU_POLICY_ALLOW_USER | MMIOEMU_POLICY_IDENTITY;
    mmioemu_ops ops = x86gen_ops;
    ops.ram_read = c_ram_read;
    ops.ram_write = c_ram_write;
    ops.cmpxchg = c_cmpxchg;
    mmioemu_result res;
    mmioemu_status s = mmioemu_emulate(&ops, t_dev, &t_cpu, &f, &pol, &res);
    t_trap->traps++;
    t_trap->last = s;
    if (s != MMIOEMU_OK && s != MMIOEMU_ERR_RETRY) {
        t_trap->aborted = 1;
        siglongjmp(jb, 1);
    }
    for (int i = 0; i < 16; i++)
        if (i != 4)
            g[greg_of[i]] = (greg_t)x->gpr[i];
    g[REG_RIP] = (greg_t)x->rip;
    g[REG_EFL] = (greg_t)x->rflags;
    t_trap->last_rip = x->rip;
    vec_frame(uc, x, 1);
}

int x86cpu_run_trapped(const x86gen_case *c, x86cpu_regs *r, x86gen_dev *dev, x86cpu_trap *t,
                       uint8_t *area_out)
{
    prepare(c, r);
    x86gen_dev_reset(dev);
    dev->window_reads_area = 1;
    memset(t, 0, sizeof *t);
    t_dev = dev, t_trap = t, t_case = c;
    uint8_t *win = area_map + (X86GEN_WIN - X86GEN_AREA);
    mprotect(win, X86GEN_WIN_SIZE, PROT_NONE);
    int rc = guarded(r, on_trap);
    mprotect(win, X86GEN_WIN_SIZE, PROT_READ | PROT_WRITE);
    memcpy(area_out, area_map, X86GEN_AREA_SIZE);
    memcpy(area_out + (X86GEN_WIN - X86GEN_AREA), dev->area + (X86GEN_WIN - X86GEN_AREA),
           X86GEN_WIN_SIZE);
    return rc || t->aborted ? -1 : 0;
}

#else

int x86cpu_open(char *why, size_t n)
{
    snprintf(why, n, "the CPU oracle needs an x86-64 Linux host");
    return -1;
}
void x86cpu_close(void)
{
}
int x86cpu_vmode(void)
{
    return 0;
}
int x86cpu_has_insn(const x86gen_case *c)
{
    (void)c;
    return 0;
}
int x86cpu_run_native(const x86gen_case *c, x86cpu_regs *r, uint8_t *a)
{
    (void)c, (void)r, (void)a;
    return -1;
}
int x86cpu_run_trapped(const x86gen_case *c, x86cpu_regs *r, x86gen_dev *d, x86cpu_trap *t,
                       uint8_t *a)
{
    (void)c, (void)r, (void)d, (void)t, (void)a;
    return -1;
}
#endif
