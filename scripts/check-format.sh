#!/usr/bin/env bash
# clang-format check over our C sources (.clang-format at the root).
# Generated files (a "generated ... do not edit" banner in their first 10
# lines) are excluded. Lists offending files; `--fix` rewrites them instead.
# Uses the tracked files (git ls-files) when run inside a git checkout.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CF=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
if [ -z "$CF" ]; then
    echo "check-format: clang-format not found (run scripts/setup.sh)" >&2
    exit 1
fi
FIX=0
[ "${1:-}" = "--fix" ] && FIX=1

DIRS=(include lib decoders emul tools tests bench fuzz examples)
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -- "${DIRS[@]}" | grep -E '\.(c|h)$')
else
    mapfile -t files < <(find "${DIRS[@]}" -name '*.[ch]' 2>/dev/null | sort)
fi

bad=0 checked=0 skipped=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if head -n 10 "$f" | grep -qiE 'generated.*do not edit|do not edit.*generated'; then
        skipped=$((skipped + 1))
        continue
    fi
    checked=$((checked + 1))
    if [ $FIX = 1 ]; then
        "$CF" -i --style=file "$f"
    elif ! "$CF" --dry-run --Werror --style=file "$f" >/dev/null 2>&1; then
        echo "check-format: needs formatting: $f"
        bad=$((bad + 1))
    fi
done
echo "check-format: $checked files checked, $skipped generated skipped, $bad need formatting"
[ $bad -eq 0 ] || echo "check-format: fix with: bash scripts/check-format.sh --fix  (or clang-format -i FILE)"
[ $bad -eq 0 ]
