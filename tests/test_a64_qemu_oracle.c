/* Oracle: the (emulated) CPU itself. In the aarch64 pass (qemu-aarch64) each
 * generated load/store runs natively against a normal window, then against
 * the same window made PROT_NONE, where the SIGSEGV handler hands the
 * ucontext to mmioemu_emulate() over a shadow copy. Memory effect and final
 * X0..X28, SP, NZCV, V0..V31 must agree 100%. docs/oracles-arm64.md. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/a64gen_dev.h"
#include "common/a64gen_ldst.h"

#if defined(__aarch64__) && defined(__linux__)
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#define CASES_PER_CLASS 7200 /* x 14 classes = 100,800 words */
#define CODE_SIZE 0x10000u   /* slots of [word][ret], right below the window */
#define WIN_SIZE 0x3000u     /* three pages: crossings at two boundaries */
#define PAGE 0x1000u
/* PROT_NONE below the code and above the window: LDR literal reaches +-1 MiB
 * and random words may store up to 64 KiB past a base in the window; all of
 * that must fault rather than touch the harness's buffers or other mappings */
#define GUARD_SIZE 0x100000u
#define MAP_SIZE (GUARD_SIZE + CODE_SIZE + WIN_SIZE + GUARD_SIZE + 3 * WIN_SIZE)
#define ALT_SIZE 0x10000u  /* signal stack */
#define ALT_GAP 0x1000000u /* 16 MiB reserved around it */

/* The register file the trampoline loads and saves; offsets used in asm. */
typedef struct q_state {
    uint64_t x[31];   /* 0: X0..X28 loaded/saved; X29/X30 belong to the harness */
    uint64_t sp;      /* 248 */
    uint64_t nzcv;    /* 256 */
    uint64_t host_sp; /* 264 */
    uint64_t pad[2];
    uint8_t v[32][16]; /* 288 */
} __attribute__((aligned(16))) q_state;

_Static_assert(__builtin_offsetof(q_state, v) == 288, "trampoline offsets");

void a64q_run(q_state *s, void *code);

/* a64q_run(s, code): save callee-saved state, load X0..X28, SP, NZCV and
 * V0..V31 from *s, `blr` to code (the word, then `ret`), save them back.
 * X29 holds s and X30 the return address throughout: the generator never
 * uses them (a64gen_cfg.avoid). */
__asm__(".text\n.global a64q_run\n.type a64q_run, %function\na64q_run:\n"
        "stp x29, x30, [sp, #-176]!\n stp x19, x20, [sp, #16]\n stp x21, x22, [sp, #32]\n"
        "stp x23, x24, [sp, #48]\n stp x25, x26, [sp, #64]\n stp x27, x28, [sp, #80]\n"
        "stp d8, d9, [sp, #96]\n stp d10, d11, [sp, #112]\n stp d12, d13, [sp, #128]\n"
        "stp d14, d15, [sp, #144]\n"
        "mov x29, x0\n mov x30, x1\n mov x2, sp\n str x2, [x29, #264]\n"
        "ldr x2, [x29, #256]\n msr nzcv, x2\n add x2, x29, #288\n"
        "ldp q0, q1, [x2, #0]\n ldp q2, q3, [x2, #32]\n ldp q4, q5, [x2, #64]\n"
        "ldp q6, q7, [x2, #96]\n ldp q8, q9, [x2, #128]\n ldp q10, q11, [x2, #160]\n"
        "ldp q12, q13, [x2, #192]\n ldp q14, q15, [x2, #224]\n ldp q16, q17, [x2, #256]\n"
        "ldp q18, q19, [x2, #288]\n ldp q20, q21, [x2, #320]\n ldp q22, q23, [x2, #352]\n"
        "ldp q24, q25, [x2, #384]\n ldp q26, q27, [x2, #416]\n ldp q28, q29, [x2, #448]\n"
        "ldp q30, q31, [x2, #480]\n ldr x2, [x29, #248]\n mov sp, x2\n"
        "ldp x0, x1, [x29, #0]\n ldp x2, x3, [x29, #16]\n ldp x4, x5, [x29, #32]\n"
        "ldp x6, x7, [x29, #48]\n ldp x8, x9, [x29, #64]\n ldp x10, x11, [x29, #80]\n"
        "ldp x12, x13, [x29, #96]\n ldp x14, x15, [x29, #112]\n ldp x16, x17, [x29, #128]\n"
        "ldp x18, x19, [x29, #144]\n ldp x20, x21, [x29, #160]\n ldp x22, x23, [x29, #176]\n"
        "ldp x24, x25, [x29, #192]\n ldp x26, x27, [x29, #208]\n ldr x28, [x29, #224]\n"
        "blr x30\n"
        "stp x0, x1, [x29, #0]\n stp x2, x3, [x29, #16]\n stp x4, x5, [x29, #32]\n"
        "stp x6, x7, [x29, #48]\n stp x8, x9, [x29, #64]\n stp x10, x11, [x29, #80]\n"
        "stp x12, x13, [x29, #96]\n stp x14, x15, [x29, #112]\n stp x16, x17, [x29, #128]\n"
        "stp x18, x19, [x29, #144]\n stp x20, x21, [x29, #160]\n stp x22, x23, [x29, #176]\n"
        "stp x24, x25, [x29, #192]\n stp x26, x27, [x29, #208]\n str x28, [x29, #224]\n"
        "mov x0, sp\n str x0, [x29, #248]\n mrs x0, nzcv\n str x0, [x29, #256]\n"
        "add x0, x29, #288\n"
        "stp q0, q1, [x0, #0]\n stp q2, q3, [x0, #32]\n stp q4, q5, [x0, #64]\n"
        "stp q6, q7, [x0, #96]\n stp q8, q9, [x0, #128]\n stp q10, q11, [x0, #160]\n"
        "stp q12, q13, [x0, #192]\n stp q14, q15, [x0, #224]\n stp q16, q17, [x0, #256]\n"
        "stp q18, q19, [x0, #288]\n stp q20, q21, [x0, #320]\n stp q22, q23, [x0, #352]\n"
        "stp q24, q25, [x0, #384]\n stp q26, q27, [x0, #416]\n stp q28, q29, [x0, #448]\n"
        "stp q30, q31, [x0, #480]\n"
        "ldr x0, [x29, #264]\n mov sp, x0\n"
        "ldp d8, d9, [sp, #96]\n ldp d10, d11, [sp, #112]\n ldp d12, d13, [sp, #128]\n"
        "ldp d14, d15, [sp, #144]\n ldp x19, x20, [sp, #16]\n ldp x21, x22, [sp, #32]\n"
        "ldp x23, x24, [sp, #48]\n ldp x25, x26, [sp, #64]\n ldp x27, x28, [sp, #80]\n"
        "ldp x29, x30, [sp], #176\n ret\n.size a64q_run, .-a64q_run\n");

/* The harness's view: one mapping, code then window. Tests run one at a
 * time in one process, so plain statics carry state into the handler. */
static struct {
    uint8_t *code, *win, *shadow, *pattern, *native; /* native: window after the CPU's run */
    bool split;          /* only the middle page traps; the pages around it stay RAM */
    uint8_t *alt_region; /* reservation around the signal stack (see q_setup) */
    uint8_t *map;        /* the whole mapping: guard, code, window, guard, buffers */
    bool cpu_changed;    /* mmioemu failed but changed its vCPU copy anyway */
    uint32_t *slot;      /* the word being run */
    a64gen_dev dev;
    mmioemu_status status; /* of the last mmioemu_emulate */
    uint64_t emul_pc;      /* PC mmioemu committed */
    uint64_t far;          /* the fault address the kernel (QEMU) reported */
    unsigned faults;       /* SIGSEGVs taken in the current run */
    int bad_sig;           /* a signal the harness did not expect */
    bool trapping;         /* the window is PROT_NONE: SIGSEGV means emulate */
    sigjmp_buf escape;     /* valid during q_exec() only */
} q;

static const int q_sigs[3] = {SIGSEGV, SIGBUS, SIGILL};

static mmioemu_cpu q_cpu, q_cpu_before;
static q_state q_native, q_trapped;
static a64gen_case q_case;

/* The FPSIMD record of the signal frame (Linux arch/arm64 uapi sigcontext.h:
 * struct fpsimd_context, magic 0x46508001), declared here because
 * <asm/sigcontext.h> clashes with glibc's <signal.h>. V registers are
 * __uint128_t in host order: lowest byte first on this little-endian host. */
typedef struct q_fpsimd {
    uint32_t magic, size, fpsr, fpcr;
    uint8_t vregs[32][16];
} q_fpsimd;

/* The signal frame record with `magic`, or NULL; *size gets its size. */
static uint8_t *q_find_record(mcontext_t *mc, uint32_t want, uint32_t *size)
{
    uint8_t *p = mc->__reserved, *end = p + sizeof mc->__reserved;
    while (p + 8 <= end) {
        uint32_t magic;
        memcpy(&magic, p, 4);
        memcpy(size, p + 4, 4);
        if (magic == want)
            return p;
        if (!magic || *size < 8)
            return NULL;
        p += *size;
    }
    return NULL;
}

static q_fpsimd *q_find_fpsimd(mcontext_t *mc)
{
    uint32_t size;
    return (q_fpsimd *)(void *)q_find_record(mc, 0x46508001, &size);
}

/* With SVE (QEMU's default "max" CPU) the frame also carries Z0..Z31
 * (sve_context, magic 0x53564501: u16 vl at offset 8, Z registers from
 * offset 16, vl bytes each, lowest byte first), and sigreturn takes the V
 * registers from there, not from the FPSIMD record. A write to a V register
 * zeroes the Z bits above 128 (Arm ARM: SVE "Z register" aliasing). */
static void q_set_sve(mcontext_t *mc, const uint8_t old[32][16], const uint8_t v[32][16])
{
    uint32_t size;
    uint8_t *sve = q_find_record(mc, 0x53564501, &size);
    if (!sve)
        return;
    uint16_t vl;
    memcpy(&vl, sve + 8, 2);
    if (size < 16 + 32u * vl) /* header only: no register payload */
        return;
    for (unsigned n = 0; n < 32; n++) {
        if (!memcmp(old[n], v[n], 16))
            continue;
        memset(sve + 16 + n * vl, 0, vl);
        memcpy(sve + 16 + n * vl, v[n], 16);
    }
}

static void q_on_segv(int sig, siginfo_t *si, void *uctx)
{
    ucontext_t *uc = uctx;
    mcontext_t *mc = &uc->uc_mcontext;
    q_fpsimd *fp = q_find_fpsimd(mc);
    if (sig != SIGSEGV || !q.trapping || q.faults++ || mc->pc != (uintptr_t)q.slot || !fp) {
        q.bad_sig = sig; /* not the word under test faulting: leave the run */
        siglongjmp(q.escape, 1);
    }
    mmioemu_arm64_state *s = &q_cpu.u.arm64;
    memset(&q_cpu, 0, sizeof q_cpu);
    q_cpu.mode = MMIOEMU_ARM64;
    memcpy(s->x, mc->regs, sizeof s->x);
    s->sp = mc->sp;
    s->pc = mc->pc;
    s->nzcv = (uint32_t)(mc->pstate & 0xf0000000u);
    s->el = 0;
    memcpy(s->v, fp->vregs, sizeof s->v);
    uint8_t bytes[4];
    memcpy(bytes, q.slot, 4);
    mmioemu_fault f = {.gla = (uint64_t)(uintptr_t)si->si_addr,
                       .insn = bytes,
                       .insn_len = 4,
                       .flags = MMIOEMU_FAULT_GLA};
    mmioemu_policy pol = {.flags = MMIOEMU_POLICY_ALLOW_USER | MMIOEMU_POLICY_IDENTITY};
    q.far = f.gla;
    memcpy(&q_cpu_before, &q_cpu, sizeof q_cpu);
    q.status = mmioemu_emulate(&a64gen_dev_ops, &q.dev, &q_cpu, &f, &pol, NULL);
    q.cpu_changed = q.status != MMIOEMU_OK && memcmp(&q_cpu_before, &q_cpu, sizeof q_cpu);
    q.emul_pc = s->pc;
    mc->pc += 4; /* always on to the `ret`, whatever mmioemu said: q_compare judges */
    if (q.status != MMIOEMU_OK)
        return;
    memcpy(mc->regs, s->x, sizeof s->x);
    mc->sp = s->sp;
    mc->pstate = (mc->pstate & ~0xf0000000ull) | (s->nzcv & 0xf0000000u);
    q_set_sve(mc, fp->vregs, s->v);
    memcpy(fp->vregs, s->v, sizeof s->v);
}

static void q_load(q_state *st, const a64gen_case *c)
{
    memset(st, 0, sizeof *st);
    memcpy(st->x, c->x, sizeof st->x);
    st->sp = c->x[31];
    memcpy(st->v, c->v, sizeof st->v);
}

/* One run of the slot under the escape hatch; false if a signal escaped. */
static bool q_exec(q_state *st)
{
    q.faults = 0;
    q.bad_sig = 0;
    if (sigsetjmp(q.escape, 1))
        return false;
    a64q_run(st, q.slot);
    return true;
}

/* Native vs trapped-and-emulated: window bytes, X0..X28, SP, NZCV, V. */
static bool q_diff(char *msg, size_t len)
{
    for (unsigned i = 0; i < WIN_SIZE; i++) {
        /* the device page lives in the shadow; with q.split the RAM pages
         * around it are the real memory mmioemu's ram_* callbacks used */
        bool ram = q.split && (i < PAGE || i >= 2 * PAGE);
        uint8_t emu = ram ? q.win[i] : q.shadow[i];
        if (q.native[i] != emu) {
            snprintf(msg, len, "%s at %llx: cpu %02x mmioemu %02x", ram ? "RAM" : "device",
                     (unsigned long long)(uintptr_t)(q.win + i), q.native[i], emu);
            return false;
        }
    }
    for (unsigned i = 0; i < 29; i++)
        if (q_native.x[i] != q_trapped.x[i]) {
            snprintf(msg, len, "x%u: cpu %016llx mmioemu %016llx", i,
                     (unsigned long long)q_native.x[i], (unsigned long long)q_trapped.x[i]);
            return false;
        }
    if (q_native.sp != q_trapped.sp || q_native.nzcv != q_trapped.nzcv) {
        snprintf(msg, len, "sp/nzcv: cpu %llx/%llx mmioemu %llx/%llx",
                 (unsigned long long)q_native.sp, (unsigned long long)q_native.nzcv,
                 (unsigned long long)q_trapped.sp, (unsigned long long)q_trapped.nzcv);
        return false;
    }
    for (unsigned i = 0; i < 32; i++)
        if (memcmp(q_native.v[i], q_trapped.v[i], 16)) {
            int n = snprintf(msg, len, "v%u: cpu ", i);
            for (unsigned j = 16; j-- > 0;)
                n += snprintf(msg + n, len - (size_t)n, "%02x", q_native.v[i][j]);
            n += snprintf(msg + n, len - (size_t)n, " mmioemu ");
            for (unsigned j = 16; j-- > 0;)
                n += snprintf(msg + n, len - (size_t)n, "%02x", q_trapped.v[i][j]);
            return false;
        }
    return true;
}

/* The CPU alone: window = device pattern, run; false if a signal stopped it. */
static bool q_run_native(const a64gen_case *c)
{
    q.slot[0] = c->word;
    q.slot[1] = 0xd65f03c0; /* ret */
    __builtin___clear_cache((char *)q.slot, (char *)(q.slot + 2));
    memcpy(q.win, q.pattern, WIN_SIZE);
    q_load(&q_native, c);
    bool ran = q_exec(&q_native);
    memcpy(q.native, q.win, WIN_SIZE);
    return ran;
}

/* The same word with the device page(s) PROT_NONE: mmioemu behind SIGSEGV. */
static bool q_run_trapped(const a64gen_case *c)
{
    memcpy(q.win, q.pattern, WIN_SIZE);
    memcpy(q.shadow, q.pattern, WIN_SIZE);
    q_load(&q_trapped, c);
    q.status = MMIOEMU_ERR_ARG;
    memset(&q.dev.trace, 0, sizeof q.dev.trace);
    memset(&q.dev.ram_trace, 0, sizeof q.dev.ram_trace);
    uint8_t *trap = q.split ? q.win + PAGE : q.win;
    size_t trap_size = q.split ? PAGE : WIN_SIZE;
    mprotect(trap, trap_size, PROT_NONE);
    q.trapping = true;
    bool ran = q_exec(&q_trapped);
    q.trapping = false;
    mprotect(trap, trap_size, PROT_READ | PROT_WRITE);
    return ran;
}

static bool q_compare(const a64gen_case *c, char *msg, size_t len)
{
    if (!q_run_native(c)) {
        snprintf(msg, len, "harness: native run took signal %d", q.bad_sig);
        return false;
    }
    bool ran = q_run_trapped(c);
    if (!ran || q.faults != 1) {
        snprintf(msg, len, "%s: %u faults, signal %d", q.faults > 1 ? "mmioemu" : "harness",
                 q.faults, q.bad_sig);
        return false;
    }
    if (q.status != MMIOEMU_OK) {
        snprintf(msg, len, "mmioemu: %s (si_addr %llx)", mmioemu_status_str(q.status),
                 (unsigned long long)q.far);
        return false;
    }
    if (q.emul_pc != (uint64_t)(uintptr_t)q.slot + 4) {
        snprintf(msg, len, "pc: mmioemu committed %llx, want %p + 4", (unsigned long long)q.emul_pc,
                 (void *)q.slot);
        return false;
    }
    return q_diff(msg, len);
}

static bool q_setup(struct sigaction old[3], stack_t *old_ss, void **altstack)
{
    size_t total = MAP_SIZE;
    uint8_t *m =
        mmap(NULL, total, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return false;
    memset(&q, 0, sizeof q);
    q.map = m;
    mprotect(m, GUARD_SIZE, PROT_NONE);
    q.code = m + GUARD_SIZE;
    q.win = q.code + CODE_SIZE;
    mprotect(q.win, WIN_SIZE, PROT_READ | PROT_WRITE);
    mprotect(q.win + WIN_SIZE, GUARD_SIZE, PROT_NONE);
    q.shadow = q.win + WIN_SIZE + GUARD_SIZE;
    q.pattern = q.shadow + WIN_SIZE;
    q.native = q.pattern + WIN_SIZE;
    for (unsigned i = 0; i < WIN_SIZE; i++)
        q.pattern[i] = a64gen_dev_byte((uint64_t)(uintptr_t)(q.win + i));
    q.dev.win = (uint64_t)(uintptr_t)q.win;
    q.dev.win_size = WIN_SIZE;
    q.dev.mem = q.shadow;
    /* The word may use SP as a base into the window, so signals need their
     * own stack - and SP (the base minus up to +-64 KiB of index, or any
     * random value) must never fall inside it: the kernel would then think
     * the handler is already on it and push the frame below that SP, over
     * whatever is there. So the signal stack sits in the middle of a region
     * reserved ALT_GAP bytes wide, well away from the window. */
    q.alt_region = mmap(NULL, ALT_GAP, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q.alt_region == MAP_FAILED)
        return false;
    *altstack = q.alt_region + ALT_GAP / 2;
    mprotect(*altstack, ALT_SIZE, PROT_READ | PROT_WRITE);
    stack_t ss = {.ss_sp = *altstack, .ss_size = ALT_SIZE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = q_on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    if (sigaltstack(&ss, old_ss) != 0)
        return false;
    for (unsigned i = 0; i < 3; i++)
        sigaction(q_sigs[i], &sa, &old[i]);
    return true;
}

static void q_teardown(const struct sigaction old[3], const stack_t *old_ss, void *altstack)
{
    for (unsigned i = 0; i < 3; i++)
        sigaction(q_sigs[i], &old[i], NULL);
    sigaltstack(old_ss, NULL);
    (void)altstack;
    munmap(q.alt_region, ALT_GAP);
    munmap(q.map, MAP_SIZE);
}

/* n words of class cls (< 0: all); split: RAM | device | RAM pages, words
 * that stay in RAM skipped (they do not trap). Returns disagreements. */
static unsigned q_campaign(int cls, unsigned n, uint64_t seed, bool split)
{
    struct sigaction old[3];
    stack_t old_ss;
    void *alt = NULL;
    cr_assert(q_setup(old, &old_ss, &alt), "oracle set-up (mmap/sigaction) failed");
    uint64_t win = (uint64_t)(uintptr_t)q.win;
    q.split = split;
    if (split) { /* ram_* on the real RAM pages, mmio_* on the device page's shadow */
        q.dev.mem = q.win;
        q.dev.mmio_mem = q.shadow;
        q.dev.mmio_lo = win + PAGE;
        q.dev.mmio_hi = win + 2 * PAGE;
    }
    a64gen_rng rng = {seed};
    a64gen_cfg cfg = {.win = win,
                      .win_size = WIN_SIZE,
                      .avoid = 1u << 29 | 1u << 30,
                      .classes = cls < 0 ? 0 : 1u << cls};
    unsigned bad = 0, cross = 0, done = 0;
    char msg[300];
    for (unsigned i = 0; i < n; i++) {
        q.slot = (uint32_t *)(void *)(q.code + 8 * (i % (CODE_SIZE / 8)));
        cfg.pc = (uint64_t)(uintptr_t)q.slot;
        a64gen_next(&rng, &cfg, &q_case);
        if (split && (q_case.addr + q_case.bytes <= win + PAGE || q_case.addr >= win + 2 * PAGE))
            continue;
        done++;
        cross += q_case.crosses;
        if (q_compare(&q_case, msg, sizeof msg))
            continue;
        if (++bad <= (getenv("A64O_ALL") ? 100000u : 8u))
            cr_log_warn("%08x %s (%s)%s: %s", q_case.word, a64gen_form_name(&q_case),
                        a64gen_class_name(q_case.cls), q_case.crosses ? " page-crossing" : "", msg);
    }
    q_teardown(old, &old_ss, alt);
    cr_log_info("class %s%s: %u words, %u page-crossing, %u disagree",
                cls < 0 ? "all" : a64gen_class_name((unsigned)cls),
                split ? " (RAM|device|RAM pages)" : "", done, cross, bad);
    return bad;
}

Test(a64_qemu_oracle, ram_device_page_splits_agree)
{
    /* only the middle page traps: an access crossing into or out of it is
     * part RAM (mmioemu's ram_* callbacks on the real page), part device */
    unsigned bad = q_campaign(-1, 20000, 0x5b1, true);
    cr_assert_eq(bad, 0, "%u words disagree with the CPU across RAM/device pages", bad);
}

/* ---- every word of the load/store group, not just the generator's ------ */

typedef struct q_tally {
    unsigned undef, ran, agree, refused, untouched;
} q_tally;

/* A word naming X29/X30 (the harness's) in any register field is skipped. */
static bool q_uses_harness_regs(uint32_t w)
{
    static const uint8_t at[] = {0, 5, 10, 16}; /* Rt, Rn, Rt2/Ra, Rm/Rs */
    for (unsigned i = 0; i < sizeof at; i++) {
        unsigned r = (w >> at[i]) & 31;
        if (r == 29 || r == 30)
            return true;
    }
    return false;
}

/* Random registers: half point into the window's middle page, half small. */
static void q_random_case(a64gen_rng *r, uint32_t w, a64gen_case *c)
{
    memset(c, 0, sizeof *c);
    c->word = w;
    for (unsigned k = 0; k < 31; k++)
        c->x[k] = (a64gen_rand(r) & 1) ? (uint64_t)(uintptr_t)q.win + PAGE + a64gen_rand(r) % PAGE
                                       : a64gen_rand(r) % 64;
    c->x[31] = (uint64_t)(uintptr_t)q.win + PAGE + PAGE / 2;
    for (unsigned k = 0; k < 32; k++)
        for (unsigned j = 0; j < 16; j++)
            c->v[k][j] = (uint8_t)a64gen_rand(r);
}

/* The verdict on one random word (rules: test below); false + msg if broken. */
static bool q_judge(const a64gen_case *c, q_tally *t, char *msg, size_t len)
{
    if (!q_run_native(c)) {
        if (q.bad_sig != SIGILL)
            return true; /* faulted elsewhere, or alignment: no verdict */
        t->undef++;
        mmioemu_policy pol = {.flags = MMIOEMU_POLICY_ALLOW_USER | MMIOEMU_POLICY_IDENTITY};
        uint8_t b[4];
        memcpy(b, q.slot, 4);
        mmioemu_fault f = {.insn = b, .insn_len = 4};
        a64gen_cpu_from_case(c, (uint64_t)(uintptr_t)q.slot, 0, &q_cpu);
        if (mmioemu_emulate(&a64gen_dev_ops, &q.dev, &q_cpu, &f, &pol, NULL) == MMIOEMU_OK)
            return snprintf(msg, len, "the CPU says UNDEFINED, mmioemu emulated it"), false;
        return true;
    }
    bool ran = q_run_trapped(c);
    if (!ran || q.faults > 1)
        return snprintf(msg, len, "trapped run: %u faults, signal %d, mmioemu %s", q.faults,
                        q.bad_sig, mmioemu_status_str(q.status)),
               false;
    if (q.faults == 0) { /* never touched the device: both runs must still agree */
        t->untouched++;
        return q_diff(msg, len);
    }
    t->ran++;
    if (q.cpu_changed)
        return snprintf(msg, len, "%s changed the vCPU", mmioemu_status_str(q.status)), false;
    if (q.status == MMIOEMU_ERR_UNSUPPORTED)
        return t->refused++, true;
    if (q.status != MMIOEMU_OK)
        return snprintf(msg, len, "the CPU ran it, mmioemu %s", mmioemu_status_str(q.status)),
               false;
    if (q.emul_pc != (uint64_t)(uintptr_t)q.slot + 4)
        return snprintf(msg, len, "pc: mmioemu committed %llx", (unsigned long long)q.emul_pc),
               false;
    if (!q_diff(msg, len))
        return false;
    t->agree++;
    return true;
}

Test(a64_qemu_oracle, random_group_words_agree_or_are_refused_cleanly)
{
    /* Random words with op0 = x1x0 (Arm ARM C4.1), allocated or not. SIGILL
     * on the CPU -> mmioemu must not emulate it; the CPU touches the device
     * -> mmioemu agrees (memory, registers) or refuses with UNSUPPORTED, its
     * vCPU copy unchanged; other faults (unmapped, alignment) -> no verdict. */
    struct sigaction old[3];
    stack_t old_ss;
    void *alt = NULL;
    cr_assert(q_setup(old, &old_ss, &alt), "oracle set-up (mmap/sigaction) failed");
    a64gen_rng r = {0x6a12};
    q_tally t = {0};
    unsigned n = 100000, bad = 0;
    char msg[300];
    for (unsigned i = 0; i < n; i++) {
        uint32_t w = ((uint32_t)a64gen_rand(&r) | 1u << 27) & ~(1u << 25);
        if (q_uses_harness_regs(w))
            continue;
        q.slot = (uint32_t *)(void *)(q.code + 8 * (i % (CODE_SIZE / 8)));
        q_random_case(&r, w, &q_case);
        if (!q_judge(&q_case, &t, msg, sizeof msg) && ++bad <= (getenv("A64O_ALL") ? n : 8u))
            cr_log_warn("%08x: %s", w, msg);
    }
    q_teardown(old, &old_ss, alt);
    cr_log_info("%u random words: %u UNDEFINED (SIGILL); %u trapped on the device: %u agree, %u "
                "refused; %u ran without touching it; %u violations",
                n, t.undef, t.ran, t.agree, t.refused, t.untouched, bad);
    cr_assert_eq(bad, 0, "%u random words violate the oracle rules", bad);
    cr_assert_gt(t.agree, n / 20, "too few comparable words");
}

#define Q_CLASS_TEST(name, cls)                                                                    \
    Test(a64_qemu_oracle, name)                                                                    \
    {                                                                                              \
        unsigned bad = q_campaign(cls, CASES_PER_CLASS, 0x9e3u + (cls), false);                    \
        cr_assert_eq(bad, 0, "%u of %u words disagree with the CPU", bad, CASES_PER_CLASS);        \
    }

/* Harness self-check against the Arm ARM alone: the native path runs
 * b8004409 = str w9, [x0], #4 (C6.2.x STR (immediate), post-index). */
Test(a64_qemu_oracle, harness_runs_str_post_index_natively)
{
    struct sigaction old[3];
    stack_t old_ss;
    void *alt = NULL;
    cr_assert(q_setup(old, &old_ss, &alt));
    memset(&q_case, 0, sizeof q_case);
    q_case.x[0] = (uint64_t)(uintptr_t)q.win + 0x10;
    q_case.x[9] = 0x1122334455667788ull;
    q.slot = (uint32_t *)(void *)q.code;
    q.slot[0] = 0xb8004409;
    q.slot[1] = 0xd65f03c0;
    __builtin___clear_cache((char *)q.slot, (char *)(q.slot + 2));
    q_load(&q_native, &q_case);
    bool ran = q_exec(&q_native);
    uint8_t want[4] = {0x88, 0x77, 0x66, 0x55};
    bool same = memcmp(q.win + 0x10, want, 4) == 0;
    uint64_t x0 = q_native.x[0];
    q_teardown(old, &old_ss, alt);
    cr_assert(ran, "native run took signal %d", q.bad_sig);
    cr_assert(same, "W9 stored little-endian at X0");
    cr_assert_eq(x0, q_case.x[0] + 4, "X0 += 4 after the access");
}

#else

#define Q_CLASS_TEST(name, cls)                                                                    \
    Test(a64_qemu_oracle, name)                                                                    \
    {                                                                                              \
        cr_skip_test("needs an aarch64 Linux host: runs in the aarch64 pass "                      \
                     "(scripts/test-aarch64.sh, qemu-aarch64); Unicorn covers x86-64 hosts");      \
    }

#endif

Q_CLASS_TEST(ldr_str_unsigned_offset_agrees, A64GEN_UIMM)
Q_CLASS_TEST(ldur_stur_agree, A64GEN_UNSCALED)
Q_CLASS_TEST(post_index_agrees, A64GEN_POST)
Q_CLASS_TEST(pre_index_agrees, A64GEN_PRE)
Q_CLASS_TEST(ldtr_sttr_agree, A64GEN_UNPRIV)
Q_CLASS_TEST(register_offset_agrees, A64GEN_REGOFF)
Q_CLASS_TEST(ldr_literal_agrees, A64GEN_LITERAL)
Q_CLASS_TEST(ldp_stp_signed_offset_agrees, A64GEN_PAIR_OFF)
Q_CLASS_TEST(ldp_stp_pre_index_agrees, A64GEN_PAIR_PRE)
Q_CLASS_TEST(ldp_stp_post_index_agrees, A64GEN_PAIR_POST)
Q_CLASS_TEST(ldnp_stnp_agree, A64GEN_PAIR_NT)
Q_CLASS_TEST(ldar_stlr_ldlar_stllr_agree, A64GEN_ORDERED)
Q_CLASS_TEST(ldapr_agrees, A64GEN_LDAPR)
Q_CLASS_TEST(ldapur_stlur_agree, A64GEN_RCPC2)
