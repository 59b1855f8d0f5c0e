#!/usr/bin/env bash
# Install the Debian 12 packages mmioemu needs to build and test, only those
# missing (apt-get update only then). Idempotent, non-interactive, and a
# no-op in well under a second when everything is present.
set -euo pipefail

PKGS=(cmake gcc make pkg-config python3 libzydis-dev libcapstone-dev libcriterion-dev
      clang-14 libclang-rt-14-dev llvm-14 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      binutils-aarch64-linux-gnu qemu-user libunicorn-dev clang-format)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#PKGS[@]} packages present"
    exit 0
fi

echo "setup: installing: ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        SUDO="sudo"
    else
        echo "setup: not root and no sudo; install these yourself: ${missing[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
