#!/usr/bin/env bash
# Builds Glossa and runs the main job on the sample article: creates a project, imports the
# reference annotation, shows it, and exports it as native JSONL. (The desktop window arrives
# with the next milestone; this is the command-line round trip until then.)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cc >/dev/null; then
  apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config
fi
cargo build --release --locked -p glossa-cli
glossa=target/release/glossa
work=${GLOSSA_DEMO_DIR:-target/demo}
mkdir -p "$work"
rm -f "$work/sample.glossa" "$work/sample.glossa-wal" "$work/sample.glossa-shm"
$glossa init "$work/sample.glossa" --name "Sample article"
$glossa import "$work/sample.glossa" tests/fixtures/kursk-dprk-pows.gold.jsonl tests/fixtures/tricky.gold.jsonl
$glossa docs "$work/sample.glossa"
$glossa show "$work/sample.glossa" kursk-dprk-pows
$glossa export "$work/sample.glossa" --format jsonl --out "$work/sample.jsonl"
echo "Project: $work/sample.glossa   Export: $work/sample.jsonl"
