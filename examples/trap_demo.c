/* trap_demo: a real trap-and-emulate run in user space, public API only.
 * A "driver" programs a simulated device (registers + a FIFO) through a
 * PROT_NONE page, using the forms other emulators get wrong; every access
 * traps (SIGSEGV, standing in for a TDX #VE / SEV #VC) and the handler
 * emulates it with mmioemu_emulate(). Each trap is logged: bytes, decoded
 * form, device accesses, register results. Exit status 0 iff every result
 * equals what the SDM says the CPU does. x86-64 Linux only. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

#if defined(__x86_64__) && defined(__linux__)
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- the simulated device ------------------------------------------------ */
enum {
    DEV_STATUS = 0x00, /* u32 ro: 0x000081a5 (ready | fifo empty | ...) */
    DEV_CTRL = 0x04,   /* u32 rw */
    DEV_ID = 0x08,     /* u16 ro: 0xbeef */
    DEV_DATA = 0x40,   /* 16 bytes rw scratch */
    DEV_FIFO = 0x100,  /* 0x100..0x1ff: every byte written is pushed */
};

static uint8_t *dev; /* the PROT_NONE page the driver uses */
static uint32_t dev_ctrl = 0x00000011;
static uint8_t dev_data[16] = "0123456789abcdef";
static char fifo[128];
static unsigned fifo_len, log_reads, log_writes;

static uint64_t dev_pa(uint64_t a)
{
    return a - (uint64_t)(uintptr_t)dev;
}

static void dev_reg(uint64_t off, uint8_t *b)
{
    uint32_t st = 0x000081a5, id = 0xbeef;
    memset(b, 0xff, 1);
    if (off < 4)
        *b = (uint8_t)(st >> (8 * off));
    else if (off < 8)
        *b = (uint8_t)(dev_ctrl >> (8 * (off - 4)));
    else if (off < 10)
        *b = (uint8_t)(id >> (8 * (off - 8)));
    else if (off >= DEV_DATA && off < DEV_DATA + 16)
        *b = dev_data[off - DEV_DATA];
}

static void dev_put(uint64_t off, uint8_t b)
{
    if (off >= 4 && off < 8)
        dev_ctrl = (dev_ctrl & ~(0xffu << (8 * (off - 4)))) | (uint32_t)b << (8 * (off - 4));
    else if (off >= DEV_DATA && off < DEV_DATA + 16)
        dev_data[off - DEV_DATA] = b;
    else if (off >= DEV_FIFO && off < DEV_FIFO + 0x100 && fifo_len + 1 < sizeof fifo)
        fifo[fifo_len++] = (char)b;
}

static void hex(const char *tag, uint64_t a, const uint8_t *b, unsigned n)
{
    printf("      %-7s dev+0x%03llx %2u bytes:", tag, (unsigned long long)dev_pa(a), n);
    for (unsigned i = 0; i < n; i++)
        printf(" %02x", b[i]);
    printf("\n");
}

/* ---- callbacks: what a #VE handler would forward to the host ------------ */
static int mmio_read(void *ctx, uint64_t a, void *buf, unsigned n)
{
    (void)ctx;
    for (unsigned i = 0; i < n; i++)
        dev_reg(dev_pa(a) + i, (uint8_t *)buf + i);
    hex("read ", a, buf, n);
    log_reads++;
    return 0;
}

static int mmio_write(void *ctx, uint64_t a, const void *buf, unsigned n)
{
    (void)ctx;
    hex("write", a, buf, n);
    for (unsigned i = 0; i < n; i++)
        dev_put(dev_pa(a) + i, ((const uint8_t *)buf)[i]);
    log_writes++;
    return 0;
}

/* RAM side of MOVS: the process's own memory (linear == "physical" here) */
static int ram_read(void *ctx, uint64_t a, void *buf, size_t n)
{
    (void)ctx;
    memcpy(buf, (const void *)(uintptr_t)a, n);
    return 0;
}

static int ram_write(void *ctx, uint64_t a, const void *buf, size_t n)
{
    (void)ctx;
    memcpy((void *)(uintptr_t)a, buf, n);
    return 0;
}

static int is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    (void)ctx;
    *mmio = pa >= (uint64_t)(uintptr_t)dev && pa < (uint64_t)(uintptr_t)dev + 4096;
    *span = 0;
    return 0;
}

static int translate(void *ctx, uint64_t la, uint64_t *pa, bool w)
{
    (void)ctx, (void)w;
    *pa = la;
    return 0;
}

/* LOCK forms: the device applies compare-and-exchange atomically */
static int cmpxchg(void *ctx, uint64_t a, void *old, const void *new_, unsigned n)
{
    uint8_t cur[64];
    (void)ctx;
    if (n > sizeof cur)
        return -1;
    for (unsigned i = 0; i < n; i++)
        dev_reg(dev_pa(a) + i, cur + i);
    if (memcmp(cur, old, n)) {
        memcpy(old, cur, n);
        return 1;
    }
    hex("cmpxchg", a, new_, n);
    for (unsigned i = 0; i < n; i++)
        dev_put(dev_pa(a) + i, ((const uint8_t *)new_)[i]);
    log_writes++;
    return 0;
}

static const mmioemu_ops ops = {mmio_read, mmio_write, ram_read, ram_write,
                                NULL,      translate,  is_mmio,  cmpxchg};

/* ---- the "#VE handler" ---------------------------------------------------- */
static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                REG_R12, REG_R13, REG_R14, REG_R15};
static const char *const gname[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static mmioemu_cpu cpu; /* 2.3 KiB: static, not on the signal stack */
static unsigned traps;

/* The trap is synchronous (our own instruction faulted), so printing here
 * cannot interrupt stdio in the middle of another call. */
static void on_trap(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    bool mmio;
    uint64_t span;
    is_mmio(NULL, addr, &mmio, &span);
    if (!mmio) { /* not our device: a real crash */
        signal(sig, SIG_DFL);
        return;
    }
    memset(&cpu, 0, sizeof cpu);
    cpu.mode = MMIOEMU_X86_64;
    mmioemu_x86_state *x = &cpu.u.x86;
    for (int i = 0; i < 16; i++)
        x->gpr[i] = (uint64_t)g[greg_of[i]];
    x->rip = (uint64_t)g[REG_RIP];
    x->rflags = (uint64_t)g[REG_EFL];
    for (int s = 0; s < 6; s++) { /* flat user segments; 64-bit CS (L=1) */
        x->seg[s].limit = 0xffffffff;
        x->seg[s].attr = MMIOEMU_SEG_ATTR_P | MMIOEMU_SEG_ATTR_S | 3 | 3u << 5;
    }
    x->seg[MMIOEMU_SEG_CS].attr = MMIOEMU_SEG_ATTR_P | MMIOEMU_SEG_ATTR_S | 11 | 3u << 5 | 1u << 13;
    x->cpl = 3;
    for (int i = 0; i < 16; i++) /* XMM0-15 from the signal frame (FXSAVE layout) */
        memcpy(x->zmm[i], &uc->uc_mcontext.fpregs->_xmm[i], 16);

    mmioemu_fault f;
    memset(&f, 0, sizeof f);
    f.gla = f.gpa = addr; /* what the #VE info would carry */
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    f.insn = (const uint8_t *)(uintptr_t)x->rip;
    f.insn_len = 15;
    mmioemu_policy pol = {MMIOEMU_POLICY_ALLOW_USER | MMIOEMU_POLICY_IDENTITY, 0, NULL};
    mmioemu_result res;

    printf("  trap %u: fault at dev+%#llx, rip %#llx, bytes", ++traps,
           (unsigned long long)dev_pa(addr), (unsigned long long)x->rip);
    mmioemu_insn in;
    unsigned len =
        mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, f.insn, 15, &in) == MMIOEMU_OK
            ? in.length
            : 4;
    for (unsigned i = 0; i < len; i++)
        printf(" %02x", f.insn[i]);
    printf("\n");
    mmioemu_status st = mmioemu_emulate(&ops, NULL, &cpu, &f, &pol, &res);
    unsigned w = res.insn.kind == MMIOEMU_KIND_READ ? res.insn.dst_size : res.insn.size;
    printf("    decoded: %s%s%s, %u-byte access, register %s%s\n", mmioemu_kind_name(res.insn.kind),
           res.insn.op != MMIOEMU_OP_NONE ? " " : "",
           res.insn.op != MMIOEMU_OP_NONE ? mmioemu_op_name(res.insn.op) : "", res.insn.size,
           res.insn.reg == MMIOEMU_REG_NONE ? "-"
                                            : mmioemu_reg_name(MMIOEMU_X86_64, res.insn.reg, w),
           res.insn.flags & MMIOEMU_F_LOCK  ? ", LOCK"
           : res.insn.flags & MMIOEMU_F_REP ? ", REP"
                                            : "");
    if (st != MMIOEMU_OK) {
        printf("    mmioemu_emulate: %s -- the handler would inject an exception\n",
               mmioemu_status_str(st));
        _exit(2);
    }
    for (int i = 0; i < 16; i++)
        if (i != 4 && x->gpr[i] != (uint64_t)g[greg_of[i]])
            printf("    %s: %#llx -> %#llx\n", gname[i], (unsigned long long)g[greg_of[i]],
                   (unsigned long long)x->gpr[i]);
    if ((x->rflags ^ (uint64_t)g[REG_EFL]) & 0x8d5)
        printf("    rflags: %#llx -> %#llx\n", (unsigned long long)g[REG_EFL],
               (unsigned long long)x->rflags);
    printf("    rip += %llu\n", (unsigned long long)(x->rip - (uint64_t)g[REG_RIP]));
    for (int i = 0; i < 16; i++) {
        g[greg_of[i]] = (greg_t)x->gpr[i];
        memcpy(&uc->uc_mcontext.fpregs->_xmm[i], x->zmm[i], 16);
    }
    g[REG_RIP] = (greg_t)x->rip;
    g[REG_EFL] = (greg_t)x->rflags;
}

/* ---- the driver ------------------------------------------------------------ */
static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    printf("  => %s = %#llx, expected %#llx: %s\n\n", what, (unsigned long long)got,
           (unsigned long long)want, got == want ? "OK" : "WRONG");
    failures += got != want;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    dev = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dev == MAP_FAILED)
        return 1;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, &old);
    printf("mmioemu %s trap demo: device page at %p is PROT_NONE; every access traps\n\n",
           mmioemu_version(), (void *)dev);

    /* 1. SDM Vol. 2A 3.1.1.1: without REX, byte register 4 is AH (Linux TDX read SPL) */
    uint64_t rax = 0x1111111111111111ull;
    printf("driver: mov ah, [dev+STATUS]   (rax = %#llx)\n", (unsigned long long)rax);
    __asm__ volatile("movb (%%rbx), %%ah" : "+a"(rax) : "b"(dev + DEV_STATUS) : "memory");
    check("rax (only AH = STATUS byte 0 = 0xa5)", rax, 0x111111111111a511ull);

    /* 2. SDM MOVZX: a 32-bit destination zero-extends to 64 bits (stale top half) */
    rax = 0xdeadbeefcafef00dull;
    printf("driver: movzx eax, word [dev+ID]   (rax = %#llx)\n", (unsigned long long)rax);
    __asm__ volatile("movzwl (%%rbx), %%eax" : "+a"(rax) : "b"(dev + DEV_ID) : "memory");
    check("rax", rax, 0xbeef);

    /* 3. memcpy_toio: REP MOVSB from RAM into the FIFO (SDM MOVS: RSI/RDI/RCX step) */
    static const char msg[] = "hello, mmio";
    const char *src = msg;
    uint8_t *dst = dev + DEV_FIFO;
    uint64_t rcx = sizeof msg - 1;
    printf("driver: rep movsb  (rsi = \"%s\", rdi = dev+FIFO, rcx = %llu)\n", msg,
           (unsigned long long)rcx);
    __asm__ volatile("rep movsb" : "+S"(src), "+D"(dst), "+c"(rcx) : : "memory");
    printf("  device FIFO now holds \"%.*s\"\n", (int)fifo_len, fifo);
    check("rcx", rcx, 0);
    check("rdi - dev", (uint64_t)(dst - dev), DEV_FIFO + sizeof msg - 1);

    /* 4. a volatile |= compiles to LOCK OR on the register: read-modify-write */
    printf("driver: lock or dword [dev+CTRL], 0x80   (CTRL = %#x)\n", dev_ctrl);
    uint8_t zf;
    __asm__ volatile("lock orl $0x80, (%%rbx)\n\tsetz %0"
                     : "=r"(zf)
                     : "b"(dev + DEV_CTRL)
                     : "memory", "cc");
    check("device CTRL", dev_ctrl, 0x91);
    check("ZF after OR (result non-zero)", zf, 0);

    /* 5. SSE moves on device memory (some drivers' memcpy): 16 bytes each way */
    uint8_t got[16];
    static const uint8_t put[16] = "ABCDEFGHIJKLMNOP";
    printf("driver: movdqu xmm0, [dev+DATA]; then movdqu [dev+DATA], xmm1\n");
    __asm__ volatile("movdqu (%%rbx), %%xmm0\n\tmovdqu %%xmm0, (%1)\n\t"
                     "movdqu (%2), %%xmm1\n\tmovdqu %%xmm1, (%%rbx)"
                     :
                     : "b"(dev + DEV_DATA), "r"(got), "r"(put)
                     : "memory", "xmm0", "xmm1");
    check("xmm0 == old DATA", memcmp(got, "0123456789abcdef", 16) == 0, 1);
    check("DATA == xmm1", memcmp(dev_data, put, 16) == 0, 1);

    sigaction(SIGSEGV, &old, NULL);
    munmap(dev, 4096);
    printf("%u traps emulated, %u device reads, %u device writes: %s\n", traps, log_reads,
           log_writes, failures ? "SOME RESULTS WRONG" : "all results as the SDM says");
    return failures ? 1 : 0;
}

#else
int main(void)
{
    printf("trap_demo: needs an x86-64 Linux host\n");
    return 0;
}
#endif
