/* Native arm64 load/store decoder: vectors from the Arm ARM (DDI 0487)
 * C6.2/C7.2 instruction pages and the C4.1.88 "Loads and Stores" class tables
 * (fields worked by hand in the comments; each word also cross-checked with
 * GNU as/objdump 2.40), and a property sweep of the whole opcode space. */
#include <criterion/criterion.h>
#include <mmioemu/mmioemu.h>

static mmioemu_status dec(uint32_t w, mmioemu_insn *in)
{
    uint8_t b[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
    return mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, b, 4, in);
}

/* b8004409: size 10, 111 0 00, opc 00, imm9 = 4, 01 (post-index), Rn 0, Rt 9. */
Test(a64_decode, str_w9_post_index_x0_4)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xb8004409, &in), MMIOEMU_OK);
    cr_assert_eq(in.length, 4);
    cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.reg, 9);
    cr_assert_eq(in.mem.base, 0);
    cr_assert_eq(in.mem.disp, 4);
    cr_assert_eq(in.mem.index, MMIOEMU_REG_NONE);
    cr_assert(in.flags & MMIOEMU_F_WB_POST);
    cr_assert_not(in.flags & MMIOEMU_F_WB_PRE);
}

/* 29400440: opc 00 (32-bit), 101 0 010 (signed offset), L 1, imm7 0, Rt2 1, Rn 2, Rt 0. */
Test(a64_decode, ldp_w0_w1_x2)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x29400440, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_LOAD_PAIR);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.dst_size, 4);
    cr_assert_eq(in.reg, 0);
    cr_assert_eq(in.reg2, 1);
    cr_assert_eq(in.mem.base, 2);
    cr_assert_eq(in.mem.disp, 0);
    cr_assert_eq(in.flags & (MMIOEMU_F_WB_PRE | MMIOEMU_F_WB_POST), 0);
}

/* a9400440: the same with opc 10: LDP X0, X1, [X2]. */
Test(a64_decode, ldp_x0_x1_x2_is_8_bytes_per_register)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xa9400440, &in), MMIOEMU_OK);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(in.dst_size, 8);
}

/* a9010861: STP X1, X2, [X3, #16]: imm7 = 2 scaled by 8. */
Test(a64_decode, stp_signed_offset_is_scaled_by_register_size)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xa9010861, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_STORE_PAIR);
    cr_assert_eq(in.mem.disp, 16);
    cr_assert_eq(in.reg, 1);
    cr_assert_eq(in.reg2, 2);
    cr_assert_eq(in.mem.base, 3);
}

/* b8010c3f: STR WZR, [X1, #16]!: Rt 31 is WZR, pre-index. */
Test(a64_decode, str_wzr_pre_index)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xb8010c3f, &in), MMIOEMU_OK);
    cr_assert_eq(in.reg, MMIOEMU_REG_ZR);
    cr_assert_eq(in.mem.base, 1);
    cr_assert_eq(in.mem.disp, 16);
    cr_assert(in.flags & MMIOEMU_F_WB_PRE);
}

/* f80107e0: STR X0, [SP], #16: Rn 31 is SP. */
Test(a64_decode, rn_31_is_sp)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf80107e0, &in), MMIOEMU_OK);
    cr_assert_eq(in.mem.base, MMIOEMU_REG_SP);
}

/* b9800083: LDRSW X3, [X4]: size 10 opc 10 -> 4 bytes sign-extended to X. */
Test(a64_decode, ldrsw_into_x)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xb9800083, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.dst_size, 8);
    cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
}

/* 39c00483 LDRSB W3, [X4, #1] (opc 11: to W); 789fec83 LDRSH X3, [X4, #-2]!. */
Test(a64_decode, ldrsb_w_and_ldrsh_x_widths)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x39c00483, &in), MMIOEMU_OK);
    cr_assert_eq(in.size, 1);
    cr_assert_eq(in.dst_size, 4);
    cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
    cr_assert_eq(in.mem.disp, 1);
    cr_assert_eq(dec(0x789fec83, &in), MMIOEMU_OK);
    cr_assert_eq(in.size, 2);
    cr_assert_eq(in.dst_size, 8);
    cr_assert_eq(in.mem.disp, -2);
    cr_assert(in.flags & MMIOEMU_F_WB_PRE);
}

/* 3dc000c5: LDR Q5, [X6]: size 00, V 1, opc 11 -> 16 bytes, V5. */
Test(a64_decode, ldr_q)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x3dc000c5, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.size, 16);
    cr_assert_eq(in.reg, MMIOEMU_REG_V0 + 5);
    cr_assert_eq(in.mem.base, 6);
}

/* f862d820: LDR X0, [X1, W2, SXTW #3]: option 110, S 1 -> shift 3. */
Test(a64_decode, register_offset_sxtw_scaled)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf862d820, &in), MMIOEMU_OK);
    cr_assert_eq(in.mem.base, 1);
    cr_assert_eq(in.mem.index, 2);
    cr_assert_eq(in.mem.index_ext, MMIOEMU_IDX_SXTW);
    cr_assert_eq(in.mem.shift, 3);
}

/* f8626820: LDR X0, [X1, X2]: option 011 (LSL), S 0. 7c257883: STR H3, [X4, X5, LSL #1]. */
Test(a64_decode, register_offset_lsl_unscaled_and_scaled)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf8626820, &in), MMIOEMU_OK);
    cr_assert_eq(in.mem.index_ext, MMIOEMU_IDX_LSL);
    cr_assert_eq(in.mem.shift, 0);
    cr_assert_eq(dec(0x7c257883, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
    cr_assert_eq(in.size, 2);
    cr_assert_eq(in.mem.shift, 1);
}

/* C6.2 LDR (register): option<1> = 0 (UXTB/UXTH/SXTB/SXTH) is unallocated. */
Test(a64_decode, register_offset_option_000_is_invalid)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf8620820, &in), MMIOEMU_ERR_INVALID); /* option 000 */
    cr_assert_eq(dec(0xf8629820, &in), MMIOEMU_ERR_INVALID); /* option 100 */
}

/* 18000040 LDR W0, #8; 98000040 LDRSW X0, #8 (C6.2 LDR (literal), LDRSW (literal)). */
Test(a64_decode, literal_forms_are_pc_relative)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x18000040, &in), MMIOEMU_OK);
    cr_assert_eq(in.mem.base, MMIOEMU_REG_RIP);
    cr_assert_eq(in.mem.disp, 8);
    cr_assert(in.flags & MMIOEMU_F_LITERAL);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(dec(0x98000040, &in), MMIOEMU_OK);
    cr_assert_eq(in.dst_size, 8);
    cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
    cr_assert_eq(dec(0x18ffffe0, &in), MMIOEMU_OK); /* imm19 = -1 */
    cr_assert_eq(in.mem.disp, -4);
}

/* f9800000 PRFM PLDL1KEEP, [X0]: a hint without data access. */
Test(a64_decode, prfm_is_a_flush_kind_without_data)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf9800000, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_FLUSH);
    cr_assert_eq(in.reg, MMIOEMU_REG_NONE);
}

/* adff0440 LDP Q0, Q1, [X2, #-32]!; 2c8110a3 STP S3, S4, [X5], #8. */
Test(a64_decode, simd_pairs)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xadff0440, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_LOAD_PAIR);
    cr_assert_eq(in.size, 16);
    cr_assert_eq(in.mem.disp, -32);
    cr_assert_eq(in.reg2, MMIOEMU_REG_V0 + 1);
    cr_assert_eq(dec(0x2c8110a3, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_STORE_PAIR);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.mem.disp, 8);
    cr_assert(in.flags & MMIOEMU_F_WB_POST);
}

/* 6c400440 LDNP D0, D1, [X2]: non-temporal; 69410440 LDPSW X0, X1, [X2, #8]. */
Test(a64_decode, ldnp_is_nt_and_ldpsw_sign_extends)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x6c400440, &in), MMIOEMU_OK);
    cr_assert(in.flags & MMIOEMU_F_NT);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(dec(0x69410440, &in), MMIOEMU_OK);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.dst_size, 8);
    cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
    cr_assert_eq(in.mem.disp, 8);
}

/* C4.1.88: pairs with opc 11 are unallocated; LDPSW has no no-allocate form. */
Test(a64_decode, pair_opc_11_and_ldnpsw_are_invalid)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xe9400440, &in), MMIOEMU_ERR_INVALID);
    cr_assert_eq(dec(0x68400440, &in), MMIOEMU_ERR_INVALID);
}

/* C6.2: size 11 opc 11 (immediate), size 10 opc 11, and PRFM with writeback are unallocated;
 * SIMD&FP opc 1x with size != 00 too. */
Test(a64_decode, unallocated_size_opc_combinations_are_invalid)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf9c00000, &in), MMIOEMU_ERR_INVALID);
    cr_assert_eq(dec(0xb9c00000, &in), MMIOEMU_ERR_INVALID);
    cr_assert_eq(dec(0xf8800400, &in), MMIOEMU_ERR_INVALID); /* size 11 opc 10 post-index */
    cr_assert_eq(dec(0x7dc00000, &in), MMIOEMU_ERR_INVALID); /* size 01 V opc 11 */
}

/* 88dffca4 LDAR W4, [X5]; c89ffce6 STLR X6, [X7]; 995fd041 LDAPUR W1, [X2, #-3]. */
Test(a64_decode, acquire_release_forms)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x88dffca4, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert(in.flags & MMIOEMU_F_ACQUIRE);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(dec(0xc89ffce6, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
    cr_assert(in.flags & MMIOEMU_F_RELEASE);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(dec(0x995fd041, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.mem.disp, -3);
    cr_assert(in.flags & MMIOEMU_F_ACQUIRE);
}

/* f8408841 LDTR X1, [X2, #8]: unprivileged. */
Test(a64_decode, ldtr_is_unprivileged)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xf8408841, &in), MMIOEMU_OK);
    cr_assert(in.flags & MMIOEMU_F_UNPRIV);
    cr_assert_eq(in.mem.disp, 8);
}

/* C6.2 LDADD Ws, Wt, [Xn]: Rs (bits 20:16) is the operand, Rt receives the
 * old value; CAS Xs, Xt, [Xn]: Rs is the compare value; LDSMAXH, SWPB sizes. */
Test(a64_decode, lse_atomics_carry_op_size_rt_and_rs)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xb8210062, &in), MMIOEMU_OK); /* ldadd w1, w2, [x3] */
    cr_assert_eq(in.kind, MMIOEMU_KIND_ATOMIC);
    cr_assert_eq(in.op, MMIOEMU_OP_ADD);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.reg, 2);
    cr_assert_eq(in.reg2, 1);
    cr_assert_eq(in.mem.base, 3);
    cr_assert_eq(dec(0xc8a17c62, &in), MMIOEMU_OK); /* cas x1, x2, [x3] */
    cr_assert_eq(in.op, MMIOEMU_OP_CAS);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(in.reg2, 1);
    cr_assert_eq(dec(0x78a14062, &in), MMIOEMU_OK); /* ldsmaxah w1, w2, [x3] */
    cr_assert_eq(in.op, MMIOEMU_OP_SMAX);
    cr_assert_eq(in.size, 2);
    cr_assert(in.flags & MMIOEMU_F_ACQUIRE);
    cr_assert_not(in.flags & MMIOEMU_F_RELEASE);
    cr_assert_eq(dec(0x38218062, &in), MMIOEMU_OK); /* swpb w1, w2, [x3] */
    cr_assert_eq(in.op, MMIOEMU_OP_SWP);
    cr_assert_eq(in.size, 1);
    cr_assert_eq(dec(0xf8211062, &in), MMIOEMU_OK); /* ldclr: AND NOT */
    cr_assert_eq(in.op, MMIOEMU_OP_ANDN);
}

/* Exclusives, CASP, structures, LD64B: valid, kind OTHER with the access size. */
Test(a64_decode, exclusives_casp_and_structures_are_other_with_size)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xc85f7c20, &in), MMIOEMU_OK); /* ldxr x0, [x1] */
    cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(dec(0x48207c82, &in), MMIOEMU_OK); /* casp x0, x1, x2, x3, [x4] */
    cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(dec(0x4c407000, &in), MMIOEMU_OK); /* ld1 {v0.16b}, [x0]: 1 reg * 16 */
    cr_assert_eq(in.size, 16);
    cr_assert_eq(dec(0x4c400800, &in), MMIOEMU_OK); /* ld4 {v0.4s-v3.4s}: 4 * 16 */
    cr_assert_eq(in.size, 64);
    cr_assert_eq(dec(0x0cdf7000, &in), MMIOEMU_OK); /* ld1 {v0.8b}, [x0], #8 */
    cr_assert_eq(in.size, 8);
    cr_assert_eq(in.mem.disp, 8);
    cr_assert(in.flags & MMIOEMU_F_WB_POST);
    cr_assert_eq(dec(0xf83fd020, &in), MMIOEMU_OK); /* ld64b x0, [x1] */
    cr_assert_eq(in.size, 64);
}

/* C4.1.88: LD2/LD3/LD4 multiple with size 11 and Q 0 is reserved; CAS with
 * Rt2 != 11111 is unallocated. */
Test(a64_decode, reserved_structure_and_cas_encodings_are_invalid)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0x0c400c00, &in), MMIOEMU_ERR_INVALID); /* ld4 .1d */
    cr_assert_eq(dec(0xc8a17862, &in), MMIOEMU_ERR_INVALID); /* cas with Rt2 = 11110 */
}

/* C5.3: DC CIVAC, X3 is cache maintenance by VA (FLUSH, address in X3);
 * DC ZVA, X0 writes zeros (OTHER). */
Test(a64_decode, dc_by_va)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xd50b7e23, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_FLUSH);
    cr_assert_eq(in.mem.base, 3);
    cr_assert_eq(dec(0xd50b7420, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_OTHER);
}

/* NOP, ADD, B: no memory operand. */
Test(a64_decode, non_load_store_words_have_no_memory_operand)
{
    mmioemu_insn in;
    cr_assert_eq(dec(0xd503201f, &in), MMIOEMU_ERR_NO_MEMORY_OPERAND);
    cr_assert_eq(in.length, 4);
    cr_assert_eq(in.kind, MMIOEMU_KIND_NONE);
    cr_assert_eq(dec(0x8b020020, &in), MMIOEMU_ERR_NO_MEMORY_OPERAND);
    cr_assert_eq(dec(0x14000000, &in), MMIOEMU_ERR_NO_MEMORY_OPERAND);
}

Test(a64_decode, fewer_than_4_bytes_is_truncated_needing_4)
{
    mmioemu_insn in;
    uint8_t b[4] = {0x09, 0x44, 0x00, 0xb8};
    for (size_t n = 0; n < 4; n++) {
        cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, b, n, &in),
                     MMIOEMU_ERR_TRUNCATED);
        cr_assert_eq(in.length, 4);
    }
}

/* All 2^16 values of bits 31:16 with pseudo-random low halves: decode never
 * misbehaves, the group rule holds (C4.1: op0 = x1x0 is Loads and Stores),
 * and every decoded descriptor is self-consistent. */
Test(a64_decode, opcode_space_sweep_is_consistent)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned ok = 0;
    for (uint32_t hi = 0; hi < 0x10000; hi++) {
        for (int k = 0; k < 4; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint32_t w = hi << 16 | (uint32_t)(x & 0xffff);
            mmioemu_insn in, again;
            mmioemu_status s = dec(w, &in);
            bool group = (w & 0x0a000000u) == 0x08000000u;
            bool sys = (w & 0xfff8f000u) == 0xd5087000u;
            cr_assert_eq(in.length, 4);
            if (!group && !sys) {
                cr_assert_eq(s, MMIOEMU_ERR_NO_MEMORY_OPERAND, "%08x", w);
                continue;
            }
            cr_assert(s == MMIOEMU_OK || s == MMIOEMU_ERR_INVALID ||
                          (sys && s == MMIOEMU_ERR_NO_MEMORY_OPERAND),
                      "%08x %d", w, s);
            if (s != MMIOEMU_OK)
                continue;
            ok++;
            cr_assert_eq(dec(w, &again), MMIOEMU_OK);
            cr_assert_eq(again.kind, in.kind);
            cr_assert_eq(again.mem.disp, in.mem.disp);
            cr_assert(in.kind > MMIOEMU_KIND_NONE && in.kind < MMIOEMU_KIND_COUNT_);
            cr_assert(in.size <= 64, "%08x", w);
            cr_assert(in.mem.base <= 31 || in.mem.base == MMIOEMU_REG_RIP ||
                          in.mem.base == MMIOEMU_REG_ZR,
                      "%08x", w);
            cr_assert_eq(in.mem.seg, MMIOEMU_SEG_NONE);
            switch (in.kind) {
            case MMIOEMU_KIND_READ:
            case MMIOEMU_KIND_LOAD_PAIR:
                cr_assert(in.dst_size >= in.size, "%08x", w);
                cr_assert(in.ext == MMIOEMU_EXT_ZERO || in.ext == MMIOEMU_EXT_SIGN);
                /* fallthrough */
            case MMIOEMU_KIND_WRITE:
            case MMIOEMU_KIND_STORE_PAIR:
                cr_assert(in.size == 1 || in.size == 2 || in.size == 4 || in.size == 8 ||
                              in.size == 16,
                          "%08x", w);
                cr_assert(in.reg <= 30 || in.reg == MMIOEMU_REG_ZR ||
                              (in.reg >= MMIOEMU_REG_V0 && in.reg < MMIOEMU_REG_V0 + 32),
                          "%08x", w);
                cr_assert_eq(in.reg2 != MMIOEMU_REG_NONE,
                             in.kind == MMIOEMU_KIND_LOAD_PAIR ||
                                 in.kind == MMIOEMU_KIND_STORE_PAIR,
                             "%08x", w);
                /* C4.1.88: literal loads have bits 29:27 = 011, 25:24 = 00 */
                cr_assert_eq((in.flags & MMIOEMU_F_LITERAL) != 0, (w & 0x3b000000u) == 0x18000000u,
                             "%08x", w);
                /* an access and its register agree on being SIMD&FP (bit 26, V) */
                cr_assert_eq(in.reg >= MMIOEMU_REG_V0, ((w >> 26) & 1) != 0, "%08x", w);
                break;
            default: break;
            }
            if (in.flags & (MMIOEMU_F_WB_PRE | MMIOEMU_F_WB_POST))
                cr_assert(in.mem.base <= 31, "%08x", w);
        }
    }
    cr_log_info("%u of %u words decoded as memory instructions", ok, 0x40000u);
    cr_assert_gt(ok, 10000u);
}
