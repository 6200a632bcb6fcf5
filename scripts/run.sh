#!/usr/bin/env bash
# Sets up, builds and launches the Glossa desktop app. On first run it creates a default
# project (in the app-data folder) holding the sample article, and asks your name.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd ui && npm run build)
cargo build --release --locked -p glossa-app --features tauri/custom-protocol
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: starting Glossa under Xvfb (invisible). Run this from a desktop session to see it." >&2
  exec xvfb-run -a target/release/glossa-app
fi
exec target/release/glossa-app
