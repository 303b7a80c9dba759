#!/usr/bin/env bash
# Valgrind memcheck over refcycle's release-mode test binaries: no invalid
# reads or writes anywhere, and no definite leaks in the tests that are not
# about leaking.
#
# Run from anywhere: `bash .ci/valgrind.sh`. Environment:
#   VALGRIND_JOBS   binaries checked at once (default: number of CPUs)
#
# Prints each binary's ERROR SUMMARY line and exits non-zero if valgrind
# found an error or a test failed under it. Installs valgrind with apt-get
# if it is missing; when that is not possible it prints one line and exits
# 0 (the check is skipped, as .ci/run does for Miri).
#
# The subset, and why (about 35 seconds of valgrind on 2 cores, after the
# release build; from a cold build the whole run takes 3 to 5 minutes,
# most of it compiling):
# - every test binary of the `refcycle` package, one test thread each;
# - deep_chain without its 10-million-node test: it takes a minute alone
#   under valgrind and checks nothing the 1-million-node tests do not;
# - wrong_trace and leak_report are about leaking (a wrong `Trace` impl
#   may leak; leak_report makes leaks on purpose), so in them definite
#   leaks are not errors; invalid reads and writes still are;
# - snapshot_export without its Graphviz rendering tests when `dot` is not
#   installed: under valgrind, spawning a missing program appears to
#   succeed (the child then exits with 127), so those tests cannot tell
#   that `dot` is absent;
# - tests that re-run their own binary in a subprocess (the stderr checks)
#   run that child natively: valgrind does not follow children.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
start=$SECONDS

have_valgrind() {
    command -v valgrind >/dev/null 2>&1
}

install_valgrind() {
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo=(sudo -n)
    fi
    echo "valgrind not found; trying: apt-get update && apt-get install -y valgrind"
    command -v apt-get >/dev/null 2>&1 &&
        "${sudo[@]}" apt-get update -qq >/dev/null &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq valgrind >/dev/null
}

if ! have_valgrind && ! { install_valgrind && have_valgrind; }; then
    echo "valgrind: not available on this machine (not installed and apt-get could not install it); valgrind checks skipped"
    exit 0
fi
valgrind --version

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# The test binaries: compiler artifacts built with the test profile.
echo "==> building the release-mode test binaries"
if ! cargo test --release --no-run -p refcycle --message-format=json \
    >"$logs/build.json" 2>"$logs/build.err"; then
    tail -n 40 "$logs/build.err"
    echo "valgrind: the release-mode test binaries do not build"
    exit 1
fi
mapfile -t exes < <(
    grep '"reason":"compiler-artifact"' "$logs/build.json" |
        grep '"test":true' |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p'
)
if [ "${#exes[@]}" -eq 0 ]; then
    echo "valgrind: cargo built no test binaries"
    exit 1
fi
echo "<== built ${#exes[@]} binaries in $((SECONDS - start))s"

# binary name: the file name without cargo's hash.
name_of() {
    basename "$1" | sed 's/-[0-9a-f]\{16\}$//'
}

# Per-binary valgrind options and test filters (see the header).
leak_kinds_of() {
    case "$1" in
    wrong_trace | leak_report) echo none ;;
    *) echo definite ;;
    esac
}

filters_of() {
    case "$1" in
    deep_chain) echo "--skip dropping_a_ten_million_node_chain_does_not_overflow_the_stack" ;;
    snapshot_export)
        if ! command -v dot >/dev/null 2>&1; then
            echo "--skip dot_export --skip names_that_need_escaping"
        fi
        ;;
    esac
}

# check EXE: runs one binary under valgrind; leaves its stderr in
# $logs/NAME.err, its stdout in $logs/NAME.out and its status in
# $logs/NAME.rc.
check() {
    local exe=$1 name
    name=$(name_of "$exe")
    local rc=0
    # shellcheck disable=SC2046 # the filters are words
    valgrind --error-exitcode=1 --errors-for-leak-kinds="$(leak_kinds_of "$name")" \
        --leak-check=full "$exe" --test-threads=1 $(filters_of "$name") \
        >"$logs/$name.out" 2>"$logs/$name.err" || rc=$?
    echo "$rc" >"$logs/$name.rc"
}

# The slowest binary first, so that it overlaps with the others.
mapfile -t exes < <(printf '%s\n' "${exes[@]}" | awk '/deep_chain/ {print; next} {rest = rest $0 "\n"} END {printf "%s", rest}')

jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "==> valgrind memcheck, ${jobs} at a time"
run_start=$SECONDS
running=0
for exe in "${exes[@]}"; do
    check "$exe" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

failed=()
for exe in "${exes[@]}"; do
    name=$(name_of "$exe")
    rc=$(cat "$logs/$name.rc")
    summary=$(grep 'ERROR SUMMARY' "$logs/$name.err" | tail -n 1 | sed 's/^==[0-9]*== //')
    printf '  %-36s %s\n' "$name" "${summary:-no ERROR SUMMARY (valgrind did not finish)}"
    if [ "$rc" != 0 ]; then
        failed+=("$name")
        echo "---- $name: exit status $rc; the end of its output:"
        tail -n 40 "$logs/$name.out"
        grep -v '^==[0-9]*==    \(at\|by\) ' "$logs/$name.err" | tail -n 60
    fi
done
echo "<== valgrind: ${#exes[@]} binaries in $((SECONDS - run_start))s (total $((SECONDS - start))s)"

if [ "${#failed[@]}" -ne 0 ]; then
    echo "valgrind: errors or failing tests in: ${failed[*]}"
    exit 1
fi
echo "valgrind: no errors"
