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
