/* Native x86 decoder: vectors for every form class. Every expected value comes
 * from the Intel SDM (Vol. 2A chapter 2 encodings, the Vol. 2B/2C instruction
 * pages named in each test), never from running our own decoder. */
#include <criterion/criterion.h>

#include "common/x86dec_util.h"

#define M16 MMIOEMU_X86_16
#define M32 MMIOEMU_X86_32
#define M64 MMIOEMU_X86_64
#define NONE MMIOEMU_REG_NONE

#define DEC(mode, hex)                                                                             \
    mmioemu_insn in;                                                                               \
    mmioemu_status st = x86dec_decode(mode, hex, &in)

#define OK_LEN(n)                                                                                  \
    do {                                                                                           \
        cr_assert_eq(st, MMIOEMU_OK, "status %d", st);                                             \
        cr_assert_eq(in.length, n, "length %u", in.length);                                        \
    } while (0)

#define MEM(b, i, sh, d, sg, as)                                                                   \
    do {                                                                                           \
        cr_assert_eq(in.mem.base, b, "base %u", in.mem.base);                                      \
        cr_assert_eq(in.mem.index, i, "index %u", in.mem.index);                                   \
        cr_assert_eq(in.mem.shift, sh);                                                            \
        cr_assert_eq(in.mem.disp, (int64_t)(d), "disp %lld", (long long)in.mem.disp);              \
        cr_assert_eq(in.mem.seg, sg, "seg %u", in.mem.seg);                                        \
        cr_assert_eq(in.mem.addr_size, as);                                                        \
    } while (0)

/* ---- MOV (SDM Vol. 2B MOV; byte registers: Vol. 2A Table 2-2 / 3.7.2.1) ---- */

Test(x86_decode, mov_ch_from_rsi_is_a_high_byte_merge)
{
    DEC(M64, "8a 2e"); /* SDM: 8A /r MOV r8, r/m8; reg 101 without REX = CH */
    OK_LEN(2);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.reg, MMIOEMU_REG_CH);
    cr_assert_eq(in.size, 1);
    cr_assert_eq(in.dst_size, 1);
    cr_assert_eq(in.ext, MMIOEMU_EXT_MERGE);
    MEM(MMIOEMU_REG_RSI, NONE, 0, 0, MMIOEMU_SEG_DS, 8);
}

Test(x86_decode, rex_turns_byte_register_5_into_bpl)
{
    DEC(M64, "40 8a 2e"); /* SDM 3.7.2.1: with any REX, 4..7 are SPL/BPL/SIL/DIL */
    OK_LEN(3);
    cr_assert_eq(in.reg, MMIOEMU_REG_RBP);
    cr_assert_eq(in.size, 1);
}

Test(x86_decode, ah_without_rex_is_high_byte_of_rax_in_a_store)
{
    DEC(M64, "88 26"); /* 88 /r MOV r/m8, r8: reg 100 = AH */
    OK_LEN(2);
    cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
    cr_assert_eq(in.reg, MMIOEMU_REG_AH);
}

Test(x86_decode, mov_r32_load_zero_extends_and_r16_merges)
{
    {
        DEC(M64, "8b 00"); /* SDM Vol. 1 3.4.1.1: 32-bit results zero-extend to 64 */
        OK_LEN(2);
        cr_assert_eq(in.size, 4);
        cr_assert_eq(in.ext, MMIOEMU_EXT_ZERO);
    }
    {
        DEC(M64, "66 8b 00"); /* 16-bit destination: upper 48 bits preserved */
        OK_LEN(3);
        cr_assert_eq(in.size, 2);
        cr_assert_eq(in.ext, MMIOEMU_EXT_MERGE);
    }
}

Test(x86_decode, mov_imm16_with_66_has_a_two_byte_immediate)
{
    DEC(M64, "66 c7 07 34 12"); /* C7 /0 iw with operand size 16 */
    OK_LEN(5);
    cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE_IMM);
    cr_assert_eq(in.size, 2);
    cr_assert_eq(in.imm, 0x1234);
    MEM(MMIOEMU_REG_RDI, NONE, 0, 0, MMIOEMU_SEG_DS, 8);
}

Test(x86_decode, mov_imm32_with_rex_w_is_sign_extended_to_64)
{
    DEC(M64, "48 c7 07 ff ff ff ff"); /* REX.W + C7 /0 id: "imm32 sign-extended to 64 bits" */
    OK_LEN(7);
    cr_assert_eq(in.size, 8);
    cr_assert_eq((uint64_t)in.imm, 0xffffffffffffffffull);
}

Test(x86_decode, mov_imm8_keeps_its_value_in_the_low_byte)
{
    DEC(M64, "c6 00 80"); /* C6 /0 ib */
    OK_LEN(3);
    cr_assert_eq(in.size, 1);
    cr_assert_eq((uint8_t)in.imm, 0x80);
}

Test(x86_decode, moffs_is_eight_bytes_in_64_bit_mode)
{
    DEC(M64, "a1 88 77 66 55 44 33 22 11"); /* A1 MOV EAX, moffs32: moffs64 in 64-bit mode */
    OK_LEN(9);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.reg, MMIOEMU_REG_RAX);
    cr_assert_eq(in.size, 4);
    MEM(NONE, NONE, 0, 0x1122334455667788ll, MMIOEMU_SEG_DS, 8);
}

Test(x86_decode, moffs_with_67_is_four_bytes_and_16_bit_mode_two)
{
    {
        DEC(M64, "67 a3 44 33 22 11"); /* 67: 32-bit address, moffs32 */
        OK_LEN(6);
        cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
        MEM(NONE, NONE, 0, 0x11223344, MMIOEMU_SEG_DS, 4);
    }
    {
        DEC(M16, "a0 34 12"); /* A0 MOV AL, moffs8 with a 16-bit address */
        OK_LEN(3);
        cr_assert_eq(in.size, 1);
        MEM(NONE, NONE, 0, 0x1234, MMIOEMU_SEG_DS, 2);
    }
}

Test(x86_decode, rip_relative_disp32_and_length_with_an_immediate)
{
    {
        DEC(M64, "8b 05 10 20 30 40"); /* SDM 2.2.1.6: mod=00 rm=101 is RIP + disp32 */
        OK_LEN(6);
        MEM(MMIOEMU_REG_RIP, NONE, 0, 0x40302010, MMIOEMU_SEG_DS, 8);
    }
    {
        DEC(M64, "c7 05 f0 ff ff ff 01 00 00 00"); /* disp is relative to the end: length 10 */
        OK_LEN(10);
        MEM(MMIOEMU_REG_RIP, NONE, 0, -16, MMIOEMU_SEG_DS, 8);
        cr_assert_eq(in.imm, 1);
    }
    {
        DEC(M32, "8b 05 10 20 30 40"); /* outside 64-bit mode: absolute disp32 */
        OK_LEN(6);
        MEM(NONE, NONE, 0, 0x40302010, MMIOEMU_SEG_DS, 4);
    }
}

Test(x86_decode, sib_scale_index_and_stack_default_segment)
{
    {
        DEC(M64, "8b 04 cd 10 00 00 00"); /* SIB base=101 mod=00: disp32, index rcx*8 */
        OK_LEN(7);
        MEM(NONE, MMIOEMU_REG_RCX, 3, 0x10, MMIOEMU_SEG_DS, 8);
    }
    {
        DEC(M64,
            "8b 44 24 f8"); /* [rsp-8]: SS is the default for rSP/rBP bases (SDM Vol. 1 3.7.4) */
        OK_LEN(4);
        MEM(MMIOEMU_REG_RSP, NONE, 0, -8, MMIOEMU_SEG_SS, 8);
    }
    {
        DEC(M64, "41 8b 45 00"); /* [r13]: REX.B base, DS (only rSP/rBP select SS) */
        OK_LEN(4);
        MEM(MMIOEMU_REG_R13, NONE, 0, 0, MMIOEMU_SEG_DS, 8);
    }
    {
        DEC(M64, "42 8b 04 20"); /* REX.X: index 100 becomes r12 */
        OK_LEN(4);
        MEM(MMIOEMU_REG_RAX, MMIOEMU_REG_R12, 0, 0, MMIOEMU_SEG_DS, 8);
    }
}

Test(x86_decode, sixteen_bit_modrm_table)
{
    {
        DEC(M16, "8b 00"); /* SDM Table 2-1: rm=000 [BX+SI] */
        OK_LEN(2);
        cr_assert_eq(in.size, 2);
        MEM(MMIOEMU_REG_RBX, MMIOEMU_REG_RSI, 0, 0, MMIOEMU_SEG_DS, 2);
    }
    {
        DEC(M16, "8b 43 10"); /* mod=01 rm=011 [BP+DI+disp8]: SS */
        OK_LEN(3);
        MEM(MMIOEMU_REG_RBP, MMIOEMU_REG_RDI, 0, 0x10, MMIOEMU_SEG_SS, 2);
    }
    {
        DEC(M16, "8b 06 34 12"); /* mod=00 rm=110: disp16 only */
        OK_LEN(4);
        MEM(NONE, NONE, 0, 0x1234, MMIOEMU_SEG_DS, 2);
    }
    {
        DEC(M32, "67 8b 87 fe ff"); /* 67 in 32-bit mode: 16-bit addressing [BX+disp16] */
        OK_LEN(5);
        MEM(MMIOEMU_REG_RBX, NONE, 0, -2, MMIOEMU_SEG_DS, 2);
    }
}

Test(x86_decode, segment_override_last_one_wins)
{
    {
        DEC(M64, "26 64 8b 00"); /* SDM 2.1.1: several segment prefixes: the last one counts */
        OK_LEN(4);
        cr_assert_eq(in.mem.seg, MMIOEMU_SEG_FS);
        cr_assert(in.flags & MMIOEMU_F_SEG_OVR);
    }
    {
        DEC(M32, "64 26 8b 45 00");
        OK_LEN(5);
        cr_assert_eq(in.mem.seg, MMIOEMU_SEG_ES);
    }
}

Test(x86_decode, rex_counts_only_right_before_the_opcode)
{
    {
        DEC(M64, "48 66 8b 00"); /* SDM 2.2.1: a REX followed by a legacy prefix is ignored */
        OK_LEN(4);
        cr_assert_eq(in.size, 2);
    }
    {
        DEC(M64, "66 48 8b 00"); /* REX.W wins over 66 (SDM 2.2.1.2) */
        OK_LEN(4);
        cr_assert_eq(in.size, 8);
    }
    {
        DEC(M64, "66 66 66 8b 00"); /* repeated prefixes */
        OK_LEN(5);
        cr_assert_eq(in.size, 2);
    }
}

Test(x86_decode, fifteen_byte_limit)
{
    {
        DEC(M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 8b 00"); /* 15 bytes: fine */
        OK_LEN(15);
    }
    {
        DEC(M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 8b 00"); /* 16: #UD/#GP (SDM 2.3.11) */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
    {
        DEC(M64, "66 66 66 66 66 66 66 66 66 66 c7 80 00 00 00 00"); /* needs 17 */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
}

Test(x86_decode, truncated_reports_the_length_needed)
{
    {
        DEC(M64, "8b");
        cr_assert_eq(st, MMIOEMU_ERR_TRUNCATED);
        cr_assert_gt(in.length, 1);
    }
    {
        DEC(M64, "8b 05 00"); /* ModRM says disp32: 6 bytes in all */
        cr_assert_eq(st, MMIOEMU_ERR_TRUNCATED);
        cr_assert_eq(in.length, 6);
    }
    {
        DEC(M64, "48 c7 00 11"); /* C7 /0 id: 7 bytes */
        cr_assert_eq(st, MMIOEMU_ERR_TRUNCATED);
        cr_assert_eq(in.length, 7);
    }
}

/* ---- MOVZX / MOVSX / MOVSXD (SDM Vol. 2B) ---- */

Test(x86_decode, movzx_into_r32_zero_extends_to_64)
{
    DEC(M64, "0f b6 00"); /* 0F B6 /r MOVZX r32, r/m8 */
    OK_LEN(3);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.size, 1);
    cr_assert_eq(in.dst_size, 4);
    cr_assert_eq(in.ext, MMIOEMU_EXT_ZERO);
}

Test(x86_decode, movzx_widths_follow_the_operand_size)
{
    {
        DEC(M64, "48 0f b7 08"); /* MOVZX r64, r/m16 */
        OK_LEN(4);
        cr_assert_eq(in.size, 2);
        cr_assert_eq(in.dst_size, 8);
        cr_assert_eq(in.reg, MMIOEMU_REG_RCX);
    }
    {
        DEC(M64, "66 0f b6 20"); /* MOVZX r16, r/m8: AH is not encodable here, reg 4 = SP */
        OK_LEN(4);
        cr_assert_eq(in.dst_size, 2);
        cr_assert_eq(in.reg, MMIOEMU_REG_RSP);
        cr_assert_eq(in.ext, MMIOEMU_EXT_ZERO);
    }
}

Test(x86_decode, movsx_and_movsxd_sign_extend)
{
    {
        DEC(M64, "0f be 00"); /* MOVSX r32, r/m8 */
        OK_LEN(3);
        cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
        cr_assert_eq(in.dst_size, 4);
    }
    {
        DEC(M64, "48 63 00"); /* REX.W 63 /r MOVSXD r64, r/m32 */
        OK_LEN(3);
        cr_assert_eq(in.size, 4);
        cr_assert_eq(in.dst_size, 8);
        cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
    }
    {
        DEC(M32, "63 00"); /* outside 64-bit mode 63 is ARPL r/m16, r16 */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
        cr_assert_eq(in.size, 2);
    }
}

/* ---- string instructions (SDM Vol. 2B MOVS/STOS/LODS/CMPS/SCAS) ---- */

Test(x86_decode, movs_with_67_uses_32_bit_addresses)
{
    DEC(M64, "67 a5");
    OK_LEN(2);
    cr_assert_eq(in.kind, MMIOEMU_KIND_MOVS);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.mem.addr_size, 4);
    cr_assert_eq(in.mem.base, MMIOEMU_REG_RSI);
    cr_assert_not(in.flags & MMIOEMU_F_REP);
}

Test(x86_decode, rep_movsq)
{
    DEC(M64, "f3 48 a5");
    OK_LEN(3);
    cr_assert_eq(in.kind, MMIOEMU_KIND_MOVS);
    cr_assert_eq(in.size, 8);
    cr_assert(in.flags & MMIOEMU_F_REP);
}

Test(x86_decode, stos_targets_es_rdi_and_ignores_overrides)
{
    DEC(M64, "64 f3 aa"); /* SDM STOS: ES:[rDI], "cannot be overridden" */
    OK_LEN(3);
    cr_assert_eq(in.kind, MMIOEMU_KIND_STOS);
    cr_assert_eq(in.size, 1);
    cr_assert_eq(in.reg, MMIOEMU_REG_RAX);
    MEM(MMIOEMU_REG_RDI, NONE, 0, 0, MMIOEMU_SEG_ES, 8);
    cr_assert(in.flags & MMIOEMU_F_REP);
}

Test(x86_decode, lods_cmps_scas)
{
    {
        DEC(M32, "2e ad"); /* LODS: DS:[eSI], override allowed */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_LODS);
        MEM(MMIOEMU_REG_RSI, NONE, 0, 0, MMIOEMU_SEG_CS, 4);
    }
    {
        DEC(M64, "f2 ae"); /* REPNE SCASB */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_SCAS);
        cr_assert(in.flags & MMIOEMU_F_REPNE);
    }
    {
        DEC(M16, "f3 a7"); /* REPE CMPSW in 16-bit mode */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_CMPS);
        cr_assert_eq(in.size, 2);
        cr_assert(in.flags & MMIOEMU_F_REP);
    }
}

/* ---- LOCK (SDM Vol. 2A LOCK: #UD unless a lockable form with a memory destination) ---- */

Test(x86_decode, lock_on_mov_is_invalid)
{
    DEC(M64, "f0 88 07");
    cr_assert_eq(st, MMIOEMU_ERR_INVALID);
}

Test(x86_decode, lock_rules)
{
    {
        DEC(M64, "f0 01 07"); /* LOCK ADD [rdi], eax */
        OK_LEN(3);
        cr_assert(in.flags & MMIOEMU_F_LOCK);
    }
    {
        DEC(M64, "f0 01 c7"); /* register destination */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
    {
        DEC(M64, "f0 39 07"); /* CMP is not lockable */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
    {
        DEC(M64, "f0 87 07"); /* XCHG is */
        OK_LEN(3);
    }
}

/* ---- ALU (SDM Vol. 2A ADD..XOR, 2B TEST, NOT, NEG, INC, DEC) ---- */

Test(x86_decode, group1_imm8_is_sign_extended_to_the_operand_size)
{
    {
        DEC(M64, "83 00 ff"); /* 83 /0 ib ADD r/m32, imm8 (sign-extended) */
        OK_LEN(3);
        cr_assert_eq(in.kind, MMIOEMU_KIND_ALU_RMW);
        cr_assert_eq(in.op, MMIOEMU_OP_ADD);
        cr_assert_eq(in.size, 4);
        cr_assert(in.flags & MMIOEMU_F_IMM);
        cr_assert_eq(in.imm, -1);
    }
    {
        DEC(M64, "66 83 30 80"); /* 83 /6 XOR r/m16, imm8 */
        OK_LEN(4);
        cr_assert_eq(in.op, MMIOEMU_OP_XOR);
        cr_assert_eq(in.size, 2);
        cr_assert_eq((uint16_t)in.imm, 0xff80);
    }
    {
        DEC(M64, "48 81 38 00 00 00 80"); /* 81 /7 CMP r/m64, imm32 sign-extended */
        OK_LEN(7);
        cr_assert_eq(in.kind, MMIOEMU_KIND_CMP);
        cr_assert_eq(in.op, MMIOEMU_OP_CMP);
        cr_assert_eq((uint64_t)in.imm, 0xffffffff80000000ull);
    }
}

Test(x86_decode, alu_register_forms_and_compare_direction)
{
    {
        DEC(M64, "03 00"); /* 03 /r ADD r32, r/m32 */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_ALU_READ);
        cr_assert_eq(in.op, MMIOEMU_OP_ADD);
    }
    {
        DEC(M64, "3b 08"); /* 3B /r CMP r32, r/m32: memory is the second operand */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_CMP);
        cr_assert(in.flags & MMIOEMU_F_MEM_SRC);
        cr_assert_eq(in.reg, MMIOEMU_REG_RCX);
    }
    {
        DEC(M64, "39 08"); /* 39 /r CMP r/m32, r32 */
        OK_LEN(2);
        cr_assert_not(in.flags & MMIOEMU_F_MEM_SRC);
    }
    {
        DEC(M64, "29 08"); /* 29 /r SUB r/m32, r32 */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_ALU_RMW);
        cr_assert_eq(in.op, MMIOEMU_OP_SUB);
    }
}

Test(x86_decode, test_inc_dec_not_neg)
{
    static const struct {
        const char *hex;
        uint8_t kind, op, size, len;
    } v[] = {
        {"85 00", MMIOEMU_KIND_CMP, MMIOEMU_OP_TEST, 4, 2},          /* 85 /r TEST */
        {"f6 00 12", MMIOEMU_KIND_CMP, MMIOEMU_OP_TEST, 1, 3},       /* F6 /0 ib */
        {"66 f7 00 34 12", MMIOEMU_KIND_CMP, MMIOEMU_OP_TEST, 2, 5}, /* F7 /0 iw */
        {"fe 00", MMIOEMU_KIND_ALU_RMW, MMIOEMU_OP_INC, 1, 2},       /* FE /0 */
        {"ff 08", MMIOEMU_KIND_ALU_RMW, MMIOEMU_OP_DEC, 4, 2},       /* FF /1 */
        {"f6 10", MMIOEMU_KIND_ALU_RMW, MMIOEMU_OP_NOT, 1, 2},       /* F6 /2 */
        {"48 f7 18", MMIOEMU_KIND_ALU_RMW, MMIOEMU_OP_NEG, 8, 3},    /* F7 /3 */
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        DEC(M64, v[k].hex);
        cr_assert_eq(st, MMIOEMU_OK, "%s", v[k].hex);
        cr_assert_eq(in.length, v[k].len, "%s", v[k].hex);
        cr_assert_eq(in.kind, v[k].kind, "%s", v[k].hex);
        cr_assert_eq(in.op, v[k].op, "%s", v[k].hex);
        cr_assert_eq(in.size, v[k].size, "%s", v[k].hex);
    }
}

/* ---- XCHG / CMPXCHG / XADD / BT (SDM Vol. 2A/2C) ---- */

Test(x86_decode, xchg_cmpxchg_xadd)
{
    {
        DEC(M64, "87 08"); /* 87 /r XCHG r/m32, r32 */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_XCHG);
        cr_assert_eq(in.reg, MMIOEMU_REG_RCX);
    }
    {
        DEC(M64, "f0 0f b1 08"); /* LOCK CMPXCHG r/m32, r32 */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_CMPXCHG);
        cr_assert_eq(in.size, 4);
    }
    {
        DEC(M64, "0f c0 20"); /* 0F C0 /r XADD r/m8, r8: reg 100 = AH */
        OK_LEN(3);
        cr_assert_eq(in.kind, MMIOEMU_KIND_XADD);
        cr_assert_eq(in.reg, MMIOEMU_REG_AH);
    }
}

Test(x86_decode, cmpxchg8b_and_16b)
{
    {
        DEC(M64, "f0 0f c7 08"); /* 0F C7 /1 CMPXCHG8B m64 */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_CMPXCHG_WIDE);
        cr_assert_eq(in.size, 8);
    }
    {
        DEC(M64, "48 0f c7 08"); /* REX.W: CMPXCHG16B m128 */
        OK_LEN(4);
        cr_assert_eq(in.size, 16);
    }
    {
        DEC(M64, "0f c7 c8"); /* register form: #UD */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
}

Test(x86_decode, bt_family)
{
    {
        DEC(M64, "0f a3 08"); /* 0F A3 /r BT r/m32, r32 */
        OK_LEN(3);
        cr_assert_eq(in.kind, MMIOEMU_KIND_BT);
        cr_assert_eq(in.op, MMIOEMU_OP_BT);
        cr_assert_eq(in.reg, MMIOEMU_REG_RCX);
        cr_assert_not(in.flags & MMIOEMU_F_IMM);
    }
    {
        DEC(M64, "f0 48 0f ba 28 ff"); /* 0F BA /5 ib BTS r/m64, imm8 (unsigned) */
        OK_LEN(6);
        cr_assert_eq(in.op, MMIOEMU_OP_BTS);
        cr_assert_eq(in.size, 8);
        cr_assert(in.flags & MMIOEMU_F_IMM);
        cr_assert_eq(in.imm, 0xff);
    }
    {
        DEC(M64, "0f b3 00"); /* BTR */
        OK_LEN(3);
        cr_assert_eq(in.op, MMIOEMU_OP_BTR);
    }
    {
        DEC(M64, "0f bb 00"); /* BTC */
        OK_LEN(3);
        cr_assert_eq(in.op, MMIOEMU_OP_BTC);
    }
    {
        DEC(M64, "0f ba 00 01"); /* 0F BA /0 is not defined */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
}

/* ---- MOVBE / MOVNTI / MOVDIRI / MOVDIR64B / cache lines (SDM Vol. 2B/2A) ---- */

Test(x86_decode, movbe_movnti_movdiri)
{
    {
        DEC(M64, "0f 38 f0 08"); /* MOVBE r32, m32 */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
        cr_assert(in.flags & MMIOEMU_F_BSWAP);
        cr_assert_eq(in.size, 4);
    }
    {
        DEC(M64, "66 0f 38 f1 08"); /* MOVBE m16, r16 */
        OK_LEN(5);
        cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
        cr_assert_eq(in.size, 2);
    }
    {
        DEC(M64, "48 0f c3 08"); /* MOVNTI m64, r64 */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
        cr_assert(in.flags & MMIOEMU_F_NT);
        cr_assert_eq(in.size, 8);
    }
    {
        DEC(M64, "0f 38 f9 08"); /* MOVDIRI m32, r32 */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
        cr_assert(in.flags & MMIOEMU_F_DIRECT);
    }
}

Test(x86_decode, movdir64b_reads_memory_and_names_the_destination_register)
{
    DEC(M64, "66 0f 38 f8 0e"); /* MOVDIR64B r64, m512: dest ES:[rcx], source [rsi] */
    OK_LEN(5);
    cr_assert_eq(in.kind, MMIOEMU_KIND_MOVDIR64B);
    cr_assert_eq(in.size, 64);
    cr_assert_eq(in.reg, MMIOEMU_REG_RCX);
    cr_assert_eq(in.mem.base, MMIOEMU_REG_RSI);
}

Test(x86_decode, clflush_clflushopt_clwb_have_no_data_access)
{
    static const char *v[] = {"0f ae 38", "66 0f ae 38", "66 0f ae 30"};
    for (int k = 0; k < 3; k++) {
        DEC(M64, v[k]);
        cr_assert_eq(st, MMIOEMU_OK, "%s", v[k]);
        cr_assert_eq(in.kind, MMIOEMU_KIND_FLUSH, "%s", v[k]);
    }
}

/* ---- SSE / AVX / AVX-512 moves (SDM Vol. 2B MOVxx, VMOVxx; Vol. 2A 2.7.5 disp8*N) ---- */

Test(x86_decode, sse_moves)
{
    static const struct {
        const char *hex;
        uint8_t kind, size, dst, ext, reg;
        uint32_t flags;
    } v[] = {
        {"0f 10 00", MMIOEMU_KIND_READ, 16, 16, MMIOEMU_EXT_MERGE, 0, 0}, /* MOVUPS */
        {"0f 29 08", MMIOEMU_KIND_WRITE, 16, 16, MMIOEMU_EXT_NONE, 1,
         MMIOEMU_F_ALIGNED}, /* MOVAPS */
        {"66 44 0f 6f 00", MMIOEMU_KIND_READ, 16, 16, MMIOEMU_EXT_MERGE, 8, MMIOEMU_F_ALIGNED},
        {"f3 0f 7f 10", MMIOEMU_KIND_WRITE, 16, 16, MMIOEMU_EXT_NONE, 2, 0}, /* MOVDQU */
        {"66 0f e7 00", MMIOEMU_KIND_WRITE, 16, 16, MMIOEMU_EXT_NONE, 0,
         MMIOEMU_F_NT | MMIOEMU_F_ALIGNED}, /* MOVNTDQ */
        {"66 0f 38 2a 00", MMIOEMU_KIND_READ, 16, 16, MMIOEMU_EXT_MERGE, 0,
         MMIOEMU_F_NT | MMIOEMU_F_ALIGNED},                                   /* MOVNTDQA */
        {"66 0f 6e 00", MMIOEMU_KIND_READ, 4, 16, MMIOEMU_EXT_ZERO, 0, 0},    /* MOVD */
        {"66 48 0f 6e 00", MMIOEMU_KIND_READ, 8, 16, MMIOEMU_EXT_ZERO, 0, 0}, /* MOVQ */
        {"66 0f 7e 00", MMIOEMU_KIND_WRITE, 4, 4, MMIOEMU_EXT_NONE, 0, 0},
        {"f3 0f 7e 00", MMIOEMU_KIND_READ, 8, 16, MMIOEMU_EXT_ZERO, 0, 0},
        {"66 0f d6 00", MMIOEMU_KIND_WRITE, 8, 8, MMIOEMU_EXT_NONE, 0, 0},
        {"f3 0f 10 00", MMIOEMU_KIND_READ, 4, 16, MMIOEMU_EXT_ZERO, 0, 0}, /* MOVSS */
        {"f2 0f 11 00", MMIOEMU_KIND_WRITE, 8, 8, MMIOEMU_EXT_NONE, 0, 0}, /* MOVSD */
        {"0f 12 00", MMIOEMU_KIND_READ, 8, 8, MMIOEMU_EXT_MERGE, 0, 0},    /* MOVLPS */
        {"66 0f 13 00", MMIOEMU_KIND_WRITE, 8, 8, MMIOEMU_EXT_NONE, 0, 0}, /* MOVLPD */
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        DEC(M64, v[k].hex);
        cr_assert_eq(st, MMIOEMU_OK, "%s", v[k].hex);
        cr_assert_eq(in.kind, v[k].kind, "%s", v[k].hex);
        cr_assert_eq(in.size, v[k].size, "%s", v[k].hex);
        if (v[k].kind == MMIOEMU_KIND_READ) {
            cr_assert_eq(in.dst_size, v[k].dst, "%s", v[k].hex);
            cr_assert_eq(in.ext, v[k].ext, "%s", v[k].hex);
        }
        cr_assert_eq(in.reg, MMIOEMU_REG_V0 + v[k].reg, "%s", v[k].hex);
        cr_assert_eq(in.flags & (MMIOEMU_F_NT | MMIOEMU_F_ALIGNED), v[k].flags, "%s", v[k].hex);
    }
}

Test(x86_decode, vex_moves_zero_the_upper_vector)
{
    {
        DEC(M64, "c5 fe 6f 00"); /* VEX.256.F3.0F 6F VMOVDQU ymm0, m256 */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
        cr_assert_eq(in.size, 32);
        cr_assert_eq(in.ext, MMIOEMU_EXT_ZERO);
        cr_assert(in.flags & MMIOEMU_F_VEX);
    }
    {
        DEC(M64, "c4 41 7c 29 08"); /* VEX.256.0F 29 VMOVAPS m256, ymm9 ([r8]) */
        OK_LEN(5);
        cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
        cr_assert_eq(in.reg, MMIOEMU_REG_V0 + 9);
        cr_assert_eq(in.mem.base, MMIOEMU_REG_R8);
        cr_assert(in.flags & MMIOEMU_F_ALIGNED);
    }
    {
        DEC(M64, "c5 b8 10 00"); /* VMOVUPS with VEX.vvvv != 1111b: #UD (SDM 2.3.6) */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
    {
        DEC(M32, "c5 f8 10 00"); /* 32-bit mode: C5 followed by mod=11 is still VEX */
        OK_LEN(4);
        cr_assert_eq(in.size, 16);
    }
}

Test(x86_decode, evex_vmovdqu64_zmm_uses_disp8_times_64)
{
    {
        DEC(M64, "62 f1 fe 48 7f 40 01"); /* EVEX.512.F3.0F.W1 7F VMOVDQU64 [rax+1*64], zmm0 */
        OK_LEN(7);
        cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
        cr_assert_eq(in.size, 64);
        cr_assert_eq(in.reg, MMIOEMU_REG_V0);
        cr_assert(in.flags & MMIOEMU_F_EVEX);
        MEM(MMIOEMU_REG_RAX, NONE, 0, 64, MMIOEMU_SEG_DS, 8);
    }
    {
        DEC(M64, "62 e1 fe 48 6f 48 fe"); /* VMOVDQU64 zmm17, [rax-2*64] (EVEX.R' = 1) */
        OK_LEN(7);
        cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
        cr_assert_eq(in.reg, MMIOEMU_REG_V0 + 17);
        cr_assert_eq(in.mem.disp, -128);
    }
    {
        DEC(M64, "62 f1 7c 28 11 48 01"); /* EVEX.256.0F.W0 11 VMOVUPS [rax+32], ymm1 */
        OK_LEN(7);
        cr_assert_eq(in.size, 32);
        cr_assert_eq(in.mem.disp, 32);
    }
    {
        DEC(M64, "62 f1 fe 4f 7f 40 01"); /* with a mask {k7}: not a plain move */
        OK_LEN(7);
        cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
    }
    {
        DEC(M64, "62 f1 fe cf 7f 40 01"); /* zeroing-masking on a store: #UD (SDM 2.7.8) */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
}

/* ---- mode-dependent opcodes and lengths (SDM Vol. 2D Table A-2 superscripts) ---- */

Test(x86_decode, les_lds_bound_outside_64_bit_mode)
{
    {
        DEC(M32, "c4 00"); /* LES r32, m16:32 */
        OK_LEN(2);
        cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
        cr_assert_eq(in.size, 6);
    }
    {
        DEC(M16, "62 00"); /* BOUND r16, m16&16 */
        OK_LEN(2);
        cr_assert_eq(in.size, 4);
    }
    {
        DEC(M64, "06"); /* PUSH ES: i64 */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
    {
        DEC(M32, "06");
        cr_assert_eq(st, MMIOEMU_ERR_NO_MEMORY_OPERAND);
        cr_assert_eq(in.length, 1);
    }
}

Test(x86_decode, lengths_of_immediate_kinds)
{
    static const struct {
        mmioemu_mode mode;
        const char *hex;
        uint8_t len;
    } v[] = {
        {M64, "48 b8 01 02 03 04 05 06 07 08", 10}, /* B8+r MOV r64, imm64 */
        {M64, "66 e8 00 00 00 00", 6},              /* CALL rel32: 66 ignored in 64-bit (Intel) */
        {M32, "66 e8 00 00", 4},                    /* CALL rel16 */
        {M32, "9a 00 00 00 00 00 00", 7},           /* CALL ptr16:32 */
        {M16, "9a 00 00 00 00", 5},                 /* CALL ptr16:16 */
        {M64, "c8 10 00 01", 4},                    /* ENTER imm16, imm8 */
        {M64, "c2 08 00", 3},                       /* RET imm16 */
        {M64, "0f 0f 00 b4", 4},                    /* 3DNow! PFMUL mm0, [rax] */
        {M64, "8d 04 24", 3},                       /* LEA: no memory access */
        {M64, "90", 1},                             /* NOP */
        {M64, "89 c0", 2},                          /* register form */
        {M64, "0f 20 00", 3},                       /* MOV from CR0: mod is ignored */
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        DEC(v[k].mode, v[k].hex);
        cr_assert(st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND, "%s: %d", v[k].hex, st);
        cr_assert_eq(in.length, v[k].len, "%s: %u", v[k].hex, in.length);
    }
    {
        DEC(M64, "ea 00 00 00 00 00 00"); /* JMP ptr16:32: i64 */
        cr_assert_eq(st, MMIOEMU_ERR_INVALID);
    }
}

/* ---- the CPU as the oracle where Zydis and the SDM disagree ---- */

#if defined(__x86_64__)
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf x86dec_jb;
static void x86dec_segv(int sig)
{
    (void)sig;
    siglongjmp(x86dec_jb, 1);
}
#endif

Test(x86_decode, movsxd_r16_reads_two_bytes_on_the_cpu)
{
    DEC(M64, "66 63 08"); /* SDM: MOVSXD r16, r/m16 (Zydis 4.0.0 says m32: known-backend-bugs.md) */
    OK_LEN(3);
    cr_assert_eq(in.size, 2);
#if defined(__x86_64__)
    /* The word ends right before a PROT_NONE page: a 4-byte read would fault. */
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *m =
        mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(m, MAP_FAILED);
    cr_assert_eq(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
    uint8_t *p = m + pg - 2;
    p[0] = 0x34;
    p[1] = 0x92;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = x86dec_segv;
    sigaction(SIGSEGV, &sa, &old);
    volatile int faulted = 0;
    unsigned long rcx = 0x1111111111111111ul;
    if (sigsetjmp(x86dec_jb, 1))
        faulted = 1;
    else
        __asm__ volatile(".byte 0x66, 0x63, 0x08" : "+c"(rcx) : "a"(p) : "memory");
    sigaction(SIGSEGV, &old, NULL);
    munmap(m, 2 * (size_t)pg);
    cr_assert_not(faulted, "the CPU read past the word");
    cr_assert_eq(rcx, 0x1111111111119234ul, "16-bit destination, upper bits kept");
#else
    cr_skip_test("not an x86-64 host: no CPU to ask");
#endif
}

Test(x86_decode, maskmov_writes_ds_rdi_and_cmpxchg16b_needs_alignment)
{
    {
        DEC(M64, "66 0f f7 c1"); /* MASKMOVDQU xmm0, xmm1: byte-masked store to DS:[rDI] */
        OK_LEN(4);
        cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
        cr_assert_eq(in.size, 16);
        MEM(MMIOEMU_REG_RDI, NONE, 0, 0, MMIOEMU_SEG_DS, 8);
    }
    {
        DEC(M64, "48 0f c7 0f"); /* SDM CMPXCHG16B: #GP(0) unless m128 is 16-byte aligned */
        OK_LEN(4);
        cr_assert(in.flags & MMIOEMU_F_ALIGNED);
    }
    {
        DEC(M64, "0f c7 0f"); /* CMPXCHG8B has no alignment rule */
        OK_LEN(3);
        cr_assert_not(in.flags & MMIOEMU_F_ALIGNED);
    }
}
