/* ESR_ELx data-abort syndrome fast path (mmioemu_decode_arm64_esr). Field
 * layout from the Arm ARM (DDI 0487) ESR_EL2 "ISS encoding for an exception
 * from a Data Abort": EC 31:26, IL 25, ISV 24, SAS 23:22, SSE 21, SRT 20:16,
 * SF 15, AR 14, CM 8, S1PTW 7, WnR 6, DFSC 5:0. Syndromes are assembled from
 * those fields here, never taken from our own output. */
#include <criterion/criterion.h>
#include <mmioemu/mmioemu.h>

#define EC(x) ((uint64_t)(x) << 26)
#define IL (1ull << 25)
#define ISV (1ull << 24)
#define SAS(x) ((uint64_t)(x) << 22)
#define SSE (1ull << 21)
#define SRT(x) ((uint64_t)(x) << 16)
#define SF (1ull << 15)
#define AR (1ull << 14)
#define CM (1ull << 8)
#define S1PTW (1ull << 7)
#define WNR (1ull << 6)

/* 0x93c08006 = 1001 0011 1100 0000 1000 0000 0000 0110:
 * EC 100100 (0x24, data abort from a lower EL), IL 1, ISV 1, SAS 11 (8 bytes),
 * SSE 0, SRT 00000 (X0), SF 1, AR 0, CM 0, S1PTW 0, WnR 0 (read),
 * DFSC 000110 (translation fault, level 2): LDR X0 from the fault address. */
Test(a64_esr, syndrome_93c08006_is_an_8_byte_load_into_x0)
{
    mmioemu_insn in;
    cr_assert_eq(EC(0x24) | IL | ISV | SAS(3) | SF | 0x6, 0x93c08006ull);
    cr_assert_eq(mmioemu_decode_arm64_esr(0x93c08006ull, &in), MMIOEMU_OK);
    cr_assert_eq(in.mode, MMIOEMU_ARM64);
    cr_assert_eq(in.length, 4);
    cr_assert_eq(in.kind, MMIOEMU_KIND_READ);
    cr_assert_eq(in.size, 8);
    cr_assert_eq(in.dst_size, 8);
    cr_assert_eq(in.ext, MMIOEMU_EXT_ZERO);
    cr_assert_eq(in.reg, 0);
    cr_assert_eq(in.reg2, MMIOEMU_REG_NONE);
    cr_assert_eq(in.mem.base, MMIOEMU_REG_NONE);
    cr_assert_eq(in.mem.index, MMIOEMU_REG_NONE);
    cr_assert_eq(in.flags, 0);
}

Test(a64_esr, wnr_makes_a_store_of_srt_with_sas_size)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x25) | IL | ISV | SAS(2) | SRT(5) | WNR, &in),
                 MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_WRITE);
    cr_assert_eq(in.size, 4);
    cr_assert_eq(in.reg, 5);
    cr_assert_eq(in.ext, MMIOEMU_EXT_NONE);
}

/* LDRSH W: SAS 01, SSE 1, SF 0: 2 bytes sign-extended into a W register. */
Test(a64_esr, sse_without_sf_sign_extends_into_w)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | ISV | SAS(1) | SSE | SRT(7), &in),
                 MMIOEMU_OK);
    cr_assert_eq(in.size, 2);
    cr_assert_eq(in.dst_size, 4);
    cr_assert_eq(in.ext, MMIOEMU_EXT_SIGN);
    cr_assert_eq(in.reg, 7);
}

/* SRT = 31 is XZR/WZR in this syndrome (not SP). */
Test(a64_esr, srt_31_is_the_zero_register)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | ISV | SAS(2) | SRT(31) | WNR, &in),
                 MMIOEMU_OK);
    cr_assert_eq(in.reg, MMIOEMU_REG_ZR);
}

Test(a64_esr, ar_is_acquire_on_loads_and_release_on_stores)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | ISV | SAS(3) | SF | AR, &in), MMIOEMU_OK);
    cr_assert_eq(in.flags, MMIOEMU_F_ACQUIRE);
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | ISV | SAS(3) | SF | AR | WNR, &in),
                 MMIOEMU_OK);
    cr_assert_eq(in.flags, MMIOEMU_F_RELEASE);
}

Test(a64_esr, isv_clear_asks_for_the_instruction)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | 0x6, &in), MMIOEMU_ERR_UNSUPPORTED);
}

Test(a64_esr, cache_maintenance_is_a_flush_without_data)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | CM | WNR | 0x6, &in), MMIOEMU_OK);
    cr_assert_eq(in.kind, MMIOEMU_KIND_FLUSH);
    cr_assert_eq(in.size, 0);
}

Test(a64_esr, stage1_walk_fault_is_denied)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | ISV | SAS(2) | S1PTW, &in),
                 MMIOEMU_ERR_DENIED);
}

/* EC 0x20 is an instruction abort; 0x15 an SVC: not data aborts. */
Test(a64_esr, other_exception_classes_are_argument_errors)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x20) | IL | ISV, &in), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x15) | IL, &in), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_decode_arm64_esr(0x93c08006ull, NULL), MMIOEMU_ERR_ARG);
}

/* An 8-byte load cannot target a W register: no CPU reports it. */
Test(a64_esr, eight_byte_load_into_w_is_rejected)
{
    mmioemu_insn in;
    cr_assert_eq(mmioemu_decode_arm64_esr(EC(0x24) | IL | ISV | SAS(3), &in), MMIOEMU_ERR_ARG);
}

/* Every combination of ISS bits 24:14 and CM/S1PTW/WnR: the descriptor is
 * exactly what the fields say. */
Test(a64_esr, every_iss_combination_follows_the_field_layout)
{
    for (uint32_t x = 0; x < (1u << 14); x++) {
        uint64_t iss = (uint64_t)(x & 0x7ff) << 14 | (uint64_t)(x >> 11) << 6;
        uint64_t esr = EC(0x24) | IL | iss;
        mmioemu_insn in;
        mmioemu_status s = mmioemu_decode_arm64_esr(esr, &in);
        unsigned size = 1u << ((esr >> 22) & 3), srt = (esr >> 16) & 31;
        if (esr & S1PTW) {
            cr_assert_eq(s, MMIOEMU_ERR_DENIED);
        } else if (esr & CM) {
            cr_assert_eq(s, MMIOEMU_OK);
            cr_assert_eq(in.kind, MMIOEMU_KIND_FLUSH);
        } else if (!(esr & ISV)) {
            cr_assert_eq(s, MMIOEMU_ERR_UNSUPPORTED);
        } else if (!(esr & WNR) && size == 8 && !(esr & SF)) {
            cr_assert_eq(s, MMIOEMU_ERR_ARG);
        } else {
            cr_assert_eq(s, MMIOEMU_OK, "%llx", (unsigned long long)esr);
            cr_assert_eq(in.size, size);
            cr_assert_eq(in.reg, srt == 31 ? MMIOEMU_REG_ZR : srt);
            cr_assert_eq(in.kind, (esr & WNR) ? MMIOEMU_KIND_WRITE : MMIOEMU_KIND_READ);
            if (!(esr & WNR)) {
                cr_assert_eq(in.dst_size, (esr & SF) ? 8 : 4);
                cr_assert_eq(in.ext, (esr & SSE) ? MMIOEMU_EXT_SIGN : MMIOEMU_EXT_ZERO);
            }
        }
    }
}
