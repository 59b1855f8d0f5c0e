/* Shim in front of the real Criterion 2.4 header (Criterion builds only):
 * Criterion's classic API has no usable cr_fail(fmt, ...) (its internal
 * cr_fail takes a fail-mode first and backs cr_assert_fail/cr_expect_fail),
 * but the common test subset and minicrit offer it. Redefine the three on
 * Criterion's own cr_assert_impl so one test source builds with both. */
#include_next <criterion/criterion.h>

#undef cr_fail
#undef cr_assert_fail
#undef cr_expect_fail
#define mc_compat_fail_(Fail, ...)                                                                 \
    CR_EXPAND(cr_assert_impl(Fail, 0, dummy, CRITERION_ASSERT_MSG_FAIL, (), __VA_ARGS__))
#define cr_assert_fail(...) mc_compat_fail_(CR_FAIL_ABORT_, __VA_ARGS__)
#define cr_expect_fail(...) mc_compat_fail_(CR_FAIL_CONTINUES_, __VA_ARGS__)
#define cr_fail(...) cr_assert_fail(__VA_ARGS__)
