/* minicrit: an in-process stand-in for the subset of Criterion 2.4 that the
 * mmioemu tests use (see the common rules), for hosts where Criterion cannot
 * run (aarch64 under qemu-user hangs). Same test sources, same macros; no
 * fork, so tests must not leak state, and checks must run on the test's own
 * thread (a fatal one longjmps). Not a general Criterion replacement. */
#ifndef MMIOEMU_MINICRIT_CRITERION_H
#define MMIOEMU_MINICRIT_CRITERION_H

/* The headers real Criterion pulls in, so a test that compiles here also
 * compiles against Criterion (and the reverse). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mc_test {
    const char *suite;
    const char *name;
    void (*fn)(void);
    const char *file;
    int line;
    struct mc_test *next;
};

void mc_register(struct mc_test *t);
/* Record a failed check; `fatal` leaves the test (longjmp). The format always
 * starts with one padding character, dropped when printed (see MC_CHECK_). */
void mc_fail_(int fatal, const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void mc_str_fail_(int fatal, const char *file, int line, const char *expr, const char *a,
                  const char *b, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void mc_cmp_fail_(int fatal, const char *file, int line, const char *expr, const char *a,
                  const char *b, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Render a compared value for the failure message (see MC_VAL_). */
void mc_val_i_(char *buf, long long v);
void mc_val_u_(char *buf, unsigned long long v);
void mc_val_d_(char *buf, long double v);
void mc_val_p_(char *buf, const volatile void *p);
void mc_val_o_(char *buf, ...);
void mc_skip_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
void mc_log_(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define Test(suite, name)                                                                          \
    static void suite##_##name##_impl(void);                                                       \
    static struct mc_test mc_test_##suite##_##name = {#suite,   #name,    suite##_##name##_impl,   \
                                                      __FILE__, __LINE__, NULL};                   \
    __attribute__((constructor)) static void mc_reg_##suite##_##name(void)                         \
    {                                                                                              \
        mc_register(&mc_test_##suite##_##name);                                                    \
    }                                                                                              \
    static void suite##_##name##_impl(void)

/* The optional message: " " __VA_ARGS__ pastes the padding onto the user's
 * literal format (Criterion's own formats are literals too) and avoids an
 * empty format when there is none. */
#define MC_CHECK_(fatal, cond, expr, ...)                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            mc_fail_(fatal, __FILE__, __LINE__, expr, " " __VA_ARGS__);                            \
    } while (0)

/* Pick the renderer by type: integers print as decimal and hex, pointers as
 * addresses, anything else as "?". */
#define MC_VAL_(x)                                                                                 \
    _Generic((x), _Bool: mc_val_u_, char: mc_val_i_, signed char: mc_val_i_,                       \
             unsigned char: mc_val_u_, short: mc_val_i_, unsigned short: mc_val_u_, int: mc_val_i_, \
             unsigned int: mc_val_u_, long: mc_val_i_, unsigned long: mc_val_u_,                   \
             long long: mc_val_i_, unsigned long long: mc_val_u_, float: mc_val_d_,                \
             double: mc_val_d_, long double: mc_val_d_, void *: mc_val_p_,                          \
             const void *: mc_val_p_, char *: mc_val_p_, const char *: mc_val_p_,                  \
             default: mc_val_o_)

/* Binary comparisons evaluate each operand once and print both on failure
 * (first = actual, second = expected, as in Criterion). Held in typed
 * temporaries, an enum constant becomes a plain int: -Wsign-compare would
 * then flag comparisons that are fine on the operands themselves (and that
 * the Criterion build still checks), so it is silenced for this line only. */
#define MC_CMP_(fatal, a, op, b, expr, ...)                                                        \
    do {                                                                                           \
        __auto_type mc_x_ = (a);                                                                   \
        __auto_type mc_y_ = (b);                                                                   \
        _Pragma("GCC diagnostic push")                                                             \
            _Pragma("GCC diagnostic ignored \"-Wsign-compare\"") int mc_ok_ = mc_x_ op mc_y_;      \
        _Pragma("GCC diagnostic pop") if (!mc_ok_)                                                 \
        {                                                                                          \
            char mc_vx_[64], mc_vy_[64];                                                           \
            MC_VAL_(mc_x_)(mc_vx_, mc_x_);                                                         \
            MC_VAL_(mc_y_)(mc_vy_, mc_y_);                                                         \
            mc_cmp_fail_(fatal, __FILE__, __LINE__, expr, mc_vx_, mc_vy_, " " __VA_ARGS__);        \
        }                                                                                          \
    } while (0)

#define MC_STR_CHECK_(fatal, a, b, neg, expr, ...)                                                 \
    do {                                                                                           \
        const char *mc_a_ = (a), *mc_b_ = (b);                                                     \
        if ((!mc_a_ || !mc_b_ || strcmp(mc_a_, mc_b_) != 0) != (neg))                              \
            mc_str_fail_(fatal, __FILE__, __LINE__, expr, mc_a_, mc_b_, " " __VA_ARGS__);          \
    } while (0)

#define cr_assert(cond, ...) MC_CHECK_(1, cond, #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) MC_CHECK_(1, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_eq(a, b, ...) MC_CMP_(1, a, ==, b, "(" #a ") == (" #b ")", __VA_ARGS__)
#define cr_assert_neq(a, b, ...) MC_CMP_(1, a, !=, b, "(" #a ") != (" #b ")", __VA_ARGS__)
#define cr_assert_lt(a, b, ...) MC_CMP_(1, a, <, b, "(" #a ") < (" #b ")", __VA_ARGS__)
#define cr_assert_leq(a, b, ...) MC_CMP_(1, a, <=, b, "(" #a ") <= (" #b ")", __VA_ARGS__)
#define cr_assert_gt(a, b, ...) MC_CMP_(1, a, >, b, "(" #a ") > (" #b ")", __VA_ARGS__)
#define cr_assert_geq(a, b, ...) MC_CMP_(1, a, >=, b, "(" #a ") >= (" #b ")", __VA_ARGS__)
#define cr_assert_null(p, ...) MC_CHECK_(1, (p) == NULL, "(" #p ") == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) MC_CHECK_(1, (p) != NULL, "(" #p ") != NULL", __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) MC_STR_CHECK_(1, a, b, 0, "(" #a ") == (" #b ")", __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) MC_STR_CHECK_(1, a, b, 1, "(" #a ") != (" #b ")", __VA_ARGS__)

#define cr_expect(cond, ...) MC_CHECK_(0, cond, #cond, __VA_ARGS__)
#define cr_expect_not(cond, ...) MC_CHECK_(0, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_expect_eq(a, b, ...) MC_CMP_(0, a, ==, b, "(" #a ") == (" #b ")", __VA_ARGS__)
#define cr_expect_neq(a, b, ...) MC_CMP_(0, a, !=, b, "(" #a ") != (" #b ")", __VA_ARGS__)

#define cr_assert_fail(...) mc_fail_(1, __FILE__, __LINE__, NULL, " " __VA_ARGS__)
#define cr_expect_fail(...) mc_fail_(0, __FILE__, __LINE__, NULL, " " __VA_ARGS__)
#define cr_fail(...) cr_assert_fail(__VA_ARGS__)
#define cr_skip_test(...) mc_skip_(__FILE__, __LINE__, " " __VA_ARGS__)
#define cr_log_info(...) mc_log_("info", " " __VA_ARGS__)
#define cr_log_warn(...) mc_log_("warn", " " __VA_ARGS__)
#define cr_log_error(...) mc_log_("error", " " __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
