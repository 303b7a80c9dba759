#!/usr/bin/env bash
# Runs minipy's bundled examples, and checks that the pitfalls tour prints
# exactly what CPython prints for it (addresses masked). Run from the
# workspace root after a build: `bash .ci/minipy_examples.sh`.
set -euo pipefail

cargo build -q -p minipy
minipy=target/debug/minipy
script="$PWD/minipy/examples/pitfalls.py"   # absolute: CPython prints it in tracebacks

mask() { sed 's/0x[0-9a-fA-F]*/0x?/g'; }

"$minipy" --legacy-del minipy/examples/legacy_del.py >/dev/null
echo "legacy_del.py: ran"

if ! command -v python3 >/dev/null 2>&1; then
    "$minipy" "$script" >/dev/null
    echo "pitfalls.py: ran; python3 not found, so not compared with CPython"
    exit 0
fi
echo "pitfalls.py against $(python3 --version)"
diff <(python3 "$script" 2>&1 | mask) <("$minipy" "$script" 2>&1 | mask)
echo "pitfalls.py: same output as CPython"
