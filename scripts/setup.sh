#!/usr/bin/env bash
# Installs what building, running and testing Glossa needs on Debian 12 (as root, or with
# sudo): the WebKitGTK stack for the Tauri window, Xvfb and WebKitWebDriver for headless
# end-to-end tests, Chromium for UI tests, the UI's npm packages, and tauri-driver.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev build-essential pkg-config libssl-dev xvfb xauth x11-utils
  webkit2gtk-driver imagemagick chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--with-test-tools" ] && ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --version ^2 --locked
fi

# npm 'ci' installs exactly package-lock.json; the lock records no download scripts to run.
(cd ui && npm ci --no-fund --no-audit)
