#!/usr/bin/env bash
# Sets up what the tests need and runs every test: formatting, lints, type checks, the Rust
# unit, integration and snapshot tests (with the TypeScript-types drift check), the UI's unit
# tests, its screens in headless Chromium with mocked IPC, the real window end to end under
# Xvfb, the export formats checked by the Python tools that read them (scripts/interop.sh),
# and a benchmark smoke run. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --with-test-tools
rustup component add rustfmt clippy >/dev/null 2>&1 || true

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== UI: type check and build (the app embeds ui/dist)"
(cd ui && npm run check && npm run build)

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== benchmark smoke run (small corpus; figures come from scripts/bench.sh)"
cargo run --locked -q -p glossa-bench -- --docs 200 --runs 1 --ops 20 >/dev/null

echo "== Rust tests"
cargo test --workspace --locked 2>&1 | tee -a "$log"

echo "== UI unit tests"
(cd ui && npm run test:unit) 2>&1 | tee -a "$log"

echo "== UI tests in headless Chromium, mocked IPC"
(cd ui && npm run test:ui) 2>&1 | tee -a "$log"

echo "== end to end: the real window under Xvfb, through tauri-driver"
cargo build --locked -p glossa-app -p glossa-cli --features tauri/custom-protocol
(cd ui && xvfb-run -a -s "-screen 0 1400x900x24" npm run test:e2e) 2>&1 | tee -a "$log"

echo "== interop: every export read by the tools on the other end (Python venvs from PyPI)"
scripts/interop.sh "$PWD/target/debug/glossa" 2>&1 | tee -a "$log"

# One closing line over every runner: cargo prints "test result: ok. N passed; N failed; …"
# per binary, node's test runner "# pass N" and "# fail N".
awk '/^test result:/ { p += $4; f += $6; s += $8 }
     /^# pass / { p += $3 } /^# fail / { f += $3 } /^# skipped / { s += $3 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
