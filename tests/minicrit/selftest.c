/* Self-test of the minicrit runner (not a test_*.c: built only by
 * cmake/tests.cmake against minicrit). The ctest passes only if the runner
 * reports exactly the outcome below: fatal checks stop a test, cr_expect
 * continues, a skip is neither passed nor failed, a crash is caught and the
 * tests after it still run. */
#include <criterion/criterion.h>
#include <signal.h>

static int after_expect;

Test(selftest, passes)
{
    cr_assert(1);
    cr_assert_eq(2, 2, "two");
    cr_assert_str_eq("a", "a");
    cr_assert_null(NULL);
    cr_expect_neq(1, 2);
}

Test(selftest, fatal_assert_stops_the_test)
{
    cr_assert_eq(1, 2, "expected failure %d", 1);
    cr_log_error("minicrit selftest: reached code after a fatal assert");
    abort();
}

Test(selftest, expect_continues_then_fails_the_test)
{
    cr_expect(0, "expected soft failure");
    after_expect = 1;
}

Test(selftest, zz_expect_really_continued)
{
    cr_assert_eq(after_expect, 1);
}

Test(selftest, skip_is_not_counted)
{
    cr_skip_test("skipped on purpose");
}

Test(selftest, string_mismatch_fails)
{
    cr_assert_str_eq("a", "b");
}

Test(selftest, crash_is_caught)
{
    raise(SIGSEGV);
}
