/* arm64 emulation through the public mmioemu_emulate(): addressing, widths,
 * extension, writeback, pairs, SIMD&FP, big-endian data, refusals and error
 * atomicity. Encodings: Arm ARM (DDI 0487) C6.2/C7.2 instruction pages, each
 * cross-checked with GNU as 2.40 (aarch64-linux-gnu-as); expected results
 * are the pseudocode of the same pages worked by hand. */
#include <criterion/criterion.h>
#include <string.h>
#include <mmioemu/mmioemu.h>

#include "common/a64core_env.h"

#define M(off) (A64CORE_MMIO_BASE + (off))
#define R(off) (A64CORE_RAM_BASE + (off))

static a64core_env env;
static mmioemu_cpu cpu;

static void setup(void)
{
    a64core_env_init(&env);
    a64core_cpu_init(&cpu);
}

/* C6.2 STR (immediate), post-index: address = X[n]; store; X[n] = address + 4. */
Test(a64_emul, str_w9_post_index_stores_at_x0_then_adds_4)
{
    setup();
    cpu.u.arm64.x[0] = M(0x100);
    cpu.u.arm64.x[9] = 0x1122334455667788ull;
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8004409, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 1);
    cr_assert(env.log[0].write && env.log[0].mmio);
    cr_assert_eq(env.log[0].addr, M(0x100));
    cr_assert_eq(env.log[0].len, 4);
    cr_assert(memcmp(env.log[0].data, "\x88\x77\x66\x55", 4) == 0);
    cr_assert_eq(cpu.u.arm64.x[0], M(0x104));
    cr_assert_eq(cpu.u.arm64.pc, 0x400004);
}

/* C6.2 LDP (32-bit): Rt from [addr], Rt2 from [addr + 4], each zero-extended
 * into X (a W write clears bits 63:32): the merged MMIO read a compiler emits. */
Test(a64_emul, ldp_w0_w1_merges_two_32bit_reads_in_address_order)
{
    setup();
    memcpy(&env.mmio[0x40], "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    cpu.u.arm64.x[0] = cpu.u.arm64.x[1] = ~0ull;
    cpu.u.arm64.x[2] = M(0x40);
    cr_assert_eq(a64core_run(&env, &cpu, 0x29400440, M(0x40)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 2);
    cr_assert_eq(env.log[0].addr, M(0x40));
    cr_assert_eq(env.log[1].addr, M(0x44));
    cr_assert_eq(env.log[0].len, 4);
    cr_assert_eq(env.log[1].len, 4);
    cr_assert_eq(cpu.u.arm64.x[0], 0x04030201ull);
    cr_assert_eq(cpu.u.arm64.x[1], 0x08070605ull);
    cr_assert_eq(cpu.u.arm64.x[2], M(0x40)); /* signed offset form: no writeback */
}

/* C6.2 STP (64-bit, signed offset): Rt at X[n] + 16, Rt2 at X[n] + 16 + 8
 * (openvmm wrote both to the first address). */
Test(a64_emul, stp_stores_second_register_at_address_plus_size)
{
    setup();
    cpu.u.arm64.x[1] = 0x1111111111111111ull;
    cpu.u.arm64.x[2] = 0x2222222222222222ull;
    cpu.u.arm64.x[3] = M(0x200);
    cr_assert_eq(a64core_run(&env, &cpu, 0xa9010861, M(0x210)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 2);
    cr_assert_eq(env.log[0].addr, M(0x210));
    cr_assert_eq(env.log[1].addr, M(0x218));
    cr_assert_eq(env.log[0].data[0], 0x11);
    cr_assert_eq(env.log[1].data[0], 0x22);
    cr_assert_eq(env.log[1].len, 8);
}

/* C6.2 STR (immediate) pre-index with Rt = 31: WZR stores zero (C1.2.5), then
 * X[n] = X[n] + 16. */
Test(a64_emul, str_wzr_pre_index_stores_zero_and_writes_back)
{
    setup();
    memset(&env.mmio[0x310], 0xaa, 8);
    cpu.u.arm64.x[1] = M(0x300);
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8010c3f, M(0x310)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 1);
    cr_assert_eq(env.log[0].addr, M(0x310));
    cr_assert(memcmp(&env.mmio[0x310], "\0\0\0\0\xaa", 5) == 0);
    cr_assert_eq(cpu.u.arm64.x[1], M(0x310));
}

/* C6.2 LDRSW (immediate): 32-bit load sign-extended to 64 bits. */
Test(a64_emul, ldrsw_sign_extends_into_x)
{
    setup();
    memcpy(&env.mmio[0x20], "\x80\x00\x00\xf0", 4);
    cpu.u.arm64.x[4] = M(0x20);
    cr_assert_eq(a64core_run(&env, &cpu, 0xb9800083, M(0x20)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[3], 0xfffffffff0000080ull);
}

/* C6.2 LDRSB (immediate, 32-bit): sign-extend to 32 bits, and the W write
 * zeroes bits 63:32. */
Test(a64_emul, ldrsb_into_w_zeroes_upper_half)
{
    setup();
    env.mmio[0x21] = 0x85;
    cpu.u.arm64.x[3] = ~0ull;
    cpu.u.arm64.x[4] = M(0x20);
    cr_assert_eq(a64core_run(&env, &cpu, 0x39c00483, M(0x21)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[3], 0x00000000ffffff85ull);
}

/* C6.2 LDRSH (immediate, 64-bit, pre-index #-2). */
Test(a64_emul, ldrsh_pre_index_negative_offset)
{
    setup();
    memcpy(&env.mmio[0x7e], "\x34\x92", 2);
    cpu.u.arm64.x[4] = M(0x80);
    cr_assert_eq(a64core_run(&env, &cpu, 0x789fec83, M(0x7e)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[3], 0xffffffffffff9234ull);
    cr_assert_eq(cpu.u.arm64.x[4], M(0x7e));
}

/* C7.2 LDR (immediate, SIMD&FP) Q: one 16-byte access into V5. */
Test(a64_emul, ldr_q_reads_16_bytes_into_v5)
{
    setup();
    for (int i = 0; i < 16; i++)
        env.mmio[0x100 + i] = (uint8_t)(0xa0 + i);
    cpu.u.arm64.x[6] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0x3dc000c5, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 1);
    cr_assert_eq(env.log[0].len, 16);
    cr_assert(memcmp(cpu.u.arm64.v[5], &env.mmio[0x100], 16) == 0);
}

/* C7.2 LDR (register, SIMD&FP) B: a scalar load zeroes the rest of V3. */
Test(a64_emul, ldr_b_register_offset_zeroes_rest_of_vector)
{
    setup();
    env.mmio[0x45] = 0x5c;
    memset(cpu.u.arm64.v[3], 0xff, 16);
    cpu.u.arm64.x[4] = M(0x40);
    cpu.u.arm64.x[5] = 5;
    cr_assert_eq(a64core_run(&env, &cpu, 0x3c656883, M(0x45)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.v[3][0], 0x5c);
    for (int i = 1; i < 16; i++)
        cr_assert_eq(cpu.u.arm64.v[3][i], 0);
}

/* B2.6.2 with SCTLR_ELx.EE = 1: the halfword's bytes are big-endian. */
Test(a64_emul, big_endian_ldrh_swaps_the_halfword)
{
    setup();
    memcpy(&env.mmio[0x10], "\x12\x34", 2);
    cpu.u.arm64.big_endian = 1;
    cpu.u.arm64.x[8] = M(0x10);
    cr_assert_eq(a64core_run(&env, &cpu, 0x79400107, M(0x10)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[7], 0x1234);
}

/* Big-endian STR D: the element's most significant byte goes first. */
Test(a64_emul, big_endian_str_d_swaps_within_the_element)
{
    setup();
    for (int i = 0; i < 16; i++)
        cpu.u.arm64.v[1][i] = (uint8_t)(0x10 + i);
    cpu.u.arm64.big_endian = 1;
    cpu.u.arm64.x[2] = M(0x00);
    cr_assert_eq(a64core_run(&env, &cpu, 0xfd000441, M(0x08)), MMIOEMU_OK);
    cr_assert(memcmp(&env.mmio[0x08], "\x17\x16\x15\x14\x13\x12\x11\x10", 8) == 0);
}

/* Big-endian pairs swap per register: STP S3, S4 stores two 4-byte elements. */
Test(a64_emul, big_endian_stp_s_swaps_each_register_and_post_indexes)
{
    setup();
    memcpy(cpu.u.arm64.v[3], "\x01\x02\x03\x04", 4);
    memcpy(cpu.u.arm64.v[4], "\x05\x06\x07\x08", 4);
    cpu.u.arm64.big_endian = 1;
    cpu.u.arm64.x[5] = M(0x500);
    cr_assert_eq(a64core_run(&env, &cpu, 0x2c8110a3, M(0x500)), MMIOEMU_OK);
    cr_assert(memcmp(&env.mmio[0x500], "\x04\x03\x02\x01\x08\x07\x06\x05", 8) == 0);
    cr_assert_eq(cpu.u.arm64.x[5], M(0x508));
}

/* C6.2 LDR (register): ExtendReg(W2, SXTW) << 3; the upper half of X2 is ignored. */
Test(a64_emul, register_offset_sxtw_scaled_uses_signed_low_word)
{
    setup();
    memcpy(&env.mmio[0x1f0], "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    cpu.u.arm64.x[1] = M(0x200);
    cpu.u.arm64.x[2] = 0x12345678fffffffeull; /* W2 = -2 */
    cr_assert_eq(a64core_run(&env, &cpu, 0xf862d820, M(0x1f0)), MMIOEMU_OK);
    cr_assert_eq(env.log[0].addr, M(0x1f0));
    cr_assert_eq(cpu.u.arm64.x[0], 0x8877665544332211ull);
}

/* C6.2 LDR (literal): address = PC + imm19 * 4. */
Test(a64_emul, ldr_literal_is_pc_relative)
{
    setup();
    cpu.u.arm64.pc = M(0x1000);
    memcpy(&env.mmio[0x1008], "\xef\xbe\xad\xde", 4);
    cr_assert_eq(a64core_run(&env, &cpu, 0x18000040, M(0x1008)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[0], 0xdeadbeefull);
    cr_assert_eq(cpu.u.arm64.pc, M(0x1004));
}

/* C6.2 STR (immediate) post-index with Rn = 31: the base is SP. */
Test(a64_emul, sp_base_post_index_updates_sp)
{
    setup();
    cpu.u.arm64.sp = M(0x800);
    cpu.u.arm64.x[0] = 0x0102030405060708ull;
    cr_assert_eq(a64core_run(&env, &cpu, 0xf80107e0, M(0x800)), MMIOEMU_OK);
    cr_assert_eq(env.log[0].addr, M(0x800));
    cr_assert_eq(cpu.u.arm64.sp, M(0x810));
}

/* C6.2 LDP (64-bit) pre-index Q pair, #-32: both at base - 32 and base - 16. */
Test(a64_emul, ldp_q_pre_index_reads_two_16_byte_registers)
{
    setup();
    for (int i = 0; i < 32; i++)
        env.mmio[0x3e0 + i] = (uint8_t)i;
    cpu.u.arm64.x[2] = M(0x400);
    cr_assert_eq(a64core_run(&env, &cpu, 0xadff0440, M(0x3e0)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 2);
    cr_assert_eq(env.log[1].addr, M(0x3f0));
    cr_assert_eq(cpu.u.arm64.v[0][15], 15);
    cr_assert_eq(cpu.u.arm64.v[1][0], 16);
    cr_assert_eq(cpu.u.arm64.x[2], M(0x3e0));
}

/* C6.2 LDPSW: two sign-extended words. */
Test(a64_emul, ldpsw_sign_extends_both_words)
{
    setup();
    memcpy(&env.mmio[0x8], "\xff\xff\xff\xff\x01\x00\x00\x80", 8);
    cpu.u.arm64.x[2] = M(0x0);
    cr_assert_eq(a64core_run(&env, &cpu, 0x69410440, M(0x8)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[0], ~0ull);
    cr_assert_eq(cpu.u.arm64.x[1], 0xffffffff80000001ull);
}

/* C6.2 LDR (immediate) post-index with Rn == Rt: CONSTRAINED UNPREDICTABLE,
 * refused; nothing accessed, nothing written. */
Test(a64_emul, writeback_with_rn_equal_rt_is_refused)
{
    setup();
    cpu.u.arm64.x[1] = M(0x100);
    mmioemu_cpu before = cpu;
    cr_assert_eq(a64core_run(&env, &cpu, 0xf8408421, M(0x100)), MMIOEMU_ERR_UNSUPPORTED);
    cr_assert_eq(env.nlog, 0);
    cr_assert(memcmp(&before, &cpu, sizeof(cpu)) == 0);
}

/* C6.2 LDP with Rt == Rt2: CONSTRAINED UNPREDICTABLE, refused. */
Test(a64_emul, ldp_with_rt_equal_rt2_is_refused)
{
    setup();
    cpu.u.arm64.x[4] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xa9400c83, M(0x100)), MMIOEMU_ERR_UNSUPPORTED);
    cr_assert_eq(env.nlog, 0);
}

/* Exclusives, CASP, structures, DC ZVA, LD64B: decoded, not emulated. */
Test(a64_emul, exclusives_casp_structures_and_dc_zva_are_unsupported)
{
    static const uint32_t words[] = {0xc85f7c20 /* ldxr x0,[x1] */, 0x48207c82 /* casp */,
                                     0x4c407000 /* ld1 */, 0xd50b7421 /* dc zva, x1 */,
                                     0xf83fd020 /* ld64b */};
    for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        setup();
        cpu.u.arm64.x[1] = cpu.u.arm64.x[3] = cpu.u.arm64.x[0] = cpu.u.arm64.x[4] = M(0x100);
        cr_assert_eq(a64core_run(&env, &cpu, words[i], M(0x100)), MMIOEMU_ERR_UNSUPPORTED, "%08x",
                     words[i]);
        cr_assert_eq(env.nlog, 0);
        cr_assert_eq(cpu.u.arm64.pc, 0x400000);
    }
}

/* PRFM and DC CIVAC: no data access; the instruction completes (KVM skips
 * cache maintenance on MMIO the same way). */
Test(a64_emul, prfm_and_dc_civac_complete_without_access)
{
    setup();
    cpu.u.arm64.x[0] = cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xf9800000, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(a64core_run(&env, &cpu, 0xd50b7e23, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 0);
    cr_assert_eq(cpu.u.arm64.pc, 0x400008);
}

/* LDAR/STLR are plain accesses plus ordering: emulated. */
Test(a64_emul, ldar_and_stlr_are_emulated)
{
    setup();
    memcpy(&env.mmio[0x60], "\x78\x56\x34\x12", 4);
    cpu.u.arm64.x[5] = M(0x60);
    cr_assert_eq(a64core_run(&env, &cpu, 0x88dffca4, M(0x60)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[4], 0x12345678ull);
    cpu.u.arm64.x[6] = 0xcafe;
    cpu.u.arm64.x[7] = M(0x68);
    cr_assert_eq(a64core_run(&env, &cpu, 0xc89ffce6, M(0x68)), MMIOEMU_OK);
    cr_assert_eq(env.log[1].len, 8);
    cr_assert_eq(env.mmio[0x68], 0xfe);
}

/* The fault address must lie inside an operand (CVE-2024-25742). */
Test(a64_emul, fault_address_outside_the_operand_is_a_mismatch)
{
    setup();
    cpu.u.arm64.x[0] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8004409, M(0x200)), MMIOEMU_ERR_ADDRESS_MISMATCH);
    cr_assert_eq(env.nlog, 0);
    cr_assert_eq(cpu.u.arm64.x[0], M(0x100));
}

/* The second register of a pair may be the one that faulted. */
Test(a64_emul, fault_on_second_register_of_pair_matches)
{
    setup();
    cpu.u.arm64.x[2] = M(0x40);
    cr_assert_eq(a64core_run(&env, &cpu, 0x29400440, M(0x44)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 2);
}

/* A load crossing a 4 KiB page: two pieces in address order, each with its
 * own physical address (identity here) and MMIO/RAM classification. */
Test(a64_emul, page_crossing_ldr_is_split_in_address_order)
{
    setup();
    cpu.u.arm64.x[1] = M(0xffc);
    memcpy(&env.mmio[0xffc], "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    cr_assert_eq(a64core_run(&env, &cpu, 0xf9400020, M(0xffc)), MMIOEMU_OK);
    cr_assert_eq(env.nlog, 2);
    cr_assert_eq(env.log[0].addr, M(0xffc));
    cr_assert_eq(env.log[0].len, 4);
    cr_assert_eq(env.log[1].addr, M(0x1000));
    cr_assert_eq(env.log[1].len, 4);
    cr_assert_eq(cpu.u.arm64.x[0], 0x0807060504030201ull);
}

/* Policy NO_SPLIT refuses the same access with nothing done. */
Test(a64_emul, page_crossing_refused_under_no_split)
{
    setup();
    mmioemu_fault f = {0};
    mmioemu_policy p = {0};
    f.gla = f.gpa = M(0xffc);
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    p.flags = MMIOEMU_POLICY_IDENTITY | MMIOEMU_POLICY_NO_SPLIT;
    cpu.u.arm64.x[1] = M(0xffc);
    cr_assert_eq(a64core_run_fault(&env, &cpu, 0xf9400020, &f, &p), MMIOEMU_ERR_SPLIT);
    cr_assert_eq(env.nlog, 0);
}

/* A callback failing on the second register of LDP: no register changes. */
Test(a64_emul, failure_on_second_read_of_pair_leaves_state_unchanged)
{
    setup();
    env.fail_at = 2;
    cpu.u.arm64.x[0] = 7;
    cpu.u.arm64.x[2] = M(0x40);
    mmioemu_cpu before = cpu;
    cr_assert_eq(a64core_run(&env, &cpu, 0xa8c10440, M(0x40)), MMIOEMU_ERR_CALLBACK);
    cr_assert(memcmp(&before, &cpu, sizeof(cpu)) == 0);
}

/* EL0 is refused unless the policy allows user mode. */
Test(a64_emul, el0_needs_allow_user)
{
    setup();
    mmioemu_fault f = {0};
    mmioemu_policy p = {0};
    f.gla = f.gpa = M(0x100);
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    p.flags = MMIOEMU_POLICY_IDENTITY;
    cpu.u.arm64.el = 0;
    cpu.u.arm64.x[0] = M(0x100);
    cr_assert_eq(a64core_run_fault(&env, &cpu, 0xb8004409, &f, &p), MMIOEMU_ERR_DENIED);
    p.flags |= MMIOEMU_POLICY_ALLOW_USER;
    cr_assert_eq(a64core_run_fault(&env, &cpu, 0xb8004409, &f, &p), MMIOEMU_OK);
}

/* ESR fast path: 0x93c08006 is LDR X0 (8 bytes, ISV=1, WnR=0, SF=1) at the FAR;
 * no instruction bytes are needed. */
Test(a64_emul, esr_syndrome_emulates_without_instruction_bytes)
{
    setup();
    mmioemu_fault f = {0};
    mmioemu_policy p = {0};
    memcpy(&env.mmio[0x88], "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    f.gla = f.gpa = M(0x88);
    f.syndrome = 0x93c08006;
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA | MMIOEMU_FAULT_ESR;
    p.flags = MMIOEMU_POLICY_IDENTITY;
    cr_assert_eq(a64core_run_fault(&env, &cpu, 0, &f, &p), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[0], 0x0807060504030201ull);
    cr_assert_eq(cpu.u.arm64.pc, 0x400004);
}

/* LDTR at EL1 reads like LDR (the EL0 permission check is the MMU's). */
Test(a64_emul, ldtr_reads_with_scaled_free_offset)
{
    setup();
    memcpy(&env.mmio[0x18], "\xaa\xbb\xcc\xdd\xee\xff\x00\x11", 8);
    cpu.u.arm64.x[2] = M(0x10);
    cr_assert_eq(a64core_run(&env, &cpu, 0xf8408841, M(0x18)), MMIOEMU_OK);
    cr_assert_eq(cpu.u.arm64.x[1], 0x1100ffeeddccbbaaull);
}

/* C7.2 STR (register, SIMD&FP) H with LSL #1: address = X4 + (X5 << 1). */
Test(a64_emul, str_h_register_offset_scaled)
{
    setup();
    cpu.u.arm64.v[3][0] = 0x34;
    cpu.u.arm64.v[3][1] = 0x12;
    cpu.u.arm64.x[4] = M(0x100);
    cpu.u.arm64.x[5] = 3;
    cr_assert_eq(a64core_run(&env, &cpu, 0x7c257883, M(0x106)), MMIOEMU_OK);
    cr_assert_eq(env.log[0].addr, M(0x106));
    cr_assert(memcmp(&env.mmio[0x106], "\x34\x12", 2) == 0);
}

/* X20 as a base is X20, never the PC (MMIOEMU_REG_RIP once shared the number
 * 20; found by the Unicorn oracle). Arm ARM C6.2 LDR (immediate). */
Test(a64_emul, x20_base_is_not_pc_relative)
{
    setup();
    memcpy(&env.mmio[0x30], "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    cpu.u.arm64.x[20] = M(0x30);
    cr_assert_eq(a64core_run(&env, &cpu, 0xf9400280, M(0x30)), MMIOEMU_OK); /* ldr x0, [x20] */
    cr_assert_eq(env.log[0].addr, M(0x30));
    cr_assert_eq(cpu.u.arm64.x[0], 0x0807060504030201ull);
}

/* Property over random words of the Loads and Stores group (C4.1: bit 27
 * set, bit 25 clear) with every register pointing into the device window:
 * whatever the status, an error leaves the CPU byte-identical (ARCHITECTURE.md
 * "commit"), success advances PC by exactly 4, and every access stays inside
 * the operand the decoder described. */
Test(a64_emul, random_words_are_atomic_on_error_and_advance_pc_on_success)
{
    uint64_t x = 0x243f6a8885a308d3ull;
    unsigned ok = 0, err = 0;
    for (unsigned i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t w = ((uint32_t)x | 1u << 27) & ~(1u << 25);
        setup();
        env.fail_at = (x >> 40) % 4 == 0 ? (int)((x >> 42) % 3 + 1) : 0;
        cpu.u.arm64.big_endian = (x >> 45) & 1;
        for (int r = 0; r < 31; r++)
            cpu.u.arm64.x[r] = M(0x800 + 8 * r);
        cpu.u.arm64.sp = M(0x900);
        cpu.u.arm64.pc = M(0x4000);
        for (int r = 0; r < 32; r++)
            memset(cpu.u.arm64.v[r], r, 16);
        mmioemu_cpu before = cpu;
        mmioemu_fault f = {0};
        mmioemu_policy p = {0};
        p.flags = MMIOEMU_POLICY_IDENTITY;
        mmioemu_status s = a64core_run_fault(&env, &cpu, w, &f, &p);
        if (s != MMIOEMU_OK) {
            err++;
            cr_assert(memcmp(&before, &cpu, sizeof(cpu)) == 0, "%08x: state changed on %d", w, s);
            continue;
        }
        ok++;
        cr_assert_eq(cpu.u.arm64.pc, M(0x4004), "%08x", w);
        for (unsigned k = 0; k < env.nlog; k++)
            cr_assert(env.log[k].len <= 16, "%08x", w);
    }
    cr_log_info("%u emulated, %u refused", ok, err);
    cr_assert_gt(ok, 10000u);
}
