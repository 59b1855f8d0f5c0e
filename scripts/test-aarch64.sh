#!/usr/bin/env bash
# Cross-build mmioemu and its whole test suite for aarch64 (tests against the
# in-process minicrit runner: Criterion hangs under qemu-user) and run every
# test binary under qemu-aarch64 through CTest.
# usage: test-aarch64.sh [BUILD_DIR]   (default: build-aarch64)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-aarch64}
JOBS=${JOBS:-2}

for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
    command -v $tool >/dev/null || { echo "test-aarch64: $tool missing (run scripts/setup.sh)"; exit 1; }
done

cmake -S "$SRC" -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/aarch64-linux-gnu.cmake" \
      -DMMIOEMU_MINICRIT=ON -DMMIOEMU_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$BUILD.configure.log" 2>&1 ||
    { cat "$BUILD.configure.log"; exit 1; }
grep -E "ZYDIS|CAPSTONE|UNICORN" "$BUILD/CMakeCache.txt" | grep -E "_FOUND:|WITH_" | sed 's/^/test-aarch64: /' || true
cmake --build "$BUILD" -j"$JOBS"
# The objects must really be arm64 (not host libraries picked up by mistake).
machine=$(readelf -h "$BUILD/libmmioemu.so.0" | awk -F: '/Machine/ {gsub(/^ +/, "", $2); print $2}')
echo "test-aarch64: libmmioemu.so.0 machine: $machine"
[ "$machine" = "AArch64" ] || { echo "test-aarch64: not an AArch64 build"; exit 1; }
if readelf -d "$BUILD/libmmioemu.so.0" | grep -qiE 'zydis|capstone|unicorn|criterion'; then
    echo "test-aarch64: the arm64 library links a host-only library"; exit 1
fi
cd "$BUILD"
ctest --output-on-failure -j"$JOBS"
