#!/usr/bin/env bash
# Test OF the freestanding check: a known-clean core (the real public headers
# plus one small pure file) must pass; adding an explicit libc call, a
# compiler-emitted memcpy (big struct copy: aarch64 gcc calls memcpy), or a
# mutable global must each make the check fail, naming the culprit.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0

mkcore() { # fresh minimal core in $TMP/core
    rm -rf "$TMP/core"
    mkdir -p "$TMP/core/lib" "$TMP/core/include"
    cp -r "$SRC/include/mmioemu" "$TMP/core/include/"
    cat > "$TMP/core/lib/clean.c" <<'C'
#include <mmioemu/mmioemu.h>
uint64_t clean_add(uint64_t a, uint64_t b);
uint64_t clean_add(uint64_t a, uint64_t b) { return a + b; }
C
}

# expect PASS|FAIL NAME PATTERN: run the check on $TMP/core
expect() {
    local want=$1 name=$2 pattern=$3 out rc
    out=$(bash "$HERE/freestanding-check.sh" "$TMP/core" "$TMP/work" 2>&1)
    rc=$?
    if [ "$want" = PASS ] && [ $rc -ne 0 ]; then
        echo "FAIL: $name: the check failed on a clean core:"; echo "$out"; fail=1; return
    fi
    if [ "$want" = FAIL ] && [ $rc -eq 0 ]; then
        echo "FAIL: $name: the check passed but should have failed:"; echo "$out"; fail=1; return
    fi
    if [ -n "$pattern" ] && ! grep -qE "$pattern" <<<"$out"; then
        echo "FAIL: $name: output lacks /$pattern/:"; echo "$out"; fail=1; return
    fi
    echo "ok: $name"
}

mkcore
expect PASS "clean core passes" "freestanding: PASS"

mkcore
cat > "$TMP/core/lib/bad_libc.c" <<'C'
#include <stddef.h>
size_t strlen(const char *s);
void *memcpy(void *d, const void *s, size_t n);
size_t bad_len(char *d, const char *s);
size_t bad_len(char *d, const char *s) { memcpy(d, s, 4); return strlen(s); }
C
expect FAIL "explicit strlen is caught" "strlen <- lib/bad_libc.c"
expect FAIL "explicit memcpy is caught" "memcpy <- lib/bad_libc.c"

mkcore
cat > "$TMP/core/lib/bad_copy.c" <<'C'
struct big { unsigned char b[1024]; };
void bad_copy(struct big *a, const struct big *b);
void bad_copy(struct big *a, const struct big *b) { *a = *b; }
C
expect FAIL "compiler-emitted memcpy (struct copy) is caught" "memcpy <- lib/bad_copy.c"

mkcore
cat > "$TMP/core/lib/bad_global.c" <<'C'
unsigned bad_counter;
unsigned bad_next(void);
unsigned bad_next(void) { return ++bad_counter; }
C
expect FAIL "mutable global is caught" "writable data"

mkcore
sed -i 's|#include <stdbool.h>|#include <stdbool.h>\n#include <string.h>|' "$TMP/core/include/mmioemu/status.h"
expect FAIL "a public header including libc is caught" "status.h includes"

if [ $fail = 0 ]; then echo "test-freestanding-check: PASS"; else echo "test-freestanding-check: FAIL"; fi
exit $fail
