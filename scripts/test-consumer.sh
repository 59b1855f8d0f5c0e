#!/usr/bin/env bash
# Install a built mmioemu into a temporary prefix, then build and run
# tests/consumer against it: find_package (shared and static) and pkg-config
# (shared, and --static with the static library).
# usage: test-consumer.sh BUILD_DIR
set -euo pipefail

BUILD=$(cd "${1:?usage: test-consumer.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix
CC=${CC:-cc}

step() { echo "== $*"; }

step "install into $PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
test -x "$PREFIX/bin/mmioemu"
"$PREFIX/bin/mmioemu" --version
PCDIR=$(dirname "$(find "$PREFIX" -name mmioemu.pc | head -n1)")
LIBDIR=$(dirname "$PCDIR")
ls "$LIBDIR"/libmmioemu.so.0 "$LIBDIR"/libmmioemu.a >/dev/null

for kind in shared static; do
    step "find_package, $kind"
    flag=OFF
    [ $kind = static ] && flag=ON
    cmake -S "$SRC/tests/consumer" -B "$TMP/fp-$kind" -DCMAKE_PREFIX_PATH="$PREFIX" \
          -DCONSUMER_STATIC=$flag >/dev/null
    cmake --build "$TMP/fp-$kind" >/dev/null
    LD_LIBRARY_PATH="$LIBDIR" "$TMP/fp-$kind/consumer"
done
if readelf -d "$TMP/fp-static/consumer" | grep -q 'libmmioemu\.so'; then
    echo "FAIL: the static find_package consumer needs libmmioemu.so"; exit 1
fi
readelf -d "$TMP/fp-shared/consumer" | grep -q 'libmmioemu\.so\.0' ||
    { echo "FAIL: the shared consumer does not use the SONAME libmmioemu.so.0"; exit 1; }

export PKG_CONFIG_PATH="$PCDIR"
step "pkg-config --cflags --libs mmioemu: $(pkg-config --cflags --libs mmioemu)"
# shellcheck disable=SC2046
$CC "$SRC/tests/consumer/main.c" $(pkg-config --cflags --libs mmioemu) -o "$TMP/pc-shared"
LD_LIBRARY_PATH="$LIBDIR" "$TMP/pc-shared"

libs=$(pkg-config --static --libs mmioemu)
step "pkg-config --static --libs mmioemu: $libs"
libs=${libs/-lmmioemu/-Wl,-Bstatic -lmmioemu -Wl,-Bdynamic}
# shellcheck disable=SC2046,SC2086
$CC "$SRC/tests/consumer/main.c" $(pkg-config --cflags mmioemu) $libs -o "$TMP/pc-static"
"$TMP/pc-static"
if readelf -d "$TMP/pc-static" | grep -q 'libmmioemu\.so'; then
    echo "FAIL: the static pkg-config consumer needs libmmioemu.so"; exit 1
fi
echo "test-consumer: PASS"
