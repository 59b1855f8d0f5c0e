/* Benchmark: the full mmioemu_emulate path (fetch from the fault's bytes ->
 * decode -> plan -> execute -> commit, trivial callbacks) in ns/instruction
 * on a random MMIO-form corpus, beside a KVM exit round trip measured in the
 * same run, and mmioemu_emulate's maximum stack depth (painted stack).
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

typedef struct bcase {
    uint64_t gpr[16], rflags;
    mmioemu_fault fault;
    int has_fault;
} bcase;

static uintptr_t deepest_cb = UINTPTR_MAX; /* lowest callback frame seen */
#define CB_DEPTH()                                                     \
    do {                                                               \
        uintptr_t f_ = (uintptr_t)__builtin_frame_address(0);          \
        if (f_ < deepest_cb)                                           \
            deepest_cb = f_;                                           \
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
    *mmio = pa >= X86GEN_WIN && pa < X86GEN_WIN + X86GEN_WIN_SIZE;
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

/* One pass over the corpus: restore the few registers an instruction may
 * change, then emulate it. */
static int only_group = -1; /* stack breakdown: one group at a time */

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
        ok += mmioemu_emulate(&ops, NULL, &cpu, &bc[i].fault, &pol, NULL) == MMIOEMU_OK;
    }
    ok_count = ok;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- stack depth: run the corpus on a painted stack ------------------- */
#define STK (256 * 1024)
static uint8_t *stk;
static ucontext_t main_uc, bench_uc;
static uintptr_t sp_at_call;

static void on_painted_stack(void)
{
    volatile uint8_t marker = 0;
    sp_at_call = (uintptr_t)&marker; /* below this: mmioemu_emulate and its callbacks */
    pass();
}

static unsigned stack_depth(unsigned *own)
{
    stk = malloc(STK);
    memset(stk, 0xa5, STK);
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
    unsigned d = sp_at_call > lowest ? (unsigned)(sp_at_call - lowest) : 0;
    /* the emulator's own frames: down to the frame of the deepest callback
     * (that frame's return address and saved frame pointer counted) */
    *own = sp_at_call > deepest_cb ? (unsigned)(sp_at_call - deepest_cb) : 0;
    free(stk);
    return d;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 8192, reps = argc > 2 ? (unsigned)atoi(argv[2]) : 9;
    build_corpus(n);
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
    printf("corpus: %u random MMIO-form x86-64 instructions (tests/common/x86gen, seed 1), "
           "%u emulated OK per pass\n", n, ok_count);
    printf("mmioemu_emulate (decode->plan->execute->commit, trivial callbacks): %.1f ns/insn "
           "(median of %u passes, min %.1f, max %.1f)\n", emu, reps, t[0], t[reps - 1]);
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
    unsigned own = 0, depth = stack_depth(&own);
    printf("mmioemu_emulate stack: %u bytes down to its deepest callback call, %u bytes incl. "
           "the trivial callbacks (painted stack; target <= 512)\n", own, depth);
    printf("  by group (bytes to the deepest callback call):");
    for (int gi = 0; gi < X86GEN_G_COUNT; gi++) {
        only_group = gi;
        deepest_cb = UINTPTR_MAX;
        unsigned o = 0;
        stack_depth(&o);
        printf(" %s %u", x86gen_group_name((unsigned)gi), o);
    }
    only_group = -1;
    printf("\n");

    char why[256];
    kvm_guest *g = kvm_guest_open(why, sizeof why);
    if (!g) {
        printf("KVM exit round trip: not measured (%s)\n", why);
        return 0;
    }
    /* Interleaved rounds: an emulate pass, a batch of ring-3 OUT exits, a
     * batch of ring-0 MMIO exits; the ratio per round, then the median, so a
     * shared machine's load hits both sides alike. */
    double ex[15], mm[15], rio[15], rmm[15];
    unsigned rounds = 15;
    for (unsigned k = 0; k < rounds; k++) {
        double t0 = now_ns();
        pass();
        double e1 = (now_ns() - t0) / n;
        ex[k] = kvm_guest_exit_ns(g, 300);
        mm[k] = kvm_guest_mmio_exit_ns(g, 300);
        rio[k] = 100.0 * e1 / ex[k];
        rmm[k] = 100.0 * e1 / mm[k];
    }
    kvm_guest_close(g);
    qsort(ex, rounds, sizeof ex[0], cmp_d);
    qsort(mm, rounds, sizeof mm[0], cmp_d);
    qsort(rio, rounds, sizeof rio[0], cmp_d);
    qsort(rmm, rounds, sizeof rmm[0], cmp_d);
    printf("KVM exit round trip, ring-3 OUT to a port (KVM_RUN -> KVM_EXIT_IO -> KVM_RUN): "
           "%.0f ns (median of %u x 300)\n", ex[rounds / 2], rounds);
    printf("KVM exit round trip, ring-0 load from a window with no memslot (KVM_EXIT_MMIO): "
           "%.0f ns\n", mm[rounds / 2]);
    printf("ratio mmioemu_emulate / exit, per interleaved round (median, min..max): "
           "MMIO exit %.2f%% (%.2f..%.2f), OUT exit %.2f%% (%.2f..%.2f); target <= 2%%\n",
           rmm[rounds / 2], rmm[0], rmm[rounds - 1], rio[rounds / 2], rio[0], rio[rounds - 1]);
    return 0;
}
