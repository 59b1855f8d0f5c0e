/* Live oracle: the CPU. The same generated MMIO-form instructions
 * (tests/common/x86gen_*) run natively in user mode on a normal page, and
 * again with the window PROT_NONE, where a SIGSEGV handler plays the #VE
 * handler and emulates each access with mmioemu_emulate. Registers, flags,
 * vector registers and memory bytes must be identical. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/x86cpu_run.h"

#if defined(__x86_64__) && defined(__linux__)
#include <signal.h>

#define MAX_FORMS 160
#define MAX_REPORTS 60

typedef struct tally {
    unsigned runs, skipped, cpu_fault, unsupported, bad;
} tally;

static x86cpu_regs rn, rt;
static x86gen_dev dev;
static uint8_t an[X86GEN_AREA_SIZE], at[X86GEN_AREA_SIZE];
static tally tl[MAX_FORMS];

static void open_or_skip(void)
{
    char why[256];
    if (x86cpu_open(why, sizeof why))
        cr_skip_test("CPU oracle skipped: %s", why);
}

static int vmode_for(const x86gen_case *c)
{
    if (!(c->flags & X86GEN_C_VEC))
        return 0;
    return x86cpu_vmode();
}

/* Does this host run the case? The CPU must implement it (CPUID); FS
 * overrides need WRFSBASE in user mode (the runner swaps glibc's TLS base). */
static int runnable(const x86gen_case *c)
{
    if (c->fs_base && !x86cpu_has_fsgsbase())
        return 0;
    return x86cpu_has_insn(c);
}

static int compare(const x86gen_case *c, const x86cpu_trap *t, char *why, size_t n)
{
    for (int i = 0; i < 16; i++)
        if (i != 4 && rn.gpr[i] != rt.gpr[i]) {
            snprintf(why, n, "gpr%d: cpu %llx mmioemu %llx (was %llx)", i,
                     (unsigned long long)rn.gpr[i], (unsigned long long)rt.gpr[i],
                     (unsigned long long)c->gpr[i]);
            return -1;
        }
    uint64_t m = 0x3fffffull & ~0x10000ull & ~(uint64_t)c->undef_flags;
    if ((rn.rflags ^ rt.rflags) & m) {
        snprintf(why, n, "rflags: cpu %llx mmioemu %llx (was %llx, undefined %x)",
                 (unsigned long long)rn.rflags, (unsigned long long)rt.rflags,
                 (unsigned long long)c->rflags, c->undef_flags);
        return -1;
    }
    if (t->traps && t->last_rip != X86GEN_CODE + c->len) {
        snprintf(why, n, "rip after emulation %llx, instruction ends at %llx",
                 (unsigned long long)t->last_rip, (unsigned long long)(X86GEN_CODE + c->len));
        return -1;
    }
    for (unsigned i = 0; i < X86GEN_AREA_SIZE; i++)
        if (an[i] != at[i]) {
            snprintf(why, n, "memory [%llx]: cpu %02x mmioemu %02x",
                     (unsigned long long)(X86GEN_AREA + i), an[i], at[i]);
            return -1;
        }
    if (rn.vmode && memcmp(rn.zmm, rt.zmm, sizeof rn.zmm)) {
        for (int i = 0; i < 32; i++)
            if (memcmp(rn.zmm[i], rt.zmm[i], 64)) {
                snprintf(why, n, "zmm%d: cpu %02x%02x.. mmioemu %02x%02x..", i, rn.zmm[i][1],
                         rn.zmm[i][0], rt.zmm[i][1], rt.zmm[i][0]);
                break;
            }
        return -1;
    }
    return 0;
}

/* 0 match, 1 mismatch, 2 not compared */
static int one_case(const x86gen_case *c, unsigned *reports)
{
    tally *tt = &tl[c->form];
    x86cpu_trap t;
    char why[400] = "";
    tt->runs++;
    if (!runnable(c)) {
        tt->skipped++;
        return 2;
    }
    rn.vmode = rt.vmode = (uint64_t)vmode_for(c);
    int nrc = x86cpu_run_native(c, &rn, an);
    int trc = x86cpu_run_trapped(c, &rt, &dev, &t, at);
    if (nrc) {
        /* The CPU faulted before any page fault (e.g. #GP(0) for a misaligned
         * MOVAPS), so the handler never ran: ask mmioemu directly. */
        tt->cpu_fault++;
        static mmioemu_cpu cpu;
        mmioemu_result res;
        x86gen_dev_reset(&dev);
        x86gen_cpu_init(c, 3, &cpu);
        mmioemu_status s = x86gen_emulate(c, &cpu, &dev, &res);
        if (s == MMIOEMU_ERR_EXCEPTION && (!(c->flags & X86GEN_C_GP) || res.vector == 13))
            return 0;
        snprintf(why, sizeof why, "the CPU faulted%s, mmioemu: %s (vector %u)",
                 c->flags & X86GEN_C_GP ? " (#GP: misaligned)" : "", mmioemu_status_name(s),
                 s == MMIOEMU_ERR_EXCEPTION ? res.vector : 0);
    } else if (trc) {
        if (t.last == MMIOEMU_ERR_UNSUPPORTED && !(c->flags & X86GEN_C_REQUIRED)) {
            tt->unsupported++;
            return 2;
        }
        snprintf(why, sizeof why, "emulation failed: %s (trap %u at %llx)",
                 t.aborted && t.traps == 0 && !x86gen_in_window(t.fault_addr)
                     ? "fault outside the window"
                     : mmioemu_status_name(t.last),
                 t.traps, (unsigned long long)t.fault_addr);
    } else if (compare(c, &t, why, sizeof why) == 0) {
        return 0;
    }
    tt->bad++;
    if (tt->bad <= 2 && (*reports)++ < MAX_REPORTS) {
        char hex[64];
        x86gen_hex(c, hex, sizeof hex);
        cr_log_warn("MISMATCH %s [%s]: %s", x86gen_form_name(c->form), hex, why);
    }
    return 1;
}

Test(x86_cpu_oracle, native_runner_loads_and_saves_every_register)
{
    open_or_skip();
    /* 8b 04 25 00 00 00 40: mov eax, [0x40000000] (SDM MOV 8B /r) */
    x86gen_case c;
    memset(&c, 0, sizeof c);
    static const uint8_t b[] = {0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40};
    memcpy(c.bytes, b, sizeof b);
    c.len = sizeof b;
    for (int i = 0; i < 16; i++)
        c.gpr[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
    c.rflags = 0x2 | 0x1 | 0x40 | 0x800; /* CF ZF OF: MOV leaves flags alone */
    rn.vmode = 0;
    cr_assert_eq(x86cpu_run_native(&c, &rn, an), 0);
    uint64_t want = 0;
    for (int i = 3; i >= 0; i--) /* the area holds the device bytes; a 32-bit load zero-extends */
        want = want << 8 | x86gen_mmio_byte(X86GEN_WIN + (uint64_t)i);
    cr_assert_eq(rn.gpr[0], want, "%llx", (unsigned long long)rn.gpr[0]);
    for (int i = 1; i < 16; i++)
        if (i != 4)
            cr_assert_eq(rn.gpr[i], c.gpr[i], "gpr%d", i);
    cr_assert_eq(rn.rflags & 0x8d5, 0x841u);
    x86cpu_close();
}

Test(x86_cpu_oracle, sigsegv_handler_is_restored_after_trapped_runs)
{
    open_or_skip();
    struct sigaction before, after;
    sigaction(SIGSEGV, NULL, &before);
    x86gen_rng rng;
    x86gen_seed(&rng, 5);
    x86gen_case c;
    x86cpu_trap t;
    x86gen_case_form(&rng, 0, &c); /* mov m8, r8 */
    rt.vmode = 0;
    x86cpu_run_trapped(&c, &rt, &dev, &t, at);
    sigaction(SIGSEGV, NULL, &after);
    /* glibc adds SA_RESTORER (0x04000000) when it installs a handler */
    cr_assert(before.sa_handler == after.sa_handler &&
              ((before.sa_flags ^ after.sa_flags) & ~0x04000000) == 0);
    cr_assert_geq(t.traps, 1, "the PROT_NONE window must trap");
    x86cpu_close();
}

Test(x86_cpu_oracle, random_mmio_forms_trapped_match_native)
{
    open_or_skip();
    unsigned n = 200000, reports = 0, bad = 0, notcmp = 0;
    const char *e = getenv("MMIOEMU_CPU_CASES");
    if (e && atoi(e) > 0)
        n = (unsigned)atoi(e);
    memset(tl, 0, sizeof tl);
    x86gen_rng rng;
    x86gen_seed(&rng, 4242);
    for (unsigned i = 0; i < n; i++) {
        x86gen_case c;
        x86gen_case_make(&rng, -1, &c);
        int r = one_case(&c, &reports);
        bad += r == 1;
        notcmp += r == 2;
    }
    cr_log_info("%-18s %7s %7s %6s %6s %5s", "form", "runs", "skipped", "cfault", "unsup", "bad");
    for (unsigned f = 0; f < x86gen_form_count() && f < MAX_FORMS; f++)
        cr_log_info("%-18s %7u %7u %6u %6u %5u", x86gen_form_name(f), tl[f].runs, tl[f].skipped,
                    tl[f].cpu_fault, tl[f].unsupported, tl[f].bad);
    cr_log_info("CPU oracle: %u cases, %u mismatches, %u not compared (missing CPU "
                "features: AVX/AVX-512/FSGSBASE; optional forms mmioemu does not support)",
                n, bad, notcmp);
    x86cpu_close();
    cr_assert_eq(bad, 0, "%u of %u cases differ from the CPU (first ones printed above)", bad, n);
}

#endif

#if defined(MMIOEMU_HAVE_ZYDIS)
#include <Zydis/Zydis.h>

/* The generator is itself checked against an independent decoder: Zydis
 * must decode every case to the same length, and (where Zydis models the
 * operand: not strings, register-offset BT or MOVDIR64B's destination) to the
 * same linear address. Keeps the oracles honest about what they run. */
Test(x86_cpu_oracle, generator_cases_decode_the_same_in_zydis)
{
    static const ZydisRegister g64[16] = {
        ZYDIS_REGISTER_RAX, ZYDIS_REGISTER_RCX, ZYDIS_REGISTER_RDX, ZYDIS_REGISTER_RBX,
        ZYDIS_REGISTER_RSP, ZYDIS_REGISTER_RBP, ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDI,
        ZYDIS_REGISTER_R8,  ZYDIS_REGISTER_R9,  ZYDIS_REGISTER_R10, ZYDIS_REGISTER_R11,
        ZYDIS_REGISTER_R12, ZYDIS_REGISTER_R13, ZYDIS_REGISTER_R14, ZYDIS_REGISTER_R15};
    ZydisDecoder d;
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    x86gen_rng rng;
    x86gen_seed(&rng, 4242);
    unsigned bad = 0, checked = 0;
    for (int i = 0; i < 50000; i++) {
        x86gen_case c;
        x86gen_case_make(&rng, -1, &c);
        ZydisDecodedInstruction in;
        ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
        char hex[64];
        x86gen_hex(&c, hex, sizeof hex);
        if (ZYAN_FAILED(ZydisDecoderDecodeFull(&d, c.bytes, c.len, &in, op)) ||
            in.length != c.len) {
            if (bad++ < 10)
                cr_log_warn("zydis rejects or measures differently: %s [%s]",
                            x86gen_form_name(c.form), hex);
            continue;
        }
        if ((c.flags & X86GEN_C_STRING) || c.group == X86GEN_G_BT ||
            in.mnemonic == ZYDIS_MNEMONIC_MOVDIR64B)
            continue;
        ZydisRegisterContext rc;
        memset(&rc, 0, sizeof rc);
        for (int k = 0; k < 16; k++) {
            rc.values[g64[k]] = c.gpr[k];
            rc.values[ZydisRegisterEncode(ZYDIS_REGCLASS_GPR32, (ZyanU8)k)] = (uint32_t)c.gpr[k];
        }
        for (int k = 0; k < in.operand_count; k++) {
            if (op[k].type != ZYDIS_OPERAND_TYPE_MEMORY || op[k].mem.type == ZYDIS_MEMOP_TYPE_AGEN)
                continue;
            ZyanU64 a;
            if (ZYAN_FAILED(ZydisCalcAbsoluteAddressEx(&in, &op[k], X86GEN_CODE, &rc, &a)))
                break;
            if (in.address_width == 32)
                a &= 0xffffffffull;
            if (op[k].mem.segment == ZYDIS_REGISTER_FS)
                a += c.fs_base;
            if (op[k].mem.segment == ZYDIS_REGISTER_GS)
                a += c.gs_base;
            checked++;
            if (a != c.target && bad++ < 10)
                cr_log_warn("address %llx vs generator %llx: %s [%s]", (unsigned long long)a,
                            (unsigned long long)c.target, x86gen_form_name(c.form), hex);
            break;
        }
    }
    cr_log_info("generator vs Zydis: 50000 cases, %u operand addresses checked, %u differ", checked,
                bad);
    cr_assert_eq(bad, 0);
    cr_assert_gt(checked, 30000);
}

/* Same for the 32/16-bit generator: length, and segment base + offset
 * (wrapped to the address size, then to 32 bits) equal to its target. */
Test(x86_cpu_oracle, legacy_generator_cases_decode_the_same_in_zydis)
{
    static const ZydisRegister sr[6] = {ZYDIS_REGISTER_ES, ZYDIS_REGISTER_CS, ZYDIS_REGISTER_SS,
                                        ZYDIS_REGISTER_DS, ZYDIS_REGISTER_FS, ZYDIS_REGISTER_GS};
    unsigned bad = 0, checked = 0;
    for (unsigned bits = 16; bits <= 32; bits += 16) {
        ZydisDecoder d;
        ZydisDecoderInit(&d,
                         bits == 32 ? ZYDIS_MACHINE_MODE_LEGACY_32 : ZYDIS_MACHINE_MODE_LEGACY_16,
                         bits == 32 ? ZYDIS_STACK_WIDTH_32 : ZYDIS_STACK_WIDTH_16);
        x86gen_rng rng;
        x86gen_seed(&rng, bits);
        for (int i = 0; i < 20000; i++) {
            x86gen_case c;
            x86gen_case_make_legacy(&rng, bits, &c);
            ZydisDecodedInstruction in;
            ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
            char hex[64];
            x86gen_hex(&c, hex, sizeof hex);
            if (ZYAN_FAILED(ZydisDecoderDecodeFull(&d, c.bytes, c.len, &in, op)) ||
                in.length != c.len) {
                if (bad++ < 10)
                    cr_log_warn("%u-bit: zydis disagrees on %s [%s]", bits,
                                x86gen_form_name(c.form), hex);
                continue;
            }
            if ((c.flags & X86GEN_C_STRING) || c.group == X86GEN_G_BT)
                continue;
            ZydisRegisterContext rc;
            memset(&rc, 0, sizeof rc);
            for (int k = 0; k < 8; k++) {
                rc.values[ZydisRegisterEncode(ZYDIS_REGCLASS_GPR32, (ZyanU8)k)] =
                    (uint32_t)c.gpr[k];
                rc.values[ZydisRegisterEncode(ZYDIS_REGCLASS_GPR16, (ZyanU8)k)] =
                    (uint16_t)c.gpr[k];
            }
            for (int k = 0; k < in.operand_count; k++) {
                if (op[k].type != ZYDIS_OPERAND_TYPE_MEMORY ||
                    op[k].mem.type == ZYDIS_MEMOP_TYPE_AGEN)
                    continue;
                ZyanU64 a;
                if (ZYAN_FAILED(ZydisCalcAbsoluteAddressEx(&in, &op[k], c.ip, &rc, &a)))
                    break;
                a &= in.address_width == 16 ? 0xffffull : 0xffffffffull;
                for (int q = 0; q < 6; q++)
                    if (op[k].mem.segment == sr[q])
                        a = (a + c.seg_base[q]) & 0xffffffffull;
                checked++;
                if (a != c.target && bad++ < 10)
                    cr_log_warn("%u-bit: address %llx vs generator %llx: %s [%s]", bits,
                                (unsigned long long)a, (unsigned long long)c.target,
                                x86gen_form_name(c.form), hex);
                break;
            }
        }
    }
    cr_log_info("legacy generator vs Zydis: 40000 cases, %u addresses checked, %u differ", checked,
                bad);
    cr_assert_eq(bad, 0);
    cr_assert_gt(checked, 25000);
}
#endif

#if !defined(__x86_64__) || !defined(__linux__)

Test(x86_cpu_oracle, needs_an_x86_64_linux_host)
{
    cr_skip_test("CPU oracle skipped: needs an x86-64 Linux host");
}

#endif
