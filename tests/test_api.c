/* Public API contract: argument checks of every entry point, the struct
 * layouts and enum values that are ABI, and register names. Oracles: the
 * headers' own contract text (the include/mmioemu headers), C11 6.7.2.1 with the
 * SysV x86-64 / AAPCS64 LP64 data models for layouts (natural alignment,
 * fields in declaration order), and the Intel SDM / Arm ARM for names. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

static const uint8_t mov_ch_rsi[] = {0x8a, 0x2e}; /* mov ch, [rsi] (SDM MOV 8A /r) */

/* ---- argument checks --------------------------------------------------- */

Test(api, decode_refuses_null_output_and_null_code_with_a_length)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, mov_ch_rsi, 2, NULL),
                 MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, NULL, 2, &in),
                 MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, NULL, 4, &in),
                 MMIOEMU_ERR_ARG);
}

Test(api, decode_refuses_unknown_modes_and_backends)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_MODE_COUNT_, mov_ch_rsi, 2, &in),
                 MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_NATIVE, (mmioemu_mode)-1, mov_ch_rsi, 2, &in),
                 MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_COUNT_, MMIOEMU_X86_64, mov_ch_rsi, 2, &in),
                 MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode((mmioemu_backend)77, MMIOEMU_X86_64, mov_ch_rsi, 2, &in),
                 MMIOEMU_ERR_ARG);
}

Test(api, zydis_backend_has_no_arm64_mode)
{
    /* insn.h: Zydis is x86 only; UNSUPPORTED whether built in or not. */
    static const uint8_t ldr[] = {0x20, 0x00, 0x40, 0xf9}; /* ldr x0, [x1] */
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_ARM64, ldr, 4, &in),
                 MMIOEMU_ERR_UNSUPPORTED);
}

Test(api, esr_decode_refuses_null_output_and_non_data_abort_classes)
{
    mmioemu_insn in;
    /* Arm ARM, ESR_EL2: EC is bits 31:26 (0x24 data abort from a lower EL,
     * 0x15 SVC from AArch64), IL bit 25, ISV bit 24. */
    uint64_t dabt = (0x24ull << 26) | (1ull << 25) | (1ull << 24);
    cr_assert_eq(mmioemu_decode_arm64_esr(dabt, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode_arm64_esr((0x15ull << 26) | (1ull << 25), &in), MMIOEMU_ERR_ARG);
}

static void x86_cpu(mmioemu_cpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mode = MMIOEMU_X86_64;
}

Test(api, plan_refuses_null_pointers_and_mode_mismatch)
{
    static mmioemu_cpu cpu;
    mmioemu_insn in;
    mmioemu_access_list out;
    mmioemu_status s;

    x86_cpu(&cpu);
    s = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, mov_ch_rsi, 2, &in);
    if (s != MMIOEMU_OK)
        cr_skip_test("native x86 decoder not ready (%s)", mmioemu_status_str(s));
    cr_assert_eq(mmioemu_plan(NULL, NULL, NULL, &cpu, NULL, NULL, &out, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_plan(NULL, NULL, &in, NULL, NULL, NULL, &out, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_plan(NULL, NULL, &in, &cpu, NULL, NULL, NULL, NULL), MMIOEMU_ERR_ARG);
    cpu.mode = MMIOEMU_ARM64; /* status.h: mode mismatch between descriptor and CPU */
    cr_assert_eq(mmioemu_plan(NULL, NULL, &in, &cpu, NULL, NULL, &out, NULL), MMIOEMU_ERR_ARG);
    cpu.mode = 99;
    cr_assert_eq(mmioemu_plan(NULL, NULL, &in, &cpu, NULL, NULL, &out, NULL), MMIOEMU_ERR_ARG);
}

Test(api, execute_refuses_null_pointers_and_mode_mismatch)
{
    static mmioemu_cpu cpu, before;
    mmioemu_insn in;
    mmioemu_access_list plan;
    const mmioemu_ops ops = {0};
    mmioemu_status s;

    x86_cpu(&cpu);
    memset(&plan, 0, sizeof(plan));
    s = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, mov_ch_rsi, 2, &in);
    if (s != MMIOEMU_OK)
        cr_skip_test("native x86 decoder not ready (%s)", mmioemu_status_str(s));
    memcpy(&before, &cpu, sizeof(cpu));
    cr_assert_eq(mmioemu_execute(&ops, NULL, NULL, &plan, &cpu, NULL, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_execute(&ops, NULL, &in, NULL, &cpu, NULL, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_execute(&ops, NULL, &in, &plan, NULL, NULL, NULL), MMIOEMU_ERR_ARG);
    cpu.mode = MMIOEMU_ARM64;
    cr_assert_eq(mmioemu_execute(&ops, NULL, &in, &plan, &cpu, NULL, NULL), MMIOEMU_ERR_ARG);
    cpu.mode = MMIOEMU_X86_64;
    cr_assert(memcmp(&cpu, &before, sizeof(cpu)) == 0, "an ARG error changed the vCPU");
}

Test(api, emulate_refuses_null_cpu_and_unknown_mode_leaving_state_alone)
{
    static mmioemu_cpu cpu, before;
    mmioemu_fault f;
    const mmioemu_ops ops = {0};

    memset(&f, 0, sizeof(f));
    f.insn = mov_ch_rsi;
    f.insn_len = 2;
    cr_assert_eq(mmioemu_emulate(&ops, NULL, NULL, &f, NULL, NULL), MMIOEMU_ERR_ARG);
    x86_cpu(&cpu);
    cpu.mode = MMIOEMU_MODE_COUNT_;
    memcpy(&before, &cpu, sizeof(cpu));
    cr_assert_eq(mmioemu_emulate(&ops, NULL, &cpu, &f, NULL, NULL), MMIOEMU_ERR_ARG);
    cr_assert(memcmp(&cpu, &before, sizeof(cpu)) == 0);
}

Test(api, version_string_matches_the_header)
{
    cr_assert_str_eq(mmioemu_version(), MMIOEMU_VERSION_STRING);
}

/* ---- layouts that are ABI ------------------------------------------------
 * Expected offsets follow from the declarations (fixed-width fields in
 * order, natural alignment, LP64), identical on x86-64 and aarch64. */

Test(api, descriptor_is_at_most_64_bytes_with_fixed_offsets)
{
    cr_assert_leq(sizeof(mmioemu_insn), 64u);
    cr_assert_eq(sizeof(mmioemu_mem), 16u);
    cr_assert_eq(offsetof(mmioemu_mem, disp), 0u);
    cr_assert_eq(offsetof(mmioemu_mem, base), 8u);
    cr_assert_eq(offsetof(mmioemu_mem, index), 9u);
    cr_assert_eq(offsetof(mmioemu_mem, shift), 10u);
    cr_assert_eq(offsetof(mmioemu_mem, seg), 11u);
    cr_assert_eq(offsetof(mmioemu_mem, addr_size), 12u);
    cr_assert_eq(offsetof(mmioemu_mem, index_ext), 13u);
    cr_assert_eq(offsetof(mmioemu_insn, mem), 0u);
    cr_assert_eq(offsetof(mmioemu_insn, imm), 16u);
    cr_assert_eq(offsetof(mmioemu_insn, flags), 24u);
    cr_assert_eq(offsetof(mmioemu_insn, size), 28u);
    cr_assert_eq(offsetof(mmioemu_insn, id), 30u);
    cr_assert_eq(offsetof(mmioemu_insn, mode), 32u);
    cr_assert_eq(offsetof(mmioemu_insn, length), 33u);
    cr_assert_eq(offsetof(mmioemu_insn, kind), 34u);
    cr_assert_eq(offsetof(mmioemu_insn, op), 35u);
    cr_assert_eq(offsetof(mmioemu_insn, reg), 36u);
    cr_assert_eq(offsetof(mmioemu_insn, reg2), 37u);
    cr_assert_eq(offsetof(mmioemu_insn, dst_size), 38u);
    cr_assert_eq(offsetof(mmioemu_insn, ext), 39u);
    cr_assert_eq(sizeof(mmioemu_insn), 40u);
}

Test(api, cpu_state_layout_is_fixed)
{
    cr_assert_eq(sizeof(mmioemu_x86_seg), 24u);
    cr_assert_eq(offsetof(mmioemu_x86_seg, limit), 8u);
    cr_assert_eq(offsetof(mmioemu_x86_seg, selector), 12u);
    cr_assert_eq(offsetof(mmioemu_x86_seg, attr), 16u);
    cr_assert_eq(offsetof(mmioemu_x86_state, gpr), 0u);
    cr_assert_eq(offsetof(mmioemu_x86_state, rip), 128u);
    cr_assert_eq(offsetof(mmioemu_x86_state, rflags), 136u);
    cr_assert_eq(offsetof(mmioemu_x86_state, seg), 144u);
    cr_assert_eq(offsetof(mmioemu_x86_state, cr0), 288u);
    cr_assert_eq(offsetof(mmioemu_x86_state, cpl), 296u);
    cr_assert_eq(offsetof(mmioemu_x86_state, zmm), 304u);
    cr_assert_eq(sizeof(mmioemu_x86_state), 304u + 32 * 64);
    cr_assert_eq(offsetof(mmioemu_arm64_state, sp), 248u);
    cr_assert_eq(offsetof(mmioemu_arm64_state, pc), 256u);
    cr_assert_eq(offsetof(mmioemu_arm64_state, nzcv), 264u);
    cr_assert_eq(offsetof(mmioemu_arm64_state, el), 268u);
    cr_assert_eq(offsetof(mmioemu_arm64_state, big_endian), 269u);
    cr_assert_eq(offsetof(mmioemu_arm64_state, v), 272u);
    cr_assert_eq(sizeof(mmioemu_arm64_state), 272u + 32 * 16);
    cr_assert_eq(offsetof(mmioemu_cpu, u), 8u);
}

Test(api, fault_access_and_region_layouts_are_fixed)
{
    cr_assert_eq(offsetof(mmioemu_fault, gpa), 8u);
    cr_assert_eq(offsetof(mmioemu_fault, syndrome), 16u);
    cr_assert_eq(offsetof(mmioemu_fault, insn), 24u);
    cr_assert_eq(offsetof(mmioemu_fault, insn_len), 32u);
    cr_assert_eq(offsetof(mmioemu_fault, flags), 36u);
    cr_assert_eq(sizeof(mmioemu_access), 24u);
    cr_assert_eq(offsetof(mmioemu_access, size), 16u);
    cr_assert_eq(offsetof(mmioemu_access, offset), 18u);
    cr_assert_eq(offsetof(mmioemu_access, flags), 20u);
    cr_assert_eq(offsetof(mmioemu_access_list, a), 8u);
    cr_assert_eq(sizeof(mmioemu_access_list), 8u + MMIOEMU_MAX_ACCESSES * 24u);
    cr_assert_eq(sizeof(mmioemu_region), 24u);
    cr_assert_eq(offsetof(mmioemu_region, attrs), 16u);
    cr_assert_eq(offsetof(mmioemu_region_table, capacity), 8u);
    cr_assert_eq(offsetof(mmioemu_region_table, seq), 20u);
}

Test(api, enum_values_follow_the_architecture_encodings)
{
    /* SDM Vol. 2D Table A-6, group 1 (80-83 /reg): ADD OR ADC SBB AND SUB XOR CMP. */
    cr_assert_eq(MMIOEMU_OP_ADD, 0);
    cr_assert_eq(MMIOEMU_OP_OR, 1);
    cr_assert_eq(MMIOEMU_OP_ADC, 2);
    cr_assert_eq(MMIOEMU_OP_SBB, 3);
    cr_assert_eq(MMIOEMU_OP_AND, 4);
    cr_assert_eq(MMIOEMU_OP_SUB, 5);
    cr_assert_eq(MMIOEMU_OP_XOR, 6);
    cr_assert_eq(MMIOEMU_OP_CMP, 7);
    /* SDM Vol. 2D B.1.4.8 (sreg field encoding): ES=0 CS=1 SS=2 DS=3 FS=4 GS=5. */
    cr_assert_eq(MMIOEMU_SEG_ES, 0);
    cr_assert_eq(MMIOEMU_SEG_CS, 1);
    cr_assert_eq(MMIOEMU_SEG_SS, 2);
    cr_assert_eq(MMIOEMU_SEG_DS, 3);
    cr_assert_eq(MMIOEMU_SEG_FS, 4);
    cr_assert_eq(MMIOEMU_SEG_GS, 5);
    /* SDM Vol. 2A Table 3-1: GPR numbers 0..15 RAX..R15. */
    cr_assert_eq(MMIOEMU_REG_RSP, 4);
    cr_assert_eq(MMIOEMU_REG_R8, 8);
    cr_assert_eq(MMIOEMU_REG_R15, 15);
    /* SDM Vol. 1 3.4.3 EFLAGS bit positions. */
    cr_assert_eq(MMIOEMU_FLAG_CF, 1u << 0);
    cr_assert_eq(MMIOEMU_FLAG_PF, 1u << 2);
    cr_assert_eq(MMIOEMU_FLAG_AF, 1u << 4);
    cr_assert_eq(MMIOEMU_FLAG_ZF, 1u << 6);
    cr_assert_eq(MMIOEMU_FLAG_SF, 1u << 7);
    cr_assert_eq(MMIOEMU_FLAG_TF, 1u << 8);
    cr_assert_eq(MMIOEMU_FLAG_IF, 1u << 9);
    cr_assert_eq(MMIOEMU_FLAG_DF, 1u << 10);
    cr_assert_eq(MMIOEMU_FLAG_OF, 1u << 11);
    cr_assert_eq(MMIOEMU_FLAG_AC, 1u << 18);
    /* Arm ARM C6.2 LDR (register): option 010 UXTW, 110 SXTW, 111 SXTX. */
    cr_assert_eq(MMIOEMU_IDX_UXTW, 2);
    cr_assert_eq(MMIOEMU_IDX_SXTW, 6);
    cr_assert_eq(MMIOEMU_IDX_SXTX, 7);
    /* Mode numbers are stored in mmioemu_insn.mode / mmioemu_cpu.mode. */
    cr_assert_eq(MMIOEMU_X86_16, 0);
    cr_assert_eq(MMIOEMU_X86_32, 1);
    cr_assert_eq(MMIOEMU_X86_64, 2);
    cr_assert_eq(MMIOEMU_ARM64, 3);
}

/* ---- register names -------------------------------------------------------
 * SDM Vol. 2A Table 3-1 (register codes for +rb/+rw/+rd/+ro) and Vol. 1
 * 3.7.2.1; lower-case with the r8b/r8w/r8d spelling issue 3 asks for. */

static const char *const sdm_gpr[4][16] = {
    {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
     "r13b", "r14b", "r15b"},
    {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
     "r14w", "r15w"},
    {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
     "r13d", "r14d", "r15d"},
    {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
     "r14", "r15"},
};

Test(api, x86_gpr_names_follow_the_sdm_register_codes)
{
    static const unsigned widths[4] = {1, 2, 4, 8};
    for (unsigned w = 0; w < 4; w++)
        for (unsigned r = 0; r < 16; r++)
            for (int m = MMIOEMU_X86_16; m <= MMIOEMU_X86_64; m++)
                cr_assert_str_eq(mmioemu_reg_name((mmioemu_mode)m, (uint8_t)r, widths[w]),
                                 sdm_gpr[w][r], "reg %u width %u", r, widths[w]);
}

Test(api, high_byte_registers_are_distinct_from_spl_bpl_sil_dil)
{
    /* SDM Vol. 2A 3.1.1.1: without REX, codes 4..7 are AH, CH, DH, BH. */
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_AH, 1), "ah");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_CH, 1), "ch");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_32, MMIOEMU_REG_DH, 1), "dh");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_16, MMIOEMU_REG_BH, 1), "bh");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_RSP, 1), "spl");
}

Test(api, x86_vector_register_names_follow_the_width)
{
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_V0 + 3, 16), "xmm3");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_V0 + 3, 32), "ymm3");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_V0 + 31, 64), "zmm31");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_V0, 16), "xmm0");
}

Test(api, arm64_register_names_follow_the_arm_arm)
{
    /* Arm ARM C1.2.5: Wn/Xn, WSP/SP, WZR/XZR; SIMD&FP Bn Hn Sn Dn Qn. */
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, 5, 4), "w5");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, 5, 8), "x5");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, 30, 8), "x30");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_SP, 8), "sp");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_SP, 4), "wsp");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_ZR, 8), "xzr");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_ZR, 4), "wzr");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_V0 + 3, 1), "b3");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_V0 + 3, 2), "h3");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_V0 + 3, 4), "s3");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_V0 + 3, 8), "d3");
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_ARM64, MMIOEMU_REG_V0 + 31, 16), "q31");
}

Test(api, register_names_are_never_null)
{
    for (int m = 0; m < MMIOEMU_MODE_COUNT_; m++)
        for (unsigned r = 0; r < 256; r++)
            for (unsigned w = 0; w <= 64; w++)
                cr_assert_not_null(mmioemu_reg_name((mmioemu_mode)m, (uint8_t)r, w));
    cr_assert_str_eq(mmioemu_reg_name(MMIOEMU_X86_64, MMIOEMU_REG_NONE, 8), "none");
}
