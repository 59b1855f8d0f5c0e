#!/usr/bin/env bash
# Freestanding check of the mmioemu core (include/ lib/ decoders/x86
# decoders/arm64 emul/): compile every core .c with kernel-style flags for
# x86-64 and aarch64, link each set into ONE relocatable object (ld -r), and
# fail if it has an undefined symbol (libc or compiler-emitted memcpy/memset),
# writable data (.data/.bss = a mutable global), or if a public header
# includes anything but <stdint.h> <stddef.h> <stdbool.h> or its siblings.
# Prints .text+.rodata size and the worst-case stack depth of the entry points
# (static call graph, scripts/stack-depth.py; reported, not enforced).
# usage: freestanding-check.sh [SOURCE_DIR] [WORK_DIR]
set -uo pipefail

SRC=$(cd "${1:-$(dirname "$0")/..}" && pwd)
WORK=${2:-$(mktemp -d)}
mkdir -p "$WORK"
CORE_DIRS=(lib decoders/x86 decoders/arm64 emul)
SRC_SCRIPTS=$(cd "$(dirname "$0")" && pwd)
WARN=(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
FLAGS_X86=(-std=gnu11 -O2 -ffreestanding -fno-builtin -nostdlib -mgeneral-regs-only
           -mno-red-zone -fno-pic -mcmodel=kernel -fno-stack-protector -fcallgraph-info=su)
FLAGS_A64=(-std=gnu11 -O2 -ffreestanding -fno-builtin -nostdlib -mgeneral-regs-only
           -fno-stack-protector -fcallgraph-info=su)
CC_X86=${MMIOEMU_CC_X86:-gcc}
CC_A64=${MMIOEMU_CC_A64:-aarch64-linux-gnu-gcc}
fail=0

sources=()
for d in "${CORE_DIRS[@]}"; do
    for f in "$SRC/$d"/*.c; do
        [ -e "$f" ] && sources+=("$f")
    done
done
echo "freestanding: ${#sources[@]} core sources under $SRC"

# Public headers: only the three standard headers and each other.
for h in "$SRC"/include/mmioemu/*.h; do
    bad=$(grep -E '^\s*#\s*include' "$h" |
          grep -vE '<(stdint|stddef|stdbool)\.h>|"(status|insn|cpu|region|emulate|mmioemu)\.h"' || true)
    if [ -n "$bad" ]; then
        echo "FAIL: $(basename "$h") includes: $bad"
        fail=1
    fi
done

# check ARCH CC LD NM SIZE FLAGS...
check() {
    local arch=$1 cc=$2 ld=$3 nm=$4 size=$5
    shift 5
    local out="$WORK/$arch" objs=() rels=() ok=1
    rm -rf "$out" && mkdir -p "$out"
    if ! command -v "$cc" >/dev/null; then
        echo "FAIL[$arch]: compiler $cc not found (run scripts/setup.sh)"
        return 1
    fi
    for f in "${sources[@]}"; do
        local rel=${f#"$SRC"/} o
        o="$out/$(echo "$rel" | tr '/' '_').o"
        if ! (cd "$out" && "$cc" "$@" "${WARN[@]}" -I"$SRC/include" -I"$SRC" -c "$f" -o "$o"); then
            echo "FAIL[$arch]: $rel does not compile freestanding"
            ok=0
            continue
        fi
        objs+=("$o")
        rels+=("$rel")
    done
    [ $ok = 1 ] || return 1
    "$ld" -r -o "$out/core.o" "${objs[@]}" || { echo "FAIL[$arch]: ld -r"; return 1; }
    local undef
    undef=$("$nm" -u "$out/core.o" | awk '{print $NF}')
    if [ -n "$undef" ]; then
        echo "FAIL[$arch]: undefined symbols in the core (symbol <- file):"
        # Name the file(s) that reference each symbol.
        for s in $undef; do
            for i in "${!objs[@]}"; do
                if "$nm" -u "${objs[$i]}" | awk '{print $NF}' | grep -qx "$s"; then
                    echo "    $s <- ${rels[$i]}"
                fi
            done
        done
        ok=0
    fi
    # Writable sections with content: a mutable global (or a static local).
    local wdata
    wdata=$("$size" -A "$out/core.o" |
            awk '$1 ~ /^\.(data|bss|sdata|sbss|tbss|tdata)/ && $1 !~ /^\.data\.rel\.ro/ && $2 > 0 {print $1 " " $2}')
    if [ -n "$wdata" ]; then
        echo "FAIL[$arch]: writable data in the core (mutable globals?):"
        echo "$wdata" | sed 's/^/    /'
        "$nm" "$out/core.o" | awk '$2 ~ /^[dDbBcC]$/ {print "    symbol " $3}'
        ok=0
    fi
    local text rodata
    text=$("$size" -A "$out/core.o" | awk '$1 ~ /^\.text/ {s += $2} END {print s + 0}')
    rodata=$("$size" -A "$out/core.o" | awk '$1 ~ /^\.rodata|^\.data\.rel\.ro/ {s += $2} END {print s + 0}')
    echo "[$arch] core .text+.rodata = $((text + rodata)) bytes (.text $text, .rodata $rodata)"
    echo "[$arch] worst-case stack depth (static call graph; callbacks not included):"
    if command -v python3 >/dev/null; then
        python3 "$SRC_SCRIPTS/stack-depth.py" "$out" mmioemu_emulate mmioemu_decode \
            mmioemu_decode_arm64_esr mmioemu_plan mmioemu_execute mmioemu_region_lookup |
            sed 's/^/  /'
        if ! python3 "$SRC_SCRIPTS/stack-depth.py" "$out" mmioemu_emulate=512 >/dev/null; then
            echo "  WARNING[$arch]: mmioemu_emulate may exceed 512 bytes of stack (common rules)"
        fi
    fi
    [ $ok = 1 ]
}

check x86_64 "$CC_X86" ld nm size "${FLAGS_X86[@]}" || fail=1
A64_BIN=aarch64-linux-gnu
check aarch64 "$CC_A64" $A64_BIN-ld $A64_BIN-nm $A64_BIN-size "${FLAGS_A64[@]}" || fail=1

if [ $fail = 0 ]; then
    echo "freestanding: PASS (no undefined symbols, no writable data, x86_64 and aarch64)"
else
    echo "freestanding: FAIL"
fi
exit $fail
