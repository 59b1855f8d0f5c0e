/* Benchmark: the full mmioemu_emulate path (fetch from the fault's bytes ->
 * decode -> plan -> execute -> commit, trivial callbacks) in ns/instruction
 * on a random MMIO-form corpus, beside a KVM exit round trip measured in the
 * same run, and mmioemu_emulate's maximum stack depth on a painted stack
 * (x86 corpus with and without a result, plus arm64 loads/stores/pairs and
 * LSE atomics; method in docs/stack.md).
 * Usage: bench_emulate [cases] [repeats]. Reports; asserts nothing. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include <mmioemu/mmioemu.h>

/* One generator for the oracle tests and this corpus: compiled in here
 * because bench/ links only bench/common (tests/common is the tests'). */
#include "tests/common/x86gen_forms.c"
#include "tests/common/x86gen_gen.c"
#include "tests/common/kvm_guest.c"
/* its static helpers share names with x86gen's: renamed for this unit */
#define rnd a64gen_rnd_
#define pick_addr a64gen_pick_addr_
#define build a64gen_build_
#include "tests/common/a64gen_ldst.c"
#undef rnd
#undef pick_addr
#undef build

typedef struct bcase {
    uint64_t gpr[16], rflags;
    mmioemu_fault fault;
    int has_fault;
} bcase;

static uintptr_t deepest_cb = UINTPTR_MAX; /* lowest callback frame seen */
#define CB_DEPTH()                                                                                 \
    do {                                                                                           \
        uintptr_t f_ = (uintptr_t)__builtin_frame_address(0);                                      \
        if (f_ < deepest_cb)                                                                       \
            deepest_cb = f_;                                                                       \
    } while (0)

static int t_mmio_read(void *c, uint64_t a, void *buf, unsigned n)
{
    (void)c, (void)a;
    CB_DEPTH();
    memset(buf, 0x5a, n);
    return 0;
}
static int t_mmio_write(void *c, uint64_t a, const void *buf, unsigned n)
{
    CB_DEPTH();
    (void)c, (void)a, (void)buf, (void)n;
    return 0;
}
static int t_ram_read(void *c, uint64_t a, void *buf, size_t n)
{
    CB_DEPTH();
    (void)c, (void)a;
    memset(buf, 0x13, n);
    return 0;
}
static int t_ram_write(void *c, uint64_t a, const void *buf, size_t n)
{
    CB_DEPTH();
    (void)c, (void)a, (void)buf, (void)n;
    return 0;
}
static int t_translate(void *c, uint64_t la, uint64_t *pa, bool w)
{
    CB_DEPTH();
    (void)c, (void)w;
    *pa = la;
    return 0;
}
static int t_is_mmio(void *c, uint64_t pa, bool *mmio, uint64_t *span)
{
    CB_DEPTH();
    (void)c;
    *mmio = (pa >= X86GEN_WIN && pa < X86GEN_WIN + X86GEN_WIN_SIZE) ||
            (pa >= 0x40000000ull && pa < 0x40003000ull); /* the arm64 window below */
    *span = 0;
    return 0;
}
static int t_cmpxchg(void *c, uint64_t a, void *old, const void *new_, unsigned n)
{
    CB_DEPTH();
    (void)c, (void)a, (void)old, (void)new_, (void)n;
    return 0;
}
static const mmioemu_ops ops = {t_mmio_read, t_mmio_write, t_ram_read, t_ram_write,
                                NULL,        t_translate,  t_is_mmio,  t_cmpxchg};

/* The fetch path (no bytes in the fault): the current case's bytes at the
 * code address, zeros after them. */
static const uint8_t *fetch_bytes;
static unsigned fetch_len;
static int t_fetch(void *c, uint64_t ip, void *buf, size_t n)
{
    CB_DEPTH();
    (void)c;
    uint8_t *b = buf;
    for (size_t i = 0; i < n; i++) {
        uint64_t off = ip - X86GEN_CODE + i;
        b[i] = off < fetch_len ? fetch_bytes[off] : 0;
    }
    return 0;
}
static const mmioemu_ops ops_fetch = {t_mmio_read, t_mmio_write, t_ram_read, t_ram_write,
                                      t_fetch,     t_translate,  t_is_mmio,  t_cmpxchg};
static int use_fetch; /* stack: the fetch callback instead of the fault's bytes */

static x86gen_case *cases;
static bcase *bc;
static unsigned ncases;
static mmioemu_cpu cpu;
static mmioemu_policy pol = {MMIOEMU_POLICY_ALLOW_USER | MMIOEMU_POLICY_IDENTITY, 0, NULL};
static unsigned ok_count;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void build_corpus(unsigned n)
{
    x86gen_rng r;
    x86gen_seed(&r, 1);
    cases = calloc(n, sizeof *cases);
    bc = calloc(n, sizeof *bc);
    for (unsigned i = 0; i < n; i++) {
        do /* misaligned MOVAPS & co. only raise #GP: not an MMIO access */
            x86gen_case_make(&r, -1, &cases[i]);
        while (cases[i].flags & X86GEN_C_GP);
        x86gen_case *c = &cases[i];
        memcpy(bc[i].gpr, c->gpr, sizeof c->gpr);
        bc[i].rflags = c->rflags;
        uint64_t t = c->target < X86GEN_WIN ? X86GEN_WIN : c->target;
        bc[i].fault.gla = bc[i].fault.gpa = t;
        bc[i].fault.flags = c->no_access ? 0 : MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
        bc[i].fault.insn = c->bytes;
        bc[i].fault.insn_len = c->len;
    }
    ncases = n;
    memset(&cpu, 0, sizeof cpu);
    cpu.mode = MMIOEMU_X86_64;
    cpu.u.x86.cr0 = 0x80050033ull;
    for (int s = 0; s < 6; s++) {
        cpu.u.x86.seg[s].limit = 0xffffffff;
        cpu.u.x86.seg[s].attr = 0x80 | 0x10 | 3 | (1u << 14);
    }
    cpu.u.x86.seg[MMIOEMU_SEG_CS].attr = 0x80 | 0x10 | 11 | (1u << 13);
}

/* One call of mmioemu_emulate, out of line so the stack pointer at the call
 * instruction can be read: everything below it is mmioemu_emulate's (and,
 * below the callbacks' call sites, the callbacks'). Not a tail call: the
 * status is stored after it returns. */
static uintptr_t sp_call; /* stack pointer at the call of mmioemu_emulate */
static volatile int last_status;
/* The harness alone: the same pass (register and fault reset, this call)
 * without mmioemu_emulate, timed so its cost can be taken off the total. */
static int harness_only;

static __attribute__((noinline)) int emulate_one(mmioemu_cpu *c, const mmioemu_fault *f,
                                                 mmioemu_result *res)
{
#if defined(__x86_64__)
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    sp_call = sp;
#else
    sp_call = (uintptr_t)__builtin_frame_address(0);
#endif
    if (harness_only) {
        last_status = MMIOEMU_OK;
        return 1;
    }
    int s = mmioemu_emulate(use_fetch ? &ops_fetch : &ops, NULL, c, f, &pol, res);
    last_status = s;
    return s == MMIOEMU_OK;
}

/* One pass over the corpus: restore the few registers an instruction may
 * change, then emulate it. */
static int only_group = -1; /* stack breakdown: one group at a time */
static int with_result;     /* pass a mmioemu_result (stack: the other path) */
static mmioemu_result result;

static void pass(void)
{
    mmioemu_x86_state *x = &cpu.u.x86;
    unsigned ok = 0;
    for (unsigned i = 0; i < ncases; i++) {
        if (only_group >= 0 && cases[i].group != only_group)
            continue;
        memcpy(x->gpr, bc[i].gpr, sizeof x->gpr);
        x->rip = X86GEN_CODE;
        x->rflags = bc[i].rflags;
        x->seg[MMIOEMU_SEG_FS].base = cases[i].fs_base;
        x->seg[MMIOEMU_SEG_GS].base = cases[i].gs_base;
        mmioemu_fault f = bc[i].fault;
        if (use_fetch) {
            fetch_bytes = f.insn, fetch_len = f.insn_len;
            f.insn = NULL, f.insn_len = 0;
        }
        ok += emulate_one(&cpu, &f, with_result ? &result : NULL);
    }
    ok_count = ok;
}

/* ---- arm64 corpus for the stack measurement ---------------------------
 * The oracle tests' load/store generator (every addressing class, pairs,
 * SIMD&FP up to Q) plus FEAT_LSE atomics encoded here from the Arm ARM
 * (C6.2 LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN, SWP, CAS;
 * words checked with aarch64-linux-gnu-objdump, e.g. f8210062 = ldadd x1,
 * x2, [x3], c8a17c62 = cas x1, x2, [x3]). */
#define A64_WIN 0x40000000ull
#define A64_CODE 0x3fff0000ull
#define A64_N 4096u
#define A64_ATOMICS 18u /* 8 LD<op> + SWP + CAS, W and X: every 1 in 4 cases */

typedef struct a64case {
    uint32_t word;
    uint64_t x[32];
    uint64_t addr;
    int atomic;
} a64case;

static a64case a64c[A64_N];
static mmioemu_cpu a64cpu;

static uint32_t a64_atomic_word(unsigned form, unsigned rs, unsigned rn, unsigned rt)
{
    unsigned wide = form & 1, f = form >> 1; /* f: 0..7 LD<op>, 8 SWP, 9 CAS */
    uint32_t w;
    if (f == 9) /* CAS: size 1 001000 1 L=0 1 Rs o0=0 11111 Rn Rt */
        w = (wide ? 0xc8a07c00u : 0x88a07c00u);
    else /* LD<op>/SWP: size 111 0 00 A=0 R=0 1 Rs o3 opc 00 Rn Rt */
        w = (wide ? 0xf8200000u : 0xb8200000u) | (f == 8 ? 0x8000u : (uint32_t)f << 12);
    return w | rs << 16 | rn << 5 | rt;
}

static void build_a64(void)
{
    a64gen_rng r = {0x5eed};
    a64gen_cfg cfg = {A64_WIN, 0x3000, A64_CODE, 0, 0, false};
    for (unsigned i = 0; i < A64_N; i++) {
        a64case *k = &a64c[i];
        if (i % 4 == 3) { /* atomic on an aligned address in the window */
            unsigned form = (unsigned)(a64gen_rand(&r) % (2 * (A64_ATOMICS / 2)));
            unsigned rn = 3 + (unsigned)(a64gen_rand(&r) % 8), rs = 12, rt = 13;
            for (unsigned j = 0; j < 31; j++)
                k->x[j] = a64gen_rand(&r);
            k->addr = A64_WIN + ((a64gen_rand(&r) % 0x2ff8) & ~7ull);
            k->x[rn] = k->addr;
            k->x[31] = A64_WIN;
            k->word = a64_atomic_word(form, rs, rn, rt);
            k->atomic = 1;
            continue;
        }
        a64gen_case c;
        a64gen_next(&r, &cfg, &c);
        k->word = c.word;
        memcpy(k->x, c.x, sizeof k->x);
        k->addr = c.addr;
        k->atomic = 0;
    }
    memset(&a64cpu, 0, sizeof a64cpu);
    a64cpu.mode = MMIOEMU_ARM64;
    a64cpu.u.arm64.el = 1;
}

static unsigned a64_ok[2];

static void pass_a64(void)
{
    unsigned ok[2] = {0, 0};
    for (unsigned i = 0; i < A64_N; i++) {
        const a64case *k = &a64c[i];
        if (only_group >= 0 && k->atomic != only_group)
            continue;
        uint8_t b[4] = {(uint8_t)k->word, (uint8_t)(k->word >> 8), (uint8_t)(k->word >> 16),
                        (uint8_t)(k->word >> 24)};
        memcpy(a64cpu.u.arm64.x, k->x, sizeof a64cpu.u.arm64.x);
        a64cpu.u.arm64.sp = k->x[31];
        a64cpu.u.arm64.pc = A64_CODE;
        mmioemu_fault f = {.gla = k->addr,
                           .gpa = k->addr,
                           .insn = b,
                           .insn_len = 4,
                           .flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA};
        ok[k->atomic] += emulate_one(&a64cpu, &f, with_result ? &result : NULL);
    }
    for (int g = 0; g < 2; g++)
        if (only_group < 0 || only_group == g)
            a64_ok[g] = ok[g];
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- stack depth: run a pass on a painted stack ------------------------
 * Two numbers, both from the stack pointer at the call of mmioemu_emulate:
 * `own`: down to the stack pointer at the deepest callback call (what the
 * emulator itself holds there); `total`: down to the lowest byte written,
 * the trivial callbacks included (they add their return address, saved
 * frame pointer and libc memset). */
#define STK (256 * 1024)
static uint8_t *stk;
static ucontext_t main_uc, bench_uc;
static void (*painted_pass)(void);

static void on_painted_stack(void)
{
    painted_pass();
}

typedef struct depth {
    unsigned own, total;
} depth;

static depth stack_depth(void (*fn)(void))
{
    depth d;
    stk = malloc(STK);
    memset(stk, 0xa5, STK);
    deepest_cb = UINTPTR_MAX;
    painted_pass = fn;
    getcontext(&bench_uc);
    bench_uc.uc_stack.ss_sp = stk;
    bench_uc.uc_stack.ss_size = STK;
    bench_uc.uc_link = &main_uc;
    makecontext(&bench_uc, on_painted_stack, 0);
    swapcontext(&main_uc, &bench_uc);
    size_t low = 0;
    while (low < STK && stk[low] == 0xa5)
        low++;
    uintptr_t lowest = (uintptr_t)stk + low;
    d.total = sp_call > lowest ? (unsigned)(sp_call - lowest) : 0;
    /* a callback's frame address is its caller's stack pointer at the call
     * minus the return address and the saved frame pointer */
    uintptr_t cb_sp = deepest_cb == UINTPTR_MAX ? sp_call : deepest_cb + 16;
    d.own = sp_call > cb_sp ? (unsigned)(sp_call - cb_sp) : 0;
    free(stk);
    return d;
}

static void report_stack(void)
{
    depth all[2], g;
    printf("mmioemu_emulate stack (painted; target <= 512): own = down to the deepest callback "
           "call, total = incl. the trivial callbacks\n");
    for (with_result = 0; with_result < 2; with_result++) {
        only_group = -1;
        all[with_result] = stack_depth(pass);
        printf("  x86-64, res %s: own %u, total %u; by group (own/total):",
               with_result ? "given" : "NULL", all[with_result].own, all[with_result].total);
        for (int gi = 0; gi < X86GEN_G_COUNT; gi++) {
            only_group = gi;
            g = stack_depth(pass);
            printf(" %s %u/%u", x86gen_group_name((unsigned)gi), g.own, g.total);
        }
        printf("\n");
    }
    use_fetch = 1;
    only_group = -1;
    with_result = 0;
    g = stack_depth(pass);
    printf("  x86-64, res NULL, bytes through the fetch callback: own %u, total %u (%u OK)\n",
           g.own, g.total, ok_count);
    use_fetch = 0;
    for (with_result = 0; with_result < 2; with_result++) {
        only_group = 0;
        depth ls = stack_depth(pass_a64);
        only_group = 1;
        depth at = stack_depth(pass_a64);
        printf("  arm64, res %s: loads/stores/pairs own %u, total %u (%u OK); LSE atomics own "
               "%u, total %u (%u OK)\n",
               with_result ? "given" : "NULL", ls.own, ls.total, a64_ok[0], at.own, at.total,
               a64_ok[1]);
    }
    only_group = -1;
    with_result = 0;
}

static double time_pass(unsigned n)
{
    double t0 = now_ns();
    pass();
    return (now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 8192,
             reps = argc > 2 ? (unsigned)atoi(argv[2]) : 9;
    build_corpus(n);
    build_a64();
    double t[64];
    if (reps > 64)
        reps = 64;
    pass(); /* warm up */
    for (unsigned r = 0; r < reps; r++) {
        double t0 = now_ns();
        pass();
        t[r] = (now_ns() - t0) / n;
    }
    qsort(t, reps, sizeof t[0], cmp_d);
    double emu = t[reps / 2];
    double h[64];
    unsigned ok_emu = ok_count;
    harness_only = 1;
    for (unsigned r = 0; r < reps; r++)
        h[r] = time_pass(n);
    harness_only = 0;
    ok_count = ok_emu;
    qsort(h, reps, sizeof h[0], cmp_d);
    printf("corpus: %u random MMIO-form x86-64 instructions (tests/common/x86gen, seed 1), "
           "%u emulated OK per pass\n",
           n, ok_count);
    printf("mmioemu_emulate (decode->plan->execute->commit, trivial callbacks): %.1f ns/insn "
           "(median of %u passes, min %.1f, max %.1f)\n",
           emu, reps, t[0], t[reps - 1]);
    printf("  of which the benchmark loop itself (register/fault reset and the call, "
           "mmioemu_emulate skipped): %.1f ns; the emulate path alone: %.1f ns/insn\n",
           h[reps / 2], emu - h[reps / 2]);
    printf("  by group (ns/insn, median of %u):", reps);
    for (int gi = 0; gi < X86GEN_G_COUNT; gi++) {
        unsigned in_group = 0;
        for (unsigned i = 0; i < n; i++)
            in_group += cases[i].group == gi;
        only_group = gi;
        double tg[64];
        for (unsigned r = 0; r < reps; r++) {
            double t0 = now_ns();
            pass();
            tg[r] = in_group ? (now_ns() - t0) / in_group : 0;
        }
        qsort(tg, reps, sizeof tg[0], cmp_d);
        printf(" %s %.0f", x86gen_group_name((unsigned)gi), tg[reps / 2]);
    }
    only_group = -1;
    printf("\n");
    report_stack();

    char why[256];
    kvm_guest *g = kvm_guest_open(why, sizeof why);
    if (!g) {
        printf("KVM exit round trip: not measured (%s)\n", why);
        return 0;
    }
    /* Interleaved rounds: an emulate pass, a batch of ring-3 OUT exits, a
     * batch of ring-0 MMIO exits; the ratio per round, then the median, so a
     * shared machine's load hits both sides alike. */
    double ex[15], mm[15], rio[15], rmm[15], rnet[15];
    unsigned rounds = 15;
    for (unsigned k = 0; k < rounds; k++) {
        double e1 = time_pass(n);
        harness_only = 1;
        double h1 = time_pass(n);
        harness_only = 0;
        ex[k] = kvm_guest_exit_ns(g, 300);
        mm[k] = kvm_guest_mmio_exit_ns(g, 300);
        rio[k] = 100.0 * e1 / ex[k];
        rmm[k] = 100.0 * e1 / mm[k];
        rnet[k] = 100.0 * (e1 - h1) / mm[k];
    }
    kvm_guest_close(g);
    qsort(ex, rounds, sizeof ex[0], cmp_d);
    qsort(mm, rounds, sizeof mm[0], cmp_d);
    qsort(rio, rounds, sizeof rio[0], cmp_d);
    qsort(rmm, rounds, sizeof rmm[0], cmp_d);
    qsort(rnet, rounds, sizeof rnet[0], cmp_d);
    printf("KVM exit round trip, ring-3 OUT to a port (KVM_RUN -> KVM_EXIT_IO -> KVM_RUN): "
           "%.0f ns (median of %u x 300)\n",
           ex[rounds / 2], rounds);
    printf("KVM exit round trip, ring-0 load from a window with no memslot (KVM_EXIT_MMIO): "
           "%.0f ns\n",
           mm[rounds / 2]);
    printf("ratio mmioemu_emulate / exit, per interleaved round (median, min..max): "
           "MMIO exit %.2f%% (%.2f..%.2f), OUT exit %.2f%% (%.2f..%.2f); target <= 2%%\n",
           rmm[rounds / 2], rmm[0], rmm[rounds - 1], rio[rounds / 2], rio[0], rio[rounds - 1]);
    printf("  the same without the benchmark loop's own cost (harness pass timed in each round): "
           "MMIO exit %.2f%% (%.2f..%.2f)\n",
           rnet[rounds / 2], rnet[0], rnet[rounds - 1]);
    return 0;
}
