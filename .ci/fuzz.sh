#!/usr/bin/env bash
# Fuzzes the model test's target (fuzz/fuzz_targets/model.rs) for a bounded
# time: `bash .ci/fuzz.sh [SECONDS]` (default 60). Needs the nightly
# toolchain (cargo-fuzz builds with -Zsanitizer=address); without it, says
# so on one line and succeeds. Installs cargo-fuzz if it is missing.
# A crash fails the run; its input is kept in fuzz/artifacts/model/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-60}"
case "$seconds" in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS]" >&2
    exit 2
    ;;
esac

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "Fuzz: nightly toolchain not available; fuzzing skipped"
    exit 0
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cargo fuzz --version
cargo +nightly fuzz run model -- -max_total_time="$seconds"
