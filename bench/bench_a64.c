/* arm64 benchmark: native decode, native emulate (decode + plan + execute +
 * commit) and Capstone 4 AArch64 with detail (raw cs_disasm_iter, and through
 * our adapter), in one process, over (1) random load/store words from the
 * oracle generator and (2) the .text of the aarch64 cross libc. One warm-up
 * pass, then REPEATS rounds, each running every backend once over the corpus
 * (interleaved: a load spike from another job hits all alike). Reports
 * ns/instruction (median and best pass) and, per backend, its time / native
 * decode's time as the median of the per-round ratios (each ratio from two
 * passes run back to back), then the issue 5 target (Capstone with detail
 * >= 100x native decode) as met or NOT met. Asserts nothing.
 * Usage: bench_a64 [LIBC_PATH] [REPEATS] (defaults: the cross libc, 15) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mmioemu/mmioemu.h>

#include "common/corpus_x86.h" /* corpus_elf_text() */

/* The oracle tests' generator (Arm ARM encodings), compiled into this
 * executable as is: one generator, no copy, no build change. */
#include "tests/common/a64gen_ldst.c"

#ifdef MMIOEMU_HAVE_CAPSTONE
#include <capstone/capstone.h>

#include "decoders/capstone/capstone_internal.h"
#endif

#define WIN 0x40000000ull
#define WIN_SIZE 0x3000ull
#define CODE 0x3fff0000ull
#define RANDOM_WORDS 65536u

static volatile uint64_t sink; /* keeps every result alive */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the timed loops: one pass over a corpus of 32-bit words ---------- */

typedef struct corpus {
    const char *name;
    const uint8_t *bytes; /* little-endian words */
    size_t words;
    a64gen_case *cases; /* random corpus only: register state for emulate */
} corpus;

/* Each loop keeps the corpus pointer and length in locals: the call may
 * write memory, so c->bytes / c->words would be reloaded on every word. */
static void pass_native(const corpus *c)
{
    uint64_t acc = 0;
    mmioemu_insn in;
    const uint8_t *b = c->bytes;
    for (size_t i = 0, n = c->words; i < n; i++)
        acc += (uint64_t)mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, b + 4 * i, 4, &in) +
               in.kind;
    sink += acc;
}

/* The device: reads give (A * 0x9d ^ 0x5a), writes vanish. */
static int dev_rd(void *ctx, uint64_t a, void *buf, unsigned n)
{
    (void)ctx;
    uint8_t *p = buf;
    for (unsigned i = 0; i < n; i++)
        p[i] = a64gen_dev_byte(a + i);
    return 0;
}

static int dev_wr(void *ctx, uint64_t a, const void *buf, unsigned n)
{
    (void)ctx, (void)a, (void)buf, (void)n;
    return 0;
}

static int dev_is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    (void)ctx;
    *mmio = pa >= WIN && pa < WIN + WIN_SIZE;
    *span = 0;
    return 0;
}

static const mmioemu_ops dev_ops = {
    .mmio_read = dev_rd, .mmio_write = dev_wr, .is_mmio = dev_is_mmio};
static mmioemu_cpu emu_cpu;
static unsigned emu_failed;

/* Emulate every word once; the per-word set-up (X0..X30, SP, PC) is part of
 * the time, as it is for a VMM converting its vCPU state. */
static void pass_emulate(const corpus *c)
{
    mmioemu_policy pol = {.flags = MMIOEMU_POLICY_IDENTITY};
    unsigned failed = 0;
    emu_cpu.mode = MMIOEMU_ARM64;
    emu_cpu.u.arm64.el = 1;
    for (size_t i = 0; i < c->words; i++) {
        const a64gen_case *k = &c->cases[i];
        memcpy(emu_cpu.u.arm64.x, k->x, sizeof emu_cpu.u.arm64.x);
        emu_cpu.u.arm64.sp = k->x[31];
        emu_cpu.u.arm64.pc = CODE;
        mmioemu_fault f = {
            .gla = k->addr, .insn = c->bytes + 4 * i, .insn_len = 4, .flags = MMIOEMU_FAULT_GLA};
        failed += mmioemu_emulate(&dev_ops, NULL, &emu_cpu, &f, &pol, NULL) != MMIOEMU_OK;
    }
    emu_failed = failed;
    sink += emu_cpu.u.arm64.x[0];
}

#ifdef MMIOEMU_HAVE_CAPSTONE
static csh cs_h;
static cs_insn *cs_buf;

static void pass_capstone_raw(const corpus *c)
{
    uint64_t acc = 0;
    const uint8_t *b = c->bytes;
    for (size_t i = 0, n = c->words; i < n; i++) {
        const uint8_t *p = b + 4 * i;
        size_t n = 4;
        uint64_t addr = 0;
        if (cs_disasm_iter(cs_h, &p, &n, &addr, cs_buf))
            acc += cs_buf->id + cs_buf->detail->arm64.op_count;
    }
    sink += acc;
}

static void pass_capstone_adapter(const corpus *c)
{
    uint64_t acc = 0;
    mmioemu_insn in;
    const uint8_t *b = c->bytes;
    for (size_t i = 0, n = c->words; i < n; i++)
        acc += (uint64_t)capstone_arm64_decode(b + 4 * i, 4, &in) + in.kind;
    sink += acc;
}
#endif

typedef struct timed {
    const char *name;
    void (*pass)(const corpus *);
    bool random_only; /* needs the register state of generated cases */
} timed;

static const timed runs[] = {
    {"native decode", pass_native, false},
    {"native emulate (decode+plan+execute+commit)", pass_emulate, true},
#ifdef MMIOEMU_HAVE_CAPSTONE
    {"capstone 4 cs_disasm_iter, detail on", pass_capstone_raw, false},
    {"capstone 4 via mmioemu adapter", pass_capstone_adapter, false},
#endif
};
#define NRUNS (sizeof runs / sizeof runs[0])
#ifdef MMIOEMU_HAVE_CAPSTONE
#define CAPSTONE_RAW pass_capstone_raw
#else
#define CAPSTONE_RAW NULL
#endif

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Interleaved repeats (every backend once per round): median and best pass
 * per backend, and its time over native decode's as the median of the
 * per-round ratios. Returns that ratio for the raw Capstone run (0 if none). */
static double bench_corpus(const corpus *c, unsigned repeats)
{
    double *t = calloc(NRUNS * repeats, sizeof *t), *ratio = calloc(repeats, sizeof *ratio);
    double capstone_ratio = 0;
    for (unsigned b = 0; b < NRUNS; b++) /* warm-up: tables, caches, branch predictors */
        if (!runs[b].random_only || c->cases)
            runs[b].pass(c);
    for (unsigned r = 0; r < repeats; r++)
        for (unsigned b = 0; b < NRUNS; b++) {
            if (runs[b].random_only && !c->cases)
                continue;
            double t0 = now_ns();
            runs[b].pass(c);
            t[b * repeats + r] = (now_ns() - t0) / (double)c->words;
        }
    printf("\n%s: %zu words, %u interleaved rounds\n", c->name, c->words, repeats);
    printf("  %-46s %9s %9s %14s\n", "backend", "median", "best", "vs native");
    printf("  %-46s %9s %9s %14s\n", "", "ns/insn", "ns/insn", "(median ratio)");
    for (unsigned b = 0; b < NRUNS; b++) {
        if (runs[b].random_only && !c->cases)
            continue;
        for (unsigned r = 0; r < repeats; r++)
            ratio[r] = t[b * repeats + r] / t[r];
        double q = median(ratio, repeats);
        double best = t[b * repeats];
        for (unsigned r = 1; r < repeats; r++)
            best = t[b * repeats + r] < best ? t[b * repeats + r] : best;
        printf("  %-46s %9.2f %9.2f %13.1fx\n", runs[b].name, median(t + b * repeats, repeats),
               best, q);
        if (runs[b].pass == CAPSTONE_RAW)
            capstone_ratio = q;
    }
    if (c->cases)
        printf(
            "  (emulate: %u of %zu words not emulated - refused or mis-emulated; timed anyway)\n",
            emu_failed, c->words);
    free(ratio);
    free(t);
    return capstone_ratio;
}

/* Native decoder classes over a corpus: how much of it is load/store. */
static void census(const corpus *c)
{
    size_t ok = 0, none = 0, inval = 0;
    mmioemu_insn in;
    for (size_t i = 0; i < c->words; i++) {
        mmioemu_status st =
            mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, c->bytes + 4 * i, 4, &in);
        ok += st == MMIOEMU_OK;
        none += st == MMIOEMU_ERR_NO_MEMORY_OPERAND;
        inval += st == MMIOEMU_ERR_INVALID;
    }
    printf("  native census: %zu with a memory operand, %zu without, %zu invalid, %zu other\n", ok,
           none, inval, c->words - ok - none - inval);
}

int main(int argc, char **argv)
{
    const char *libc = argc > 1 && argv[1][0] ? argv[1] : "/usr/aarch64-linux-gnu/lib/libc.so.6";
    unsigned repeats = argc > 2 ? (unsigned)atoi(argv[2]) : 15;
    if (!repeats)
        repeats = 1;
#ifdef MMIOEMU_HAVE_CAPSTONE
    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs_h) != CS_ERR_OK)
        return 1;
    cs_option(cs_h, CS_OPT_DETAIL, CS_OPT_ON);
    cs_buf = cs_malloc(cs_h);
#else
    printf("Capstone not built in: native figures only\n");
#endif
    /* (1) random load/store words, every generator class */
    static a64gen_case cases[RANDOM_WORDS];
    static uint8_t words[4 * RANDOM_WORDS];
    a64gen_rng rng = {42};
    a64gen_cfg cfg = {.win = WIN, .win_size = WIN_SIZE, .pc = CODE};
    for (unsigned i = 0; i < RANDOM_WORDS; i++) {
        a64gen_next(&rng, &cfg, &cases[i]);
        for (unsigned j = 0; j < 4; j++)
            words[4 * i + j] = (uint8_t)(cases[i].word >> (8 * j));
    }
    corpus rnd = {"random load/store (tests/common/a64gen, 14 classes)", words, RANDOM_WORDS,
                  cases};
    double q = bench_corpus(&rnd, repeats);
    census(&rnd);
    if (q > 0)
        printf("\n  => Capstone 4 AArch64 (detail) / native decode on load/store words: %.1fx "
               "(median of %u per-round ratios); issue 5 target >= 100x: %s\n",
               q, repeats, q >= 100 ? "met" : "NOT met");

    /* (2) real code */
    size_t n = 0;
    uint8_t *text = corpus_elf_text(libc, &n);
    if (!text) {
        printf("\n%s: cannot read .text: real-code corpus skipped\n", libc);
        return 0;
    }
    char name[300];
    snprintf(name, sizeof name, ".text of %s", libc);
    corpus real = {name, text, n / 4, NULL};
    bench_corpus(&real, repeats);
    census(&real);
    free(text);
#ifdef MMIOEMU_HAVE_CAPSTONE
    cs_free(cs_buf, 1);
    cs_close(&cs_h);
#endif
    return 0;
}
