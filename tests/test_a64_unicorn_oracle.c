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

#if defined(MMIOEMU_HAVE_UNICORN)
#include <unicorn/unicorn.h>

#define WIN 0x40000000ull
#define WIN_SIZE 0x3000ull /* three pages: page-crossing cases at two boundaries */
#define CODE 0x3fff0000ull /* 64 KiB below the window: LDR literal reaches it */
#define CODE_SIZE 0x10000ull
#define CASES_PER_CLASS 8000 /* x 14 classes = 112,000 words */

/* campaign flags */
#define UC_BE 1u    /* big-endian data */
#define UC_ESR 2u   /* fault carries an ISV=1 syndrome, no instruction bytes */
#define UC_IPA 4u   /* VMM style: IPA = VA + 1 TiB, GLA + GPA reported, no identity */
#define UC_SPLIT 8u /* only the middle page is MMIO, the pages around it RAM */
#define PAGE 0x1000ull

typedef struct uc_side {
    a64gen_trace trace;
    uint64_t base;  /* address of the MMIO region */
    uint64_t first; /* address of the first device access: the "FAR" */
} uc_side;

/* The device: bytes (A * 0x9d ^ 0x5a), little-endian in the returned value. */
static uint64_t uc_mmio_rd(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
    (void)uc;
    uc_side *s = ud;
    uint8_t b[8];
    uint64_t v = 0;
    if (!s->trace.calls)
        s->first = s->base + off;
    for (unsigned i = 0; i < size && i < 8; i++) {
        b[i] = a64gen_dev_byte(s->base + off + i);
        v |= (uint64_t)b[i] << (8 * i);
    }
    a64gen_trace_add(&s->trace, s->base + off, b, size, false);
    return v;
}

static void uc_mmio_wr(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
    (void)uc;
    uc_side *s = ud;
    uint8_t b[8];
    if (!s->trace.calls)
        s->first = s->base + off;
    for (unsigned i = 0; i < size && i < 8; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    a64gen_trace_add(&s->trace, s->base + off, b, size, true);
}

typedef struct uc_oracle {
    uc_engine *uc;
    uc_side side;
    bool big_endian; /* data endianness (SCTLR_EL1.EE); fetch stays little-endian */
    bool split;      /* UC_SPLIT: RAM | MMIO | RAM */
    uint64_t mmio_lo, mmio_hi;
} uc_oracle;

/* The window's initial bytes (RAM pages start with the device pattern too),
 * and Unicorn's RAM pages after a run (UC_SPLIT). */
static uint8_t uc_pattern[WIN_SIZE], uc_ram_after[WIN_SIZE];

/* With UC_MODE_BIG_ENDIAN Unicorn keeps instruction fetch little-endian (as
 * AArch64 always does) and makes data accesses big-endian; the MMIO callback
 * values stay the little-endian composition of the bytes at offset..offset+n
 * (checked by harness_sees_big_endian_ldrh_swap_bytes). */
static bool uc_setup(uc_oracle *o, unsigned how)
{
    bool big_endian = how & UC_BE;
    memset(o, 0, sizeof *o);
    o->big_endian = big_endian;
    o->split = how & UC_SPLIT;
    o->mmio_lo = o->split ? WIN + PAGE : WIN;
    o->mmio_hi = o->split ? WIN + 2 * PAGE : WIN + WIN_SIZE;
    o->side.base = o->mmio_lo;
    for (unsigned i = 0; i < WIN_SIZE; i++)
        uc_pattern[i] = a64gen_dev_byte(WIN + i);
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM | (big_endian ? UC_MODE_BIG_ENDIAN : 0), &o->uc) !=
        UC_ERR_OK)
        return false;
    /* "max": FEAT_LRCPC/LRCPC2/LOR forms need a v8.4 CPU model */
    uc_ctl_set_cpu_model(o->uc, UC_CPU_ARM64_MAX);
    if (uc_mem_map(o->uc, CODE, CODE_SIZE, UC_PROT_ALL) != UC_ERR_OK)
        return false;
    if (o->split &&
        (uc_mem_map(o->uc, WIN, PAGE, UC_PROT_READ | UC_PROT_WRITE) != UC_ERR_OK ||
         uc_mem_map(o->uc, WIN + 2 * PAGE, PAGE, UC_PROT_READ | UC_PROT_WRITE) != UC_ERR_OK))
        return false;
    return uc_mmio_map(o->uc, o->mmio_lo, o->mmio_hi - o->mmio_lo, uc_mmio_rd, &o->side, uc_mmio_wr,
                       &o->side) == UC_ERR_OK;
}

static void le64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static int uc_xreg(unsigned i)
{
    return i < 29 ? UC_ARM64_REG_X0 + (int)i : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

/* Run one word at pc; out gets X/SP/PC/V after it. Returns the uc_err. */
static uc_err uc_run(uc_oracle *o, const a64gen_case *c, uint64_t pc, mmioemu_arm64_state *out)
{
    uint8_t w[4];
    for (unsigned i = 0; i < 4; i++)
        w[i] = (uint8_t)(c->word >> (8 * i));
    uc_mem_write(o->uc, pc, w, 4);
    uc_ctl_remove_cache(o->uc, pc, pc + 4);
    for (unsigned i = 0; i < 31; i++)
        uc_reg_write(o->uc, uc_xreg(i), &c->x[i]);
    uc_reg_write(o->uc, UC_ARM64_REG_SP, &c->x[31]);
    for (unsigned i = 0; i < 32; i++) {
        uint64_t q[2] = {rd64(c->v[i]), rd64(c->v[i] + 8)};
        uc_reg_write(o->uc, UC_ARM64_REG_Q0 + (int)i, q);
    }
    memset(&o->side.trace, 0, sizeof o->side.trace);
    o->side.first = 0;
    if (o->split) {
        uc_mem_write(o->uc, WIN, uc_pattern, PAGE);
        uc_mem_write(o->uc, WIN + 2 * PAGE, uc_pattern + 2 * PAGE, PAGE);
    }
    uc_err e = uc_emu_start(o->uc, pc, pc + 4, 0, 1);
    if (o->split) {
        memcpy(uc_ram_after, uc_pattern, WIN_SIZE);
        uc_mem_read(o->uc, WIN, uc_ram_after, PAGE);
        uc_mem_read(o->uc, WIN + 2 * PAGE, uc_ram_after + 2 * PAGE, PAGE);
    }
    for (unsigned i = 0; i < 31; i++)
        uc_reg_read(o->uc, uc_xreg(i), &out->x[i]);
    uc_reg_read(o->uc, UC_ARM64_REG_SP, &out->sp);
    uc_reg_read(o->uc, UC_ARM64_REG_PC, &out->pc);
    for (unsigned i = 0; i < 32; i++) {
        uint64_t q[2];
        uc_reg_read(o->uc, UC_ARM64_REG_Q0 + (int)i, q);
        le64(out->v[i], q[0]);
        le64(out->v[i] + 8, q[1]);
    }
    return e;
}

/* Normalise Unicorn's trace (docs/oracles-arm64.md): QEMU's softmmu turns an
 * unaligned MMIO load into aligned loads of the whole containing words, so
 * bytes outside the instruction's operand are read too, some twice. Keep one
 * read per byte, and only the operand's bytes [addr, addr + bytes) - after
 * checking that every operand byte was read and that the extra bytes lie
 * within the 16-byte-aligned span around it. Stores are byte-exact in QEMU,
 * so writes must cover the operand exactly, each byte once. */
static bool uc_normalise(a64gen_trace *t, const a64gen_case *c, uint64_t mlo, uint64_t mhi)
{
    /* the operand's bytes that are MMIO: [a, b) */
    uint64_t a = c->addr > mlo ? c->addr : mlo;
    uint64_t bend = c->addr + c->bytes < mhi ? c->addr + c->bytes : mhi;
    uint64_t lo = c->addr & ~15ull, hi = (c->addr + c->bytes + 15) & ~15ull;
    unsigned k = 0;
    a64gen_trace_sort(t);
    if (t->overflow)
        return false;
    for (unsigned i = 0; i < t->n; i++) {
        a64gen_byte b = t->b[i];
        if (b.write != c->store || b.addr < lo || b.addr >= hi)
            return false;
        if (b.addr < a || b.addr >= bend)
            continue; /* widened read */
        if (k && t->b[k - 1].addr == b.addr) {
            if (b.write || t->b[k - 1].val != b.val)
                return false; /* a byte stored twice, or read with two values */
            continue;
        }
        t->b[k++] = b;
    }
    t->n = k;
    if (k != bend - a)
        return false;
    for (unsigned i = 0; i < k; i++)
        if (t->b[i].addr != a + i)
            return false;
    return true;
}

static a64gen_case uc_case; /* large: kept off the stack */
static mmioemu_cpu uc_cpu;

static uint8_t uc_shadow[WIN_SIZE]; /* mmioemu's RAM pages (UC_SPLIT) */

/* mmioemu's side of one case: the same device, the fault as a trap would
 * report it (FAR, and per `how` the IPA or the ISV=1 syndrome instead of the
 * instruction bytes). */
static mmioemu_status uc_emulate(const uc_oracle *o, const a64gen_case *c, uint64_t pc,
                                 unsigned how, a64gen_dev *dev, uint64_t *far)
{
    memset(dev, 0, sizeof *dev);
    dev->win = WIN;
    dev->win_size = WIN_SIZE;
    if (o->split) { /* RAM pages behind ram_read/ram_write, MMIO page behind mmio_* */
        memcpy(uc_shadow, uc_pattern, WIN_SIZE);
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
    if (how & UC_ESR) { /* the ISV=1 fast path: the syndrome instead of the instruction */
        if (!a64gen_esr(c, &f.syndrome))
            return MMIOEMU_ERR_ARG;
        f.insn = NULL;
        f.insn_len = 0;
        f.flags |= MMIOEMU_FAULT_ESR;
    }
    mmioemu_policy pol = {.flags = MMIOEMU_POLICY_IDENTITY};
    if (how & UC_IPA) { /* physical addresses only from the GPA and translate() */
        dev->pa_offset = 1ull << 40;
        f.gpa = *far + dev->pa_offset;
        f.flags |= MMIOEMU_FAULT_GPA;
        pol.flags = 0;
    }
    return mmioemu_emulate(&a64gen_dev_ops, dev, &uc_cpu, &f, &pol, NULL);
}

/* One case through both sides; on disagreement describe it in msg. */
static bool uc_compare(uc_oracle *o, const a64gen_case *c, uint64_t pc, unsigned how, char *msg,
                       size_t len)
{
    static mmioemu_arm64_state want;
    static a64gen_dev dev;
    char ta[512], tb[512], rmsg[160];
    uint64_t far;
    memset(&want, 0, sizeof want);
    uc_err e = uc_run(o, c, pc, &want);
    if (e != UC_ERR_OK) {
        snprintf(msg, len, "unicorn: %s", uc_strerror(e));
        return false;
    }
    /* the generator's own model vs Unicorn, before anything else */
    if (!uc_normalise(&o->side.trace, c, o->mmio_lo, o->mmio_hi)) {
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
    for (unsigned i = 0; o->split && i < WIN_SIZE; i++)
        if ((i < PAGE || i >= 2 * PAGE) && uc_shadow[i] != uc_ram_after[i]) {
            snprintf(msg, len, "RAM at %llx: unicorn %02x mmioemu %02x",
                     (unsigned long long)(WIN + i), uc_ram_after[i], uc_shadow[i]);
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
    bool big_endian = how & UC_BE;
    uc_oracle o;
    cr_assert(uc_setup(&o, how), "unicorn set-up failed");
    a64gen_rng rng = {seed};
    a64gen_cfg cfg = {.win = WIN, .win_size = WIN_SIZE, .classes = cls < 0 ? 0 : 1u << cls};
    unsigned bad = 0, cross = 0, skipped = 0;
    char msg[1200];
    for (unsigned i = 0; i < n; i++) {
        /* a fresh address per word: no stale translation can hide a change */
        uint64_t pc = CODE + 4 * (i % (CODE_SIZE / 4));
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
                big_endian ? " (big-endian data)" : "", (how & UC_IPA) ? " (IPA != VA)" : "",
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
    uc_oracle o;
    cr_assert(uc_setup(&o, 0));
    memset(&uc_case, 0, sizeof uc_case);
    uc_case.word = 0xb8004409;
    uc_case.x[0] = WIN + 0x10;
    uc_case.x[9] = 0x1122334455667788ull;
    mmioemu_arm64_state s;
    cr_assert_eq(uc_run(&o, &uc_case, CODE, &s), UC_ERR_OK);
    a64gen_trace_sort(&o.side.trace);
    cr_assert_eq(o.side.trace.n, 4);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(o.side.trace.b[i].addr, WIN + 0x10 + i);
        cr_assert(o.side.trace.b[i].write);
        cr_assert_eq(o.side.trace.b[i].val, (uint8_t)(0x55667788u >> (8 * i)));
    }
    cr_assert_eq(s.x[0], WIN + 0x14);
    cr_assert_eq(s.pc, CODE + 4);
    uc_close(o.uc);
}

Test(a64_unicorn_oracle, harness_sees_ldp_w_read_two_words_from_the_device)
{
    /* 29400440 = ldp w0, w1, [x2] (C6.2.x LDP): W0 <- [X2], W1 <- [X2+4];
     * the device byte at A is (A * 0x9d ^ 0x5a) & 0xff. */
    uc_oracle o;
    cr_assert(uc_setup(&o, 0));
    memset(&uc_case, 0, sizeof uc_case);
    uc_case.word = 0x29400440;
    uc_case.x[0] = uc_case.x[1] = ~0ull;
    uc_case.x[2] = WIN + 0x100;
    mmioemu_arm64_state s;
    cr_assert_eq(uc_run(&o, &uc_case, CODE, &s), UC_ERR_OK);
    uint64_t w0 = 0, w1 = 0;
    for (unsigned i = 4; i-- > 0;) {
        w0 = (w0 << 8) | a64gen_dev_byte(WIN + 0x100 + i);
        w1 = (w1 << 8) | a64gen_dev_byte(WIN + 0x104 + i);
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
    uc_oracle o;
    cr_assert(uc_setup(&o, UC_BE));
    memset(&uc_case, 0, sizeof uc_case);
    uc_case.word = 0x79400041;
    uc_case.x[2] = WIN + 0x20;
    mmioemu_arm64_state s;
    cr_assert_eq(uc_run(&o, &uc_case, CODE, &s), UC_ERR_OK);
    uint64_t want = (uint64_t)a64gen_dev_byte(WIN + 0x20) << 8 | a64gen_dev_byte(WIN + 0x21);
    cr_assert_eq(s.x[1], want, "got %llx want %llx", (unsigned long long)s.x[1],
                 (unsigned long long)want);
    uc_close(o.uc);
}

Test(a64_unicorn_oracle, big_endian_data_every_class_agrees)
{
    /* mmioemu with cpu.big_endian = 1 vs Unicorn in big-endian data mode */
    unsigned n = 28000, bad = uc_campaign(-1, n, 0xbe64, UC_BE);
    cr_assert_eq(bad, 0, "%u of %u big-endian words disagree with Unicorn", bad, n);
}

Test(a64_unicorn_oracle, vmm_style_ipa_differs_from_va_agrees)
{
    /* a VMM's view: the callbacks see IPAs (VA + 1 TiB); the faulting page's
     * IPA comes from the fault's GPA, the other page of a split from
     * translate(); no identity mapping */
    unsigned n = 20000, bad = uc_campaign(-1, n, 0x1fa, UC_IPA);
    cr_assert_eq(bad, 0, "%u of %u words disagree with IPA != VA", bad, n);
}

Test(a64_unicorn_oracle, ram_mmio_page_splits_agree)
{
    /* RAM | MMIO | RAM: an access crossing into or out of the device page is
     * split into a RAM piece (ram_read/ram_write) and an MMIO piece; words
     * that stay in RAM do not trap and are left out */
    unsigned n = 30000, bad = uc_campaign(-1, n, 0x5b1, UC_SPLIT);
    cr_assert_eq(bad, 0, "%u words disagree with RAM/MMIO splits", bad);
}

/* The syndrome path: only forms a CPU reports with ISV=1 (single GPR, no
 * writeback), the address from the FAR, no instruction fetch at all. */
#define UC_ISV_CLASSES                                                                             \
    (1u << A64GEN_UIMM | 1u << A64GEN_UNSCALED | 1u << A64GEN_UNPRIV | 1u << A64GEN_REGOFF |       \
     1u << A64GEN_LITERAL | 1u << A64GEN_ORDERED | 1u << A64GEN_LDAPR | 1u << A64GEN_RCPC2)

static unsigned uc_esr_campaign(unsigned n, uint64_t seed, unsigned how, unsigned *done)
{
    uc_oracle o;
    cr_assert(uc_setup(&o, how), "unicorn set-up failed");
    a64gen_rng rng = {seed};
    a64gen_cfg cfg = {.win = WIN, .win_size = WIN_SIZE, .classes = UC_ISV_CLASSES};
    unsigned bad = 0;
    uint64_t esr;
    char msg[1200];
    *done = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t pc = CODE + 4 * (i % (CODE_SIZE / 4));
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
                (how & UC_BE) ? " (big-endian data)" : "", *done, bad);
    return bad;
}

Test(a64_unicorn_oracle, esr_syndrome_path_agrees_without_instruction_bytes)
{
    unsigned done, bad = uc_esr_campaign(16000, 0xe5a, UC_ESR, &done);
    cr_assert_gt(done, 8000, "too few ISV=1 forms generated");
    cr_assert_eq(bad, 0, "%u of %u syndrome-path words disagree with Unicorn", bad, done);
}

Test(a64_unicorn_oracle, esr_syndrome_path_big_endian_agrees)
{
    unsigned done, bad = uc_esr_campaign(8000, 0xbe5a, UC_ESR | UC_BE, &done);
    cr_assert_eq(bad, 0, "%u of %u big-endian syndrome-path words disagree", bad, done);
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
