#!/usr/bin/env bash
# Measures import, export, document open and span insert on 10,000 generated documents
# (see docs/performance.md). Extra arguments go to glossa-bench (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --locked -q -p glossa-bench -- "$@"
