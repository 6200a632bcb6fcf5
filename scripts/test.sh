#!/usr/bin/env bash
# Sets up what the tests need and runs every test: formatting, lints, the benchmark smoke run,
# and all crates' unit, integration and snapshot tests. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "cargo is required (install Rust with rustup)" >&2
  exit 1
fi
# A C compiler builds the bundled SQLite.
if ! command -v cc >/dev/null; then
  apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== benchmark smoke run (small corpus; figures come from scripts/bench.sh)"
cargo run --locked -q -p glossa-bench -- --docs 200 --runs 1 --ops 20 >/dev/null

echo "== tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
# One closing line over every test binary (cargo prints one "test result" line per binary).
awk '/^test result:/ { p += $4; f += $6; s += $8 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
