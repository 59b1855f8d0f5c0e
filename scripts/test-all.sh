#!/usr/bin/env bash
# Every test of mmioemu, on a fresh Debian 12 machine: install missing
# packages, configure, build, CTest (unit, oracle, freestanding check and its
# self-test, generated-table checks, install/consumer test), the aarch64
# cross build run under qemu-aarch64, the unit tests again under ASan+UBSan,
# a libFuzzer smoke run of every fuzz target, and the clang-format check.
# Prints a summary; exits non-zero if any step failed.
# Env: MMIOEMU_BUILD_DIR (default build-test), JOBS (2), FUZZ_SECONDS (20 per
# fuzzer), SANITIZE=0 to skip the ASan+UBSan run.
set -uo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${MMIOEMU_BUILD_DIR:-$SRC/build-test}
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
LOG=$B-logs
rm -rf "$LOG"
mkdir -p "$LOG"
T0=$(date +%s)
names=() results=() times=()

# step NAME CMD...: run, tee to $LOG/NAME.log, record PASS/FAIL and time.
step() {
    local name=$1 t rc
    shift
    echo
    echo "==================== $name ===================="
    t=$(date +%s)
    "$@" 2>&1 | tee "$LOG/$name.log"
    rc=${PIPESTATUS[0]}
    names+=("$name")
    times+=($(($(date +%s) - t)))
    if [ "$rc" -eq 0 ]; then results+=(PASS); else results+=("FAIL($rc)"); fi
    return "$rc"
}
skip() {
    names+=("$1"); results+=("SKIP: $2"); times+=(0)
}

configure_host() { cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo; }
build_host() { cmake --build "$B" -j"$JOBS"; }
ctest_host() { (cd "$B" && ctest --output-on-failure -j"$JOBS"); }
sanitize_run() {
    # The install/consumer and freestanding checks do not depend on the
    # sanitizers (and a non-ASan consumer cannot link an ASan library).
    cmake -S "$SRC" -B "$B-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMIOEMU_SANITIZE=ON \
        -DMMIOEMU_BENCH=OFF &&
        cmake --build "$B-asan" -j"$JOBS" &&
        (cd "$B-asan" && ctest --output-on-failure -j"$JOBS" -E '^(install_consumer|freestanding)')
}
fuzz_build() {
    CC=clang-14 cmake -S "$SRC" -B "$B-fuzz" -DMMIOEMU_FUZZ=ON -DMMIOEMU_TESTS=OFF \
        -DMMIOEMU_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
        cmake --build "$B-fuzz" -j"$JOBS" --target fuzzers
}
fuzz_run() {
    local rc=0 n=0 f dir
    for f in "$B-fuzz"/fuzz_*; do
        [ -x "$f" ] || continue
        n=$((n + 1))
        dir=$(mktemp -d)
        echo "-- $(basename "$f"): ${FUZZ_SECONDS}s"
        if ! "$f" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
             -artifact_prefix="$LOG/$(basename "$f")-" "$dir" >"$LOG/$(basename "$f").out" 2>&1; then
            echo "FAIL: $(basename "$f") found a problem (artifact in $LOG):"
            tail -n 40 "$LOG/$(basename "$f").out"
            rc=1
        else
            grep -E "^stat::number_of_executed_units|^Done" "$LOG/$(basename "$f").out" || true
        fi
        rm -rf "$dir"
    done
    [ $n -gt 0 ] || { echo "no fuzz targets built"; return 1; }
    return $rc
}

step setup bash "$SRC/scripts/setup.sh"
if step configure configure_host; then
    if step build build_host; then
        step ctest ctest_host
    else
        skip ctest "build failed"
    fi
else
    skip build "configure failed"; skip ctest "configure failed"
fi
step aarch64-qemu bash "$SRC/scripts/test-aarch64.sh" "$B-aarch64"
if [ "${SANITIZE:-1}" = 1 ]; then
    step asan-ubsan sanitize_run
else
    skip asan-ubsan "SANITIZE=0"
fi
if step fuzz-build fuzz_build; then
    step fuzz-smoke fuzz_run
else
    skip fuzz-smoke "fuzz build failed"
fi
step format bash "$SRC/scripts/check-format.sh"

echo
echo "==================== summary ===================="
fail=0
for i in "${!names[@]}"; do
    printf '  %-14s %-28s %5ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
    # A skipped step is a failure too, except the ASan run when asked to skip.
    case ${results[$i]} in PASS | "SKIP: SANITIZE=0") ;; *) fail=1 ;; esac
done
# CTest totals and the names of failed tests, per run.
for run in ctest aarch64-qemu asan-ubsan; do
    [ -f "$LOG/$run.log" ] || continue
    total=$(grep -hE "tests passed, .* tests failed out of" "$LOG/$run.log" | tail -n1)
    [ -n "$total" ] && echo "  $run: $total"
    sed -n '/The following tests FAILED:/,/Errors while running CTest/p' "$LOG/$run.log" |
        grep -E '^\s+[0-9]+ - ' | sed "s/^\s*/    $run FAILED: /"
done
echo "  logs: $LOG   total: $(($(date +%s) - T0))s"
if [ $fail = 0 ]; then echo "test-all: PASS"; else echo "test-all: FAIL"; fi
exit $fail
