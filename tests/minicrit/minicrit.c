/* minicrit runner: runs every registered Test() in this process, sorted by
 * suite/name like Criterion, and prints Criterion-style results and the
 * "[====] Synthesis:" line. Fatal checks longjmp out of the test; a crash
 * (SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGABRT) is caught and counted as Crashing.
 * Options: --filter GLOB (suite/name), --list, --verbose. */
#define _GNU_SOURCE
#include "criterion/criterion.h"

#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

enum { MC_PASS, MC_FAIL, MC_SKIP, MC_CRASH };

static struct mc_test *mc_head;
static unsigned mc_count;
static sigjmp_buf mc_jmp;
static int mc_in_test;
static int mc_failed;
static int mc_verbose;
static struct mc_test *mc_cur;

void mc_register(struct mc_test *t)
{
    t->next = mc_head;
    mc_head = t;
    mc_count++;
}

static void mc_vprint(const char *fmt, va_list ap)
{
    /* The macros prefix one padding character (see MC_CHECK_). */
    if (fmt[0] && fmt[1]) {
        fputs("[----]   ", stderr);
        vfprintf(stderr, fmt + 1, ap);
        fputc('\n', stderr);
    }
}

static void mc_leave(int how)
{
    if (!mc_in_test) {
        fprintf(stderr, "minicrit: check failed outside a test\n");
        abort();
    }
    siglongjmp(mc_jmp, how);
}

void mc_fail_(int fatal, const char *file, int line, const char *expr, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[----] %s:%d: Assertion Failed\n", file, line);
    if (expr)
        fprintf(stderr, "[----]   The expression %s is false.\n", expr);
    va_start(ap, fmt);
    mc_vprint(fmt, ap);
    va_end(ap);
    mc_failed = 1;
    if (fatal)
        mc_leave(MC_FAIL);
}

void mc_str_fail_(int fatal, const char *file, int line, const char *expr, const char *a,
                  const char *b, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[----] %s:%d: Assertion Failed\n", file, line);
    fprintf(stderr, "[----]   The expression %s is false: \"%s\" vs \"%s\".\n", expr,
            a ? a : "(null)", b ? b : "(null)");
    va_start(ap, fmt);
    mc_vprint(fmt, ap);
    va_end(ap);
    mc_failed = 1;
    if (fatal)
        mc_leave(MC_FAIL);
}

void mc_cmp_fail_(int fatal, const char *file, int line, const char *expr, const char *a,
                  const char *b, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[----] %s:%d: Assertion Failed\n", file, line);
    fprintf(stderr, "[----]   The expression %s is false: %s vs %s.\n", expr, a, b);
    va_start(ap, fmt);
    mc_vprint(fmt, ap);
    va_end(ap);
    mc_failed = 1;
    if (fatal)
        mc_leave(MC_FAIL);
}

void mc_val_i_(char *buf, long long v)
{
    snprintf(buf, 64, "%lld (0x%llx)", v, (unsigned long long)v);
}

void mc_val_u_(char *buf, unsigned long long v)
{
    snprintf(buf, 64, "%llu (0x%llx)", v, v);
}

void mc_val_d_(char *buf, long double v)
{
    snprintf(buf, 64, "%Lg", v);
}

void mc_val_p_(char *buf, const volatile void *p)
{
    snprintf(buf, 64, "%p", (const void *)p);
}

void mc_val_o_(char *buf, ...)
{
    snprintf(buf, 64, "?");
}

void mc_skip_(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[SKIP] %s::%s: (%s:%d) ", mc_cur ? mc_cur->suite : "?",
            mc_cur ? mc_cur->name : "?", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt[0] ? fmt + 1 : fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    mc_leave(MC_SKIP);
    abort(); /* not reached: mc_leave never returns inside a test */
}

void mc_log_(const char *level, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "[%s] ", level);
    va_start(ap, fmt);
    vfprintf(stderr, fmt[0] ? fmt + 1 : fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void mc_on_signal(int sig)
{
    /* Synchronous faults in the test body: leave it and count a crash. */
    (void)sig;
    siglongjmp(mc_jmp, 100 + sig);
}

static const int mc_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define MC_NSIG (sizeof(mc_signals) / sizeof(mc_signals[0]))

static int mc_run_one(struct mc_test *t, double *secs)
{
    struct sigaction sa, old[MC_NSIG];
    struct timespec t0, t1;
    volatile int how;
    int r;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = mc_on_signal;
    sa.sa_flags = SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < MC_NSIG; i++)
        sigaction(mc_signals[i], &sa, &old[i]);
    mc_cur = t;
    mc_failed = 0;
    mc_in_test = 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = sigsetjmp(mc_jmp, 1);
    if (r == 0) {
        t->fn();
        how = mc_failed ? MC_FAIL : MC_PASS;
    } else if (r >= 100) {
        fprintf(stderr, "[----] %s: test crashed with signal %d\n", t->file, r - 100);
        how = MC_CRASH;
    } else {
        how = r == MC_SKIP ? MC_SKIP : MC_FAIL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    mc_in_test = 0;
    mc_cur = NULL;
    for (unsigned i = 0; i < MC_NSIG; i++)
        sigaction(mc_signals[i], &old[i], NULL);
    *secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return how;
}

static int mc_cmp(const void *a, const void *b)
{
    const struct mc_test *x = *(const struct mc_test *const *)a;
    const struct mc_test *y = *(const struct mc_test *const *)b;
    int c = strcmp(x->suite, y->suite);
    return c ? c : strcmp(x->name, y->name);
}

static int mc_selected(const struct mc_test *t, const char *filter)
{
    char full[512];
    if (!filter)
        return 1;
    snprintf(full, sizeof(full), "%s/%s", t->suite, t->name);
    return fnmatch(filter, full, 0) == 0;
}

static void mc_usage(const char *argv0)
{
    printf("usage: %s [--filter SUITE/NAME-GLOB] [--list] [--verbose]\n", argv0);
}

int main(int argc, char **argv)
{
    const char *filter = NULL;
    int list = 0;
    unsigned n = 0, tested = 0, pass = 0, fail = 0, crash = 0, skip = 0;
    struct mc_test **v;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--filter") && i + 1 < argc)
            filter = argv[++i];
        else if (!strncmp(argv[i], "--filter=", 9))
            filter = argv[i] + 9;
        else if (!strcmp(argv[i], "--list"))
            list = 1;
        else if (!strcmp(argv[i], "--verbose") || !strncmp(argv[i], "--verbose=", 10))
            mc_verbose = 1;
        else if (!strncmp(argv[i], "-j", 2) || !strncmp(argv[i], "--jobs", 6))
            ; /* Criterion option, meaningless in process */
        else {
            mc_usage(argv[0]);
            return !strcmp(argv[i], "--help") ? 0 : 2;
        }
    }
    v = calloc(mc_count ? mc_count : 1, sizeof(*v));
    if (!v)
        return 2;
    for (struct mc_test *t = mc_head; t; t = t->next)
        v[n++] = t;
    qsort(v, n, sizeof(*v), mc_cmp);
    for (unsigned i = 0; i < n; i++) {
        double secs;
        int how;
        if (!mc_selected(v[i], filter))
            continue;
        if (list) {
            printf("%s/%s\n", v[i]->suite, v[i]->name);
            continue;
        }
        if (mc_verbose)
            fprintf(stderr, "[RUN ] %s::%s\n", v[i]->suite, v[i]->name);
        how = mc_run_one(v[i], &secs);
        if (how == MC_SKIP) {
            skip++;
            continue;
        }
        tested++;
        if (how == MC_PASS) {
            pass++;
            if (mc_verbose)
                fprintf(stderr, "[PASS] %s::%s: (%.2fs)\n", v[i]->suite, v[i]->name, secs);
        } else if (how == MC_CRASH) {
            crash++;
            fprintf(stderr, "[FAIL] %s::%s: CRASH!\n", v[i]->suite, v[i]->name);
        } else {
            fail++;
            fprintf(stderr, "[FAIL] %s::%s: (%.2fs)\n", v[i]->suite, v[i]->name, secs);
        }
    }
    free(v);
    if (list)
        return 0;
    if (skip)
        fprintf(stderr, "[====] Skipped: %u\n", skip);
    fprintf(stderr, "[====] Synthesis: Tested: %u | Passing: %u | Failing: %u | Crashing: %u\n",
            tested, pass, fail + crash, crash);
    fflush(stderr);
    return (fail || crash) ? 1 : 0;
}
