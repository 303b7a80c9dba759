#!/usr/bin/env bash
# Regenerates the expected output of minipy's test scripts from CPython.
#
#   minipy/tests/regen.sh            # every script
#   minipy/tests/regen.sh leaks/     # only scripts whose path contains "leaks/"
#
# For each scripts/<topic>/<name>.py not marked hand-written (first line
# "# expect: hand-written (<reason>)"), runs `python3 <name>.py` from the
# script's directory and writes <name>.out (stdout), <name>.err (stderr,
# only if non-empty; the script's absolute path shortened to its name as
# minipy prints it, addresses written as 0x?) and <name>.exit (exit status,
# only if non-zero).
# The interpreter is CPython 3.11 ($PYTHON, default python3), run in a
# clean environment so that the output does not depend on the caller's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scripts="$here/scripts"
python="${PYTHON:-python3}"
filter="${1:-}"

version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ "$version" != "3.11" ]]; then
    echo "regen.sh: expectations come from CPython 3.11, $python is $version" >&2
    exit 2
fi
python_path="$(command -v "$python")"

generated=0
skipped=0
while IFS= read -r -d '' script; do
    rel="${script#"$scripts/"}"
    [[ -n "$filter" && "$rel" != *"$filter"* ]] && continue
    dir="$(dirname "$script")"
    name="$(basename "$script" .py)"
    if head -n 1 "$script" | grep -q '^# expect: hand-written'; then
        skipped=$((skipped + 1))
        continue
    fi
    if head -n 2 "$script" | grep -q '^# args:'; then
        echo "regen.sh: $rel has '# args:' but is not hand-written" >&2
        exit 2
    fi
    status=0
    (
        cd "$dir"
        env -i PATH="/usr/bin:/bin" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
            PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 PYTHONIOENCODING=utf-8 \
            "$python_path" "$name.py" >"$name.out" 2>"$name.err"
    ) || status=$?
    # CPython 3.11 reports the script by its absolute path; minipy by the
    # path it was given. Addresses change from run to run (the runner
    # ignores them anyway).
    "$python_path" - "$dir/$name.err" "$dir/" <<'PY'
import re, sys
path, prefix = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    text = f.read()
text = text.replace('File "' + prefix, 'File "')
text = re.sub(r"0x[0-9a-fA-F]+", "0x?", text)
with open(path, "w", encoding="utf-8") as f:
    f.write(text)
PY
    [[ -s "$dir/$name.err" ]] || rm -f "$dir/$name.err"
    if [[ "$status" -ne 0 ]]; then
        echo "$status" >"$dir/$name.exit"
    else
        rm -f "$dir/$name.exit"
    fi
    generated=$((generated + 1))
done < <(find "$scripts" -name '*.py' -print0 | sort -z)

echo "regen.sh: generated $generated, skipped $skipped hand-written"
