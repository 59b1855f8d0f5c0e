/* The whole path on real instruction bytes: mmioemu_emulate = fetch (from
 * the fault or the fetch callback, across pages) -> native decode -> plan ->
 * execute. Checks the ARCHITECTURE.md x86 bullets that live in the encoding
 * (immediate sizes, prefixes, moffs, RIP-relative with an immediate) and the
 * fetch rules. Expected bytes: SDM Vol. 2 instruction pages and encodings. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/x86emu_env.h"

#define M 0xfe000000ull

static x86emu_env E;
static mmioemu_ops OPS;
static mmioemu_cpu C;
static mmioemu_policy P;
static mmioemu_result R;
static mmioemu_fault F;

#define X C.u.x86

static void fx(mmioemu_mode mode)
{
    x86emu_env_init(&E);
    x86emu_ops(&OPS, false, true);
    x86emu_cpu(&C, mode);
    memset(&P, 0, sizeof(P));
    P.flags = MMIOEMU_POLICY_IDENTITY;
    memset(&R, 0, sizeof(R));
    memset(&F, 0, sizeof(F));
}

/* Skip (with the reason) while the native decoder cannot decode a plain MOV. */
static void need_decoder(void)
{
    static const uint8_t mov[2] = {0x8b, 0x03};
    mmioemu_insn in;
    if (mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, mov, 2, &in) != MMIOEMU_OK)
        cr_skip_test("native x86 decoder not available yet (8b 03 does not decode)");
}

static mmioemu_status emu(const uint8_t *code, unsigned n)
{
    F.insn = code;
    F.insn_len = n;
    return mmioemu_emulate(&OPS, &E, &C, &F, &P, &R);
}

#define EMU(...)                                                                                   \
    ({                                                                                             \
        static const uint8_t code_[] = {__VA_ARGS__};                                              \
        emu(code_, sizeof(code_));                                                                 \
    })

Test(x86_emul_bytes, c7_with_rex_w_stores_the_sign_extended_imm32_as_8_bytes)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RBX] = M;
    /* SDM MOV C7 /0: REX.W + C7 /0 id = "move imm32 sign extended to 64-bits" */
    cr_assert_eq(EMU(0x48, 0xc7, 0x03, 0x00, 0x00, 0x00, 0x80), MMIOEMU_OK);
    cr_assert_eq(E.log[0].len, 8);
    const uint8_t want[8] = {0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff};
    cr_assert(memcmp(E.log[0].data, want, 8) == 0);
    cr_assert_eq(X.rip, 7);
}

Test(x86_emul_bytes, c7_with_66_carries_an_imm16)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RBX] = M;
    /* 66 C7 03 iw: 5 bytes, 2-byte store (SDM: C7 /0 iw with operand size 16) */
    cr_assert_eq(EMU(0x66, 0xc7, 0x03, 0x34, 0x12), MMIOEMU_OK);
    cr_assert_eq(X.rip, 5);
    cr_assert_eq(E.log[0].len, 2);
    cr_assert_eq(E.log[0].data[0], 0x34);
    cr_assert_eq(E.log[0].data[1], 0x12);
}

Test(x86_emul_bytes, rex_w_beats_66)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RBX] = M;
    X.gpr[MMIOEMU_REG_RAX] = 0x1122334455667788ull;
    /* 66 48 89 03: SDM Vol. 2A 2.2.1.2, REX.W takes precedence over 66: 8-byte store */
    cr_assert_eq(EMU(0x66, 0x48, 0x89, 0x03), MMIOEMU_OK);
    cr_assert_eq(E.log[0].len, 8);
}

Test(x86_emul_bytes, rex_not_immediately_before_the_opcode_is_ignored)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RBX] = M;
    X.gpr[MMIOEMU_REG_RAX] = 0x1122334455667788ull;
    /* 48 66 89 03: REX then 66 -> REX ignored (SDM Vol. 2A 2.2.1), 16-bit store */
    cr_assert_eq(EMU(0x48, 0x66, 0x89, 0x03), MMIOEMU_OK);
    cr_assert_eq(E.log[0].len, 2);
    cr_assert_eq(E.log[0].data[0], 0x88);
    /* 41 66 88 20: REX.B ignored, so the store goes to [rax] not [r8]; AH not SPL */
    X.gpr[MMIOEMU_REG_RAX] = M + 0x80;
    cr_assert_eq(EMU(0x41, 0x66, 0x88, 0x20), MMIOEMU_OK);
    cr_assert_eq(E.log[1].addr, M + 0x80);
    cr_assert_eq(E.log[1].data[0], (uint8_t)((M + 0x80) >> 8));
}

Test(x86_emul_bytes, moffs_is_8_bytes_in_64_bit_mode_and_4_with_67)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    /* A1 + 8-byte offset (SDM MOV A1: moffs64 in 64-bit mode) */
    cr_assert_eq(EMU(0xa1, 0x10, 0x00, 0x00, 0xfe, 0x00, 0x00, 0x00, 0x00), MMIOEMU_OK);
    cr_assert_eq(X.rip, 9);
    cr_assert_eq(E.log[0].addr, M + 0x10);
    cr_assert_eq(E.log[0].len, 4);
    /* 67 A1 + 4-byte offset */
    cr_assert_eq(EMU(0x67, 0xa1, 0x20, 0x00, 0x00, 0xfe), MMIOEMU_OK);
    cr_assert_eq(X.rip, 15);
    cr_assert_eq(E.log[1].addr, M + 0x20);
}

Test(x86_emul_bytes, rip_relative_counts_from_after_the_immediate)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.rip = M - 0x100;
    /* C7 05 disp32 imm32 (10 bytes): address = RIP + 10 + disp (SDM Vol. 2A 2.2.1.6) */
    cr_assert_eq(EMU(0xc7, 0x05, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 10);
    cr_assert_eq(X.rip, M - 0x100 + 10);
}

Test(x86_emul_bytes, gs_override_adds_the_gs_base_in_64_bit_mode)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.seg[MMIOEMU_SEG_GS].base = M;
    X.seg[MMIOEMU_SEG_DS].base = 0x12345; /* ignored in 64-bit mode */
    X.gpr[MMIOEMU_REG_RBX] = 0x40;
    cr_assert_eq(EMU(0x65, 0x8b, 0x03), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0x40);
    cr_assert_eq(EMU(0x3e, 0x8b, 0x03), MMIOEMU_OK); /* DS override: no base */
    cr_assert_eq(E.log[1].addr, 0x40);
}

Test(x86_emul_bytes, sixteen_bit_modrm_uses_the_bx_si_table)
{
    need_decoder();
    fx(MMIOEMU_X86_16);
    X.seg[MMIOEMU_SEG_DS].base = M;
    X.gpr[MMIOEMU_REG_RBX] = 0x100;
    X.gpr[MMIOEMU_REG_RSI] = 0x20;
    /* 8B 00 = mov ax, [bx+si] (SDM Vol. 2A Table 2-1) */
    cr_assert_eq(EMU(0x8b, 0x00), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0x120);
    cr_assert_eq(E.log[0].len, 2);
}

Test(x86_emul_bytes, operand_that_did_not_cause_the_fault_is_refused)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RBX] = M;
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    F.gla = M + 0x1000; /* CVE-2024-25742: the reported address is elsewhere */
    F.gpa = M + 0x1000;
    cr_assert_eq(EMU(0x89, 0x03), MMIOEMU_ERR_ADDRESS_MISMATCH);
    cr_assert_eq(E.nlog, 0);
    cr_assert_eq(X.rip, 0);
    F.gla = M + 2, F.gpa = 0x80000002;
    cr_assert_eq(EMU(0x89, 0x03), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, 0x80000000); /* the physical address from the GPA */
}

Test(x86_emul_bytes, page_crossing_store_goes_half_to_mmio_half_to_ram)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RBX] = M - 2;
    X.gpr[MMIOEMU_REG_RAX] = 0x44332211;
    cr_assert_eq(EMU(0x89, 0x03), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[0].mmio, 0);
    cr_assert_eq(E.log[0].len, 2);
    cr_assert_eq(E.log[1].mmio, 1);
    cr_assert_eq(E.log[1].data[0], 0x33);
    P.flags |= MMIOEMU_POLICY_NO_SPLIT;
    cr_assert_eq(EMU(0x89, 0x03), MMIOEMU_ERR_SPLIT);
}

Test(x86_emul_bytes, fetch_stops_at_the_page_end_and_reads_only_what_is_needed)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    /* 48 C7 03 imm32 (7 bytes) placed 3 bytes before a page boundary */
    static const uint8_t code[7] = {0x48, 0xc7, 0x03, 0x11, 0x22, 0x33, 0x44};
    E.code = code, E.code_ip = 0x7ffd, E.code_len = 7;
    X.rip = 0x7ffd;
    X.gpr[MMIOEMU_REG_RBX] = M;
    cr_assert_eq(mmioemu_emulate(&OPS, &E, &C, NULL, &P, &R), MMIOEMU_OK);
    cr_assert_eq(E.fetch_ip[0], 0x7ffd);
    cr_assert_eq(E.fetch_len[0], 3); /* never across a page in one call */
    unsigned more = 0;
    for (unsigned i = 1; i < E.fetches && i < 8; i++) {
        cr_assert_geq(E.fetch_ip[i], 0x8000);
        more += E.fetch_len[i];
    }
    cr_assert_eq(more, 4); /* the next page is read only up to the instruction's end */
    cr_assert_eq(X.rip, 0x8004);
    cr_assert_eq(R.insn.length, 7);
    cr_assert_eq(E.log[0].data[3], 0x44);
}

Test(x86_emul_bytes, fetch_outside_64_bit_mode_adds_the_cs_base)
{
    need_decoder();
    fx(MMIOEMU_X86_32);
    static const uint8_t code[2] = {0x8b, 0x03};
    X.seg[MMIOEMU_SEG_CS].base = 0x10000;
    X.rip = 0x20;
    E.code = code, E.code_ip = 0x10020, E.code_len = 2;
    X.gpr[MMIOEMU_REG_RBX] = M;
    cr_assert_eq(mmioemu_emulate(&OPS, &E, &C, NULL, &P, &R), MMIOEMU_OK);
    cr_assert_eq(E.fetch_ip[0], 0x10020);
    cr_assert_eq(X.rip, 0x22);
}

Test(x86_emul_bytes, truncated_bytes_report_what_is_needed)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    cr_assert_eq(EMU(0x48, 0xc7, 0x03), MMIOEMU_ERR_TRUNCATED);
    cr_assert_gt(R.needed, 3);
    cr_assert_eq(X.rip, 0);
}

Test(x86_emul_bytes, lock_or_and_rep_movsd_end_to_end)
{
    need_decoder();
    fx(MMIOEMU_X86_64);
    E.mmio_sticky = true;
    X.gpr[MMIOEMU_REG_RBX] = M + 0x10;
    x86emu_poke_le(&E, M + 0x10, 0x10, 4);
    cr_assert_eq(EMU(0xf0, 0x83, 0x0b, 0x01), MMIOEMU_OK); /* lock or dword [rbx], 1 */
    cr_assert_eq(x86emu_peek_le(&E, M + 0x10, 4), 0x11);
    cr_assert_eq(E.log[E.nlog - 1].xchg, 1);
    X.gpr[MMIOEMU_REG_RSI] = 0x2000, X.gpr[MMIOEMU_REG_RDI] = M + 0x100;
    X.gpr[MMIOEMU_REG_RCX] = 4;
    cr_assert_eq(EMU(0xf3, 0xa5), MMIOEMU_OK); /* rep movsd */
    cr_assert_eq(X.gpr[MMIOEMU_REG_RCX], 0);
    cr_assert_eq(X.gpr[MMIOEMU_REG_RDI], M + 0x110);
    cr_assert_eq(x86emu_peek_le(&E, M + 0x10c, 4), x86emu_peek_le(&E, 0x200c, 4));
}
