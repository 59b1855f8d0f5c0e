/* Oracle: Unicorn (QEMU's AArch64 translator) executes each generated
 * load/store against an MMIO window; mmioemu_emulate() runs the same word on
 * the same device. Accesses (byte-level: address, direction, value) and final
 * registers must agree 100%. Normalisation rules: docs/oracles-arm64.md. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/a64gen_dev.h"
#include "common/a64gen_ldst.h"
#include "common/a64gen_uc.h"

#if defined(MMIOEMU_HAVE_UNICORN)

#define CASES_PER_CLASS 8000 /* x 14 classes = 112,000 words */

static a64gen_case uc_case; /* large: kept off the stack */
static mmioemu_cpu uc_cpu;

static uint8_t uc_shadow[A64GEN_UC_WIN_SIZE]; /* mmioemu's RAM pages (A64GEN_UC_SPLIT) */

/* mmioemu's side of one case: the same device, the fault as a trap would
 * report it (FAR, and per `how` the IPA or the ISV=1 syndrome instead of the
 * instruction bytes). */
static mmioemu_status uc_emulate(const a64gen_uc *o, const a64gen_case *c, uint64_t pc,
                                 unsigned how, a64gen_dev *dev, uint64_t *far)
{
    memset(dev, 0, sizeof *dev);
    dev->win = A64GEN_UC_WIN;
    dev->win_size = A64GEN_UC_WIN_SIZE;
    if (o->split) { /* RAM pages behind ram_read/ram_write, MMIO page behind mmio_* */
        memcpy(uc_shadow, a64gen_uc_pattern, A64GEN_UC_WIN_SIZE);
        dev->mem = uc_shadow;
        dev->mmio_lo = o->mmio_lo;
        dev->mmio_hi = o->mmio_hi;
    }
    a64gen_cpu_from_case(c, pc, 1, &uc_cpu);
    uc_cpu.u.arm64.big_endian = o->big_endian;
    static uint8_t bytes[4];
    for (unsigned i = 0; i < 4; i++)
        bytes[i] = (uint8_t)(c->word >> (8 * i));
    /* FAR: the first operand byte Unicorn touched in the device (its widened
     * reads may start below the operand: see uc_normalise) */
    *far = o->side.first;
    if (*far < c->addr || *far >= c->addr + c->bytes)
        *far = c->addr > o->mmio_lo ? c->addr : o->mmio_lo;
    mmioemu_fault f = {.gla = *far, .insn = bytes, .insn_len = 4, .flags = MMIOEMU_FAULT_GLA};
    if (how & A64GEN_UC_ESR) { /* the ISV=1 fast path: the syndrome instead of the instruction */
        if (!a64gen_esr(c, &f.syndrome))
            return MMIOEMU_ERR_ARG;
        f.insn = NULL;
        f.insn_len = 0;
        f.flags |= MMIOEMU_FAULT_ESR;
    }
    mmioemu_policy pol = {.flags = MMIOEMU_POLICY_IDENTITY};
    if (how & A64GEN_UC_IPA) { /* physical addresses only from the GPA and translate() */
        dev->pa_offset = 1ull << 40;
        f.gpa = *far + dev->pa_offset;
        f.flags |= MMIOEMU_FAULT_GPA;
        pol.flags = 0;
    }
    return mmioemu_emulate(&a64gen_dev_ops, dev, &uc_cpu, &f, &pol, NULL);
}

/* One case through both sides; on disagreement describe it in msg. */
static bool uc_compare(a64gen_uc *o, const a64gen_case *c, uint64_t pc, unsigned how, char *msg,
                       size_t len)
{
    static mmioemu_arm64_state want;
    static a64gen_dev dev;
    char ta[512], tb[512], rmsg[160];
    uint64_t far;
    memset(&want, 0, sizeof want);
    uc_err e = a64gen_uc_run(o, c, pc, &want);
    if (e != UC_ERR_OK) {
        snprintf(msg, len, "unicorn: %s", uc_strerror(e));
        return false;
    }
    /* the generator's own model vs Unicorn, before anything else */
    if (!a64gen_uc_normalise(&o->side.trace, c, o->mmio_lo, o->mmio_hi)) {
        a64gen_trace_str(&o->side.trace, ta, sizeof ta);
        snprintf(msg, len, "harness: unicorn [%s] vs generator %s %u bytes at %llx", ta,
                 c->store ? "store" : "load", c->bytes, (unsigned long long)c->addr);
        return false;
    }
    mmioemu_status st = uc_emulate(o, c, pc, how, &dev, &far);
    if (st != MMIOEMU_OK) {
        snprintf(msg, len, "mmioemu: %s (fault gla %llx)", mmioemu_status_str(st),
                 (unsigned long long)far);
        return false;
    }
    a64gen_trace_sort(&dev.trace);
    if (!a64gen_trace_equal(&o->side.trace, &dev.trace)) {
        a64gen_trace_str(&o->side.trace, ta, sizeof ta);
        a64gen_trace_str(&dev.trace, tb, sizeof tb);
        snprintf(msg, len, "accesses: unicorn [%s] mmioemu [%s]", ta, tb);
        return false;
    }
    for (unsigned i = 0; o->split && i < A64GEN_UC_WIN_SIZE; i++)
        if ((i < A64GEN_UC_PAGE || i >= 2 * A64GEN_UC_PAGE) &&
            uc_shadow[i] != a64gen_uc_ram_after[i]) {
            snprintf(msg, len, "RAM at %llx: unicorn %02x mmioemu %02x",
                     (unsigned long long)(A64GEN_UC_WIN + i), a64gen_uc_ram_after[i], uc_shadow[i]);
            return false;
        }
    if (!a64gen_regs_equal(&want, &uc_cpu.u.arm64, rmsg, sizeof rmsg)) {
        snprintf(msg, len, "registers: %s", rmsg);
        return false;
    }
    return true;
}

/* N random words of one class (or all: cls < 0); returns disagreements. */

static unsigned uc_campaign(int cls, unsigned n, uint64_t seed, unsigned how)
{
    bool big_endian = how & A64GEN_UC_BE;
    a64gen_uc o;
    cr_assert(a64gen_uc_setup(&o, how), "unicorn set-up failed");
    a64gen_rng rng = {seed};
    a64gen_cfg cfg = {
        .win = A64GEN_UC_WIN, .win_size = A64GEN_UC_WIN_SIZE, .classes = cls < 0 ? 0 : 1u << cls};
    unsigned bad = 0, cross = 0, skipped = 0;
    char msg[1200];
    for (unsigned i = 0; i < n; i++) {
        /* a fresh address per word: no stale translation can hide a change */
        uint64_t pc = A64GEN_UC_CODE + 4 * (i % (A64GEN_UC_CODE_SIZE / 4));
        cfg.pc = pc;
        a64gen_next(&rng, &cfg, &uc_case);
        if (o.split && (uc_case.addr + uc_case.bytes <= o.mmio_lo || uc_case.addr >= o.mmio_hi)) {
            skipped++; /* RAM only: no trap, nothing to emulate */
            continue;
        }
        cross += uc_case.crosses;
        if (uc_compare(&o, &uc_case, pc, how, msg, sizeof msg))
            continue;
        if (++bad <= (getenv("A64O_ALL") ? n : 8u))
            cr_log_warn("%08x %s (%s)%s: %s", uc_case.word, a64gen_form_name(&uc_case),
                        a64gen_class_name(uc_case.cls), uc_case.crosses ? " page-crossing" : "",
                        msg);
    }
    cr_log_info("class %s%s%s%s: %u words, %u page-crossing, %u disagree",
                cls < 0 ? "all" : a64gen_class_name((unsigned)cls),
                big_endian ? " (big-endian data)" : "", (how & A64GEN_UC_IPA) ? " (IPA != VA)" : "",
                o.split ? " (RAM|MMIO|RAM pages)" : "", n - skipped, cross, bad);
    uc_close(o.uc);
    return bad;
}

#define UC_CLASS_TEST(name, cls)                                                                   \
    Test(a64_unicorn_oracle, name)                                                                 \
    {                                                                                              \
        unsigned bad = uc_campaign(cls, CASES_PER_CLASS, 0xa64000u + (cls), 0);                    \
        cr_assert_eq(bad, 0, "%u of %u words disagree with Unicorn", bad, CASES_PER_CLASS);        \
    }

/* Harness self-checks against the Arm ARM alone (no mmioemu involved). */
Test(a64_unicorn_oracle, harness_sees_str_post_index_store_then_base_update)
{
    /* b8004409 = str w9, [x0], #4 (C6.2.x STR (immediate), post-index):
     * stores W9 at X0 (4 bytes, little-endian), then X0 += 4. */
    a64gen_uc o;
    cr_assert(a64gen_uc_setup(&o, 0));
    memset(&uc_case, 0, sizeof uc_case);
    uc_case.word = 0xb8004409;
    uc_case.x[0] = A64GEN_UC_WIN + 0x10;
    uc_case.x[9] = 0x1122334455667788ull;
    mmioemu_arm64_state s;
    cr_assert_eq(a64gen_uc_run(&o, &uc_case, A64GEN_UC_CODE, &s), UC_ERR_OK);
    a64gen_trace_sort(&o.side.trace);
    cr_assert_eq(o.side.trace.n, 4);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(o.side.trace.b[i].addr, A64GEN_UC_WIN + 0x10 + i);
        cr_assert(o.side.trace.b[i].write);
        cr_assert_eq(o.side.trace.b[i].val, (uint8_t)(0x55667788u >> (8 * i)));
    }
    cr_assert_eq(s.x[0], A64GEN_UC_WIN + 0x14);
    cr_assert_eq(s.pc, A64GEN_UC_CODE + 4);
    uc_close(o.uc);
}

Test(a64_unicorn_oracle, harness_sees_ldp_w_read_two_words_from_the_device)
{
    /* 29400440 = ldp w0, w1, [x2] (C6.2.x LDP): W0 <- [X2], W1 <- [X2+4];
     * the device byte at A is (A * 0x9d ^ 0x5a) & 0xff. */
    a64gen_uc o;
    cr_assert(a64gen_uc_setup(&o, 0));
    memset(&uc_case, 0, sizeof uc_case);
    uc_case.word = 0x29400440;
    uc_case.x[0] = uc_case.x[1] = ~0ull;
    uc_case.x[2] = A64GEN_UC_WIN + 0x100;
    mmioemu_arm64_state s;
    cr_assert_eq(a64gen_uc_run(&o, &uc_case, A64GEN_UC_CODE, &s), UC_ERR_OK);
    uint64_t w0 = 0, w1 = 0;
    for (unsigned i = 4; i-- > 0;) {
        w0 = (w0 << 8) | a64gen_dev_byte(A64GEN_UC_WIN + 0x100 + i);
        w1 = (w1 << 8) | a64gen_dev_byte(A64GEN_UC_WIN + 0x104 + i);
    }
    cr_assert_eq(s.x[0], w0, "W result zero-extends into X (Arm ARM: X[t] = ZeroExtend)");
    cr_assert_eq(s.x[1], w1);
    cr_assert_eq(o.side.trace.n, 8);
    uc_close(o.uc);
}

Test(a64_unicorn_oracle, harness_sees_big_endian_ldrh_swap_bytes)
{
    /* 79400041 = ldrh w1, [x2] with big-endian data (Arm ARM: with
     * SCTLR_EL1.EE = 1 the lowest-addressed byte is the most significant):
     * W1 = byte[A] << 8 | byte[A+1]. */
    a64gen_uc o;
    cr_assert(a64gen_uc_setup(&o, A64GEN_UC_BE));
    memset(&uc_case, 0, sizeof uc_case);
    uc_case.word = 0x79400041;
    uc_case.x[2] = A64GEN_UC_WIN + 0x20;
    mmioemu_arm64_state s;
    cr_assert_eq(a64gen_uc_run(&o, &uc_case, A64GEN_UC_CODE, &s), UC_ERR_OK);
    uint64_t want = (uint64_t)a64gen_dev_byte(A64GEN_UC_WIN + 0x20) << 8 |
                    a64gen_dev_byte(A64GEN_UC_WIN + 0x21);
    cr_assert_eq(s.x[1], want, "got %llx want %llx", (unsigned long long)s.x[1],
                 (unsigned long long)want);
    uc_close(o.uc);
}

Test(a64_unicorn_oracle, big_endian_data_every_class_agrees)
{
    /* mmioemu with cpu.big_endian = 1 vs Unicorn in big-endian data mode */
    unsigned n = 28000, bad = uc_campaign(-1, n, 0xbe64, A64GEN_UC_BE);
    cr_assert_eq(bad, 0, "%u of %u big-endian words disagree with Unicorn", bad, n);
}

Test(a64_unicorn_oracle, vmm_style_ipa_differs_from_va_agrees)
{
    /* a VMM's view: the callbacks see IPAs (VA + 1 TiB); the faulting page's
     * IPA comes from the fault's GPA, the other page of a split from
     * translate(); no identity mapping */
    unsigned n = 20000, bad = uc_campaign(-1, n, 0x1fa, A64GEN_UC_IPA);
    cr_assert_eq(bad, 0, "%u of %u words disagree with IPA != VA", bad, n);
}

Test(a64_unicorn_oracle, ram_mmio_page_splits_agree)
{
    /* RAM | MMIO | RAM: an access crossing into or out of the device page is
     * split into a RAM piece (ram_read/ram_write) and an MMIO piece; words
     * that stay in RAM do not trap and are left out */
    unsigned n = 30000, bad = uc_campaign(-1, n, 0x5b1, A64GEN_UC_SPLIT);
    cr_assert_eq(bad, 0, "%u words disagree with RAM/MMIO splits", bad);
}

/* The syndrome path: only forms a CPU reports with ISV=1 (single GPR, no
 * writeback), the address from the FAR, no instruction fetch at all. */
#define UC_ISV_CLASSES                                                                             \
    (1u << A64GEN_UIMM | 1u << A64GEN_UNSCALED | 1u << A64GEN_UNPRIV | 1u << A64GEN_REGOFF |       \
     1u << A64GEN_LITERAL | 1u << A64GEN_ORDERED | 1u << A64GEN_LDAPR | 1u << A64GEN_RCPC2)

static unsigned uc_esr_campaign(unsigned n, uint64_t seed, unsigned how, unsigned *done)
{
    a64gen_uc o;
    cr_assert(a64gen_uc_setup(&o, how), "unicorn set-up failed");
    a64gen_rng rng = {seed};
    a64gen_cfg cfg = {
        .win = A64GEN_UC_WIN, .win_size = A64GEN_UC_WIN_SIZE, .classes = UC_ISV_CLASSES};
    unsigned bad = 0;
    uint64_t esr;
    char msg[1200];
    *done = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t pc = A64GEN_UC_CODE + 4 * (i % (A64GEN_UC_CODE_SIZE / 4));
        cfg.pc = pc;
        a64gen_next(&rng, &cfg, &uc_case);
        if (!a64gen_esr(&uc_case, &esr))
            continue; /* SIMD&FP forms: ISV = 0 on a real CPU */
        ++*done;
        if (!uc_compare(&o, &uc_case, pc, how, msg, sizeof msg) && ++bad <= 8)
            cr_log_warn("%08x %s (%s) esr %llx: %s", uc_case.word, a64gen_form_name(&uc_case),
                        a64gen_class_name(uc_case.cls), (unsigned long long)esr, msg);
    }
    uc_close(o.uc);
    cr_log_info("ISV=1 syndrome path%s: %u words, %u disagree",
                (how & A64GEN_UC_BE) ? " (big-endian data)" : "", *done, bad);
    return bad;
}

Test(a64_unicorn_oracle, esr_syndrome_path_agrees_without_instruction_bytes)
{
    unsigned done, bad = uc_esr_campaign(16000, 0xe5a, A64GEN_UC_ESR, &done);
    cr_assert_gt(done, 8000, "too few ISV=1 forms generated");
    cr_assert_eq(bad, 0, "%u of %u syndrome-path words disagree with Unicorn", bad, done);
}

Test(a64_unicorn_oracle, esr_syndrome_path_big_endian_agrees)
{
    unsigned done, bad = uc_esr_campaign(8000, 0xbe5a, A64GEN_UC_ESR | A64GEN_UC_BE, &done);
    cr_assert_eq(bad, 0, "%u of %u big-endian syndrome-path words disagree", bad, done);
}

/* ---- every word of the load/store group, not just the generator's ------ */

static int uc_intno; /* exception Unicorn raised (QEMU EXCP_*: 1 = UNDEF) */

static void uc_on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    (void)ud;
    uc_intno = (int)intno;
    uc_emu_stop(uc);
}

/* mmioemu's device bytes are a subset of Unicorn's (which widens reads), with
 * the same values; writes identical. */
static bool uc_subset(const a64gen_trace *uc, const a64gen_trace *mm)
{
    unsigned uw = 0, mw = 0;
    for (unsigned i = 0; i < uc->n; i++)
        uw += uc->b[i].write;
    for (unsigned i = 0; i < mm->n; i++) {
        bool found = false;
        mw += mm->b[i].write;
        for (unsigned j = 0; j < uc->n && !found; j++)
            found = uc->b[j].addr == mm->b[i].addr && uc->b[j].write == mm->b[i].write &&
                    uc->b[j].val == mm->b[i].val;
        if (!found)
            return false;
    }
    return uw == mw && !uc->overflow && !mm->overflow;
}

/* Random registers: half point into the window's middle page, half small. */
static void uc_random_case(a64gen_rng *r, uint32_t w, a64gen_case *c)
{
    memset(c, 0, sizeof *c);
    c->word = w;
    for (unsigned k = 0; k < 31; k++)
        c->x[k] = (a64gen_rand(r) & 1) ? A64GEN_UC_WIN + 0x1000 + a64gen_rand(r) % 0x1000
                                       : a64gen_rand(r) % 64;
    c->x[31] = A64GEN_UC_WIN + 0x1800;
    for (unsigned k = 0; k < 32; k++)
        for (unsigned j = 0; j < 16; j++)
            c->v[k][j] = (uint8_t)a64gen_rand(r);
}

typedef struct uc_tally {
    unsigned ran, agree, refused, undef, bad;
} uc_tally;

/* The verdict on one random word; false + msg on a violation. */
static bool uc_judge(a64gen_uc *o, uint64_t pc, uc_tally *t, char *msg, size_t len)
{
    static mmioemu_arm64_state want;
    static mmioemu_cpu before;
    static a64gen_dev dev;
    char ta[400], tb[400];
    uc_intno = -1;
    uc_err e = a64gen_uc_run(o, &uc_case, pc, &want);
    memset(&dev, 0, sizeof dev);
    dev.win = A64GEN_UC_WIN;
    dev.win_size = A64GEN_UC_WIN_SIZE;
    a64gen_cpu_from_case(&uc_case, pc, 1, &uc_cpu);
    memcpy(&before, &uc_cpu, sizeof before);
    uint8_t b[4] = {(uint8_t)uc_case.word, (uint8_t)(uc_case.word >> 8),
                    (uint8_t)(uc_case.word >> 16), (uint8_t)(uc_case.word >> 24)};
    /* no fault address: the operand is unknown here (no generator model) */
    mmioemu_fault f = {.insn = b, .insn_len = 4};
    mmioemu_policy pol = {.flags = MMIOEMU_POLICY_IDENTITY};
    mmioemu_status st = mmioemu_emulate(&a64gen_dev_ops, &dev, &uc_cpu, &f, &pol, NULL);
    if (st != MMIOEMU_OK) { /* emulate.h: on any error the vCPU is as before */
        if (memcmp(&before, &uc_cpu, sizeof before))
            return snprintf(msg, len, "%s changed the vCPU", mmioemu_status_str(st)), false;
        if (st != MMIOEMU_ERR_CALLBACK && dev.trace.n) /* a split may fail half way */
            return snprintf(msg, len, "%s after device accesses", mmioemu_status_str(st)), false;
    }
    if (uc_intno == 1) { /* UNDEFINED on the CPU (the hook stopped the run) */
        t->undef++;
        return st == MMIOEMU_OK ? snprintf(msg, len, "emulated an UNDEFINED word"), false : true;
    }
    if (e != UC_ERR_OK || uc_intno >= 0 || !o->side.trace.calls)
        return true; /* unmapped / other exception / no device access: nothing to compare */
    t->ran++;
    if (st == MMIOEMU_ERR_UNSUPPORTED)
        return t->refused++, true;
    if (st != MMIOEMU_OK)
        return snprintf(msg, len, "Unicorn ran it, mmioemu %s", mmioemu_status_str(st)), false;
    a64gen_trace_sort(&o->side.trace);
    a64gen_trace_sort(&dev.trace);
    if (!uc_subset(&o->side.trace, &dev.trace)) {
        a64gen_trace_str(&o->side.trace, ta, sizeof ta);
        a64gen_trace_str(&dev.trace, tb, sizeof tb);
        return snprintf(msg, len, "accesses: unicorn [%s] mmioemu [%s]", ta, tb), false;
    }
    if (!a64gen_regs_equal(&want, &uc_cpu.u.arm64, ta, sizeof ta))
        return snprintf(msg, len, "registers: %s", ta), false;
    t->agree++;
    return true;
}

Test(a64_unicorn_oracle, random_group_words_agree_or_are_refused_cleanly)
{
    /* 100,000 random words with op0 = x1x0 (Arm ARM C4.1), allocated or not.
     * Unicorn UNDEF -> mmioemu must not emulate; Unicorn executes a device
     * access -> mmioemu agrees or refuses (UNSUPPORTED); any mmioemu error
     * leaves the vCPU untouched. */
    a64gen_uc o;
    uc_hook h;
    cr_assert(a64gen_uc_setup(&o, 0));
    cr_assert_eq(uc_hook_add(o.uc, &h, UC_HOOK_INTR, (void *)uc_on_intr, NULL, 1, 0), UC_ERR_OK);
    a64gen_rng r = {0x6a11};
    uc_tally t = {0};
    char msg[1000];
    unsigned n = 100000;
    for (unsigned i = 0; i < n; i++) {
        uint32_t w = ((uint32_t)a64gen_rand(&r) | 1u << 27) & ~(1u << 25);
        uc_random_case(&r, w, &uc_case);
        if (!uc_judge(&o, A64GEN_UC_CODE + 4 * (i % (A64GEN_UC_CODE_SIZE / 4)), &t, msg,
                      sizeof msg) &&
            ++t.bad <= (getenv("A64O_ALL") ? n : 8u))
            cr_log_warn("%08x: %s", w, msg);
    }
    uc_close(o.uc);
    cr_log_info("%u random words: %u UNDEF on Unicorn; %u with device accesses: %u agree, %u "
                "refused (UNSUPPORTED); %u violations",
                n, t.undef, t.ran, t.agree, t.refused, t.bad);
    cr_assert_eq(t.bad, 0, "%u of %u random words violate the oracle rules", t.bad, n);
    cr_assert_gt(t.agree, n / 10, "too few comparable words");
}

#else /* !MMIOEMU_HAVE_UNICORN */

#define UC_CLASS_TEST(name, cls)                                                                   \
    Test(a64_unicorn_oracle, name)                                                                 \
    {                                                                                              \
        cr_skip_test("Unicorn not built in (libunicorn-dev not found: MMIOEMU_HAVE_UNICORN "       \
                     "unset); the QEMU oracle covers aarch64 hosts");                              \
    }

#endif

UC_CLASS_TEST(ldr_str_unsigned_offset_agrees, A64GEN_UIMM)
UC_CLASS_TEST(ldur_stur_agree, A64GEN_UNSCALED)
UC_CLASS_TEST(post_index_agrees, A64GEN_POST)
UC_CLASS_TEST(pre_index_agrees, A64GEN_PRE)
UC_CLASS_TEST(ldtr_sttr_agree, A64GEN_UNPRIV)
UC_CLASS_TEST(register_offset_agrees, A64GEN_REGOFF)
UC_CLASS_TEST(ldr_literal_agrees, A64GEN_LITERAL)
UC_CLASS_TEST(ldp_stp_signed_offset_agrees, A64GEN_PAIR_OFF)
UC_CLASS_TEST(ldp_stp_pre_index_agrees, A64GEN_PAIR_PRE)
UC_CLASS_TEST(ldp_stp_post_index_agrees, A64GEN_PAIR_POST)
UC_CLASS_TEST(ldnp_stnp_agree, A64GEN_PAIR_NT)
UC_CLASS_TEST(ldar_stlr_ldlar_stllr_agree, A64GEN_ORDERED)
UC_CLASS_TEST(ldapr_agrees, A64GEN_LDAPR)
UC_CLASS_TEST(ldapur_stlur_agree, A64GEN_RCPC2)
