/* Status strings and names (the contract in include/mmioemu/status.h). */
#include <criterion/criterion.h>
#include <string.h>
#include <mmioemu/mmioemu.h>

Test(status, every_status_has_a_distinct_prefixed_name)
{
    for (int s = 0; s < MMIOEMU_STATUS_COUNT_; s++) {
        const char *n = mmioemu_status_str((mmioemu_status)s);
        cr_assert(n != NULL);
        cr_assert(strncmp(n, "MMIOEMU_", 8) == 0, "%s", n);
        for (int t = 0; t < s; t++)
            cr_assert(strcmp(n, mmioemu_status_str((mmioemu_status)t)) != 0);
    }
}

Test(status, unknown_status_is_named_not_null)
{
    cr_assert_str_eq(mmioemu_status_str((mmioemu_status)1000), "MMIOEMU_ERR_<unknown>");
    cr_assert_str_eq(mmioemu_status_name(MMIOEMU_ERR_SPLIT), "split");
}

Test(status, descriptor_fits_in_64_bytes)
{
    /* Issue 3: the descriptor is at most 64 bytes (one cache line). */
    cr_assert(sizeof(mmioemu_insn) <= 64, "%zu", sizeof(mmioemu_insn));
}

Test(status, short_names_are_distinct_lower_case_and_never_null)
{
    for (int s = 0; s < MMIOEMU_STATUS_COUNT_; s++) {
        const char *n = mmioemu_status_name((mmioemu_status)s);
        cr_assert_not_null(n);
        cr_assert(n[0] != '\0');
        for (const char *p = n; *p; p++)
            cr_assert((*p >= 'a' && *p <= 'z') || *p == '_', "%s", n);
        for (int t = 0; t < s; t++)
            cr_assert(strcmp(n, mmioemu_status_name((mmioemu_status)t)) != 0, "%s", n);
    }
    cr_assert_str_eq(mmioemu_status_name(MMIOEMU_OK), "ok");
    cr_assert_not_null(mmioemu_status_name((mmioemu_status)-1));
    cr_assert_str_eq(mmioemu_status_str((mmioemu_status)-1), "MMIOEMU_ERR_<unknown>");
}

Test(status, long_name_is_the_enumerator_spelling)
{
    /* The string is the identifier in status.h, so logs grep to the source. */
    cr_assert_str_eq(mmioemu_status_str(MMIOEMU_OK), "MMIOEMU_OK");
    cr_assert_str_eq(mmioemu_status_str(MMIOEMU_ERR_TRUNCATED), "MMIOEMU_ERR_TRUNCATED");
    cr_assert_str_eq(mmioemu_status_str(MMIOEMU_ERR_ADDRESS_MISMATCH),
                     "MMIOEMU_ERR_ADDRESS_MISMATCH");
    cr_assert_str_eq(mmioemu_status_str(MMIOEMU_ERR_FULL), "MMIOEMU_ERR_FULL");
    cr_assert_eq(MMIOEMU_OK, 0, "MMIOEMU_OK is zero: `if (s)` tests for failure");
}

Test(status, kind_op_and_ext_names_are_distinct_and_never_null)
{
    for (int k = 0; k < MMIOEMU_KIND_COUNT_; k++) {
        const char *n = mmioemu_kind_name((mmioemu_kind)k);
        cr_assert_not_null(n);
        cr_assert(strcmp(n, "unknown") != 0, "kind %d has no name", k);
        for (int j = 0; j < k; j++)
            cr_assert(strcmp(n, mmioemu_kind_name((mmioemu_kind)j)) != 0, "%s", n);
    }
    cr_assert_not_null(mmioemu_kind_name(MMIOEMU_KIND_COUNT_));
    cr_assert_str_eq(mmioemu_ext_name(MMIOEMU_EXT_ZERO), "zero");
    cr_assert_str_eq(mmioemu_ext_name(MMIOEMU_EXT_SIGN), "sign");
    cr_assert_str_eq(mmioemu_ext_name(MMIOEMU_EXT_MERGE), "merge");
    cr_assert_str_eq(mmioemu_ext_name(MMIOEMU_EXT_NONE), "none");
    cr_assert_not_null(mmioemu_ext_name((mmioemu_ext)99));
    cr_assert_not_null(mmioemu_op_name(MMIOEMU_OP_NONE));
}

Test(status, op_names_are_the_sdm_mnemonics)
{
    /* SDM Vol. 2 instruction names, lower-case, in mmioemu_op order. */
    static const char *const sdm[] = {"add", "or",  "adc",  "sbb", "and", "sub",
                                      "xor", "cmp", "test", "inc", "dec", "not",
                                      "neg", "bt",  "bts",  "btr", "btc"};
    for (unsigned i = 0; i < sizeof(sdm) / sizeof(sdm[0]); i++)
        cr_assert_str_eq(mmioemu_op_name((mmioemu_op)i), sdm[i]);
}
