#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and show mmioemu at work: the trap-and-emulate demos from examples/ (a
# user-space driver whose MMIO page traps; a KVM VMM when /dev/kvm is usable)
# and the CLI decoding a built-in sample of instructions that trap on MMIO
# (bytes assembled with GNU as; the comments give the instructions).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${MMIOEMU_DEMO_BUILD_DIR:-$SRC/build-demo}
JOBS=${JOBS:-2}

bash "$SRC/scripts/setup.sh"
cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMIOEMU_TESTS=OFF \
      -DMMIOEMU_BENCH=OFF >/dev/null
cmake --build "$B" -j"$JOBS" >/dev/null
CLI=$B/mmioemu
fail=0

echo
"$CLI" --version

if [ -x "$B/trap_demo" ]; then
    echo
    echo "== examples/trap_demo: a driver's MMIO page traps (SIGSEGV as the #VE), mmioemu emulates"
    "$B/trap_demo" || fail=1
fi
if [ -x "$B/kvm_vmm" ]; then
    echo
    if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
        echo "== examples/kvm_vmm: a KVM guest's MMIO exits emulated by mmioemu"
        "$B/kvm_vmm" || fail=1
    else
        echo "== examples/kvm_vmm: skipped, /dev/kvm is not usable here"
    fi
fi

echo
echo "== mmioemu decode, x86-64 (each line: bytes, instruction, access)"
# mov ch,[rsi] | mov bpl,[rsi] | mov word [rdi],0x1234 | mov qword [rdi],-1
# mov eax,[rip+0x1000] | rep movsq | lock cmpxchg [rdi],ecx | movzx ecx,byte [rsi]
"$CLI" decode --mode x86-64 8a2e 408a2e 66c7073412 48c707ffffffff 8b0500100000 \
    f348a5 f00fb10f 0fb60e || fail=1
echo
echo "== mmioemu decode, arm64 (32-bit instruction words)"
# str w9,[x0],#4 (post-index: no syndrome, ISV=0) | ldp x0,x1,[x2] | ldrsb w3,[x4,#1]
"$CLI" decode --mode arm64 b8004409 a9400440 39c00483 || fail=1
echo
echo "== mmioemu decode --esr: an ISV=1 data abort syndrome (no instruction fetch needed)"
"$CLI" decode --esr 0x93c08006 || fail=1

echo
if [ $fail = 0 ]; then echo "demo: done"; else echo "demo: a step failed"; fi
exit $fail
