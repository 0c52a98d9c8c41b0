#!/usr/bin/env bash
# Installs MaceMD's system libraries (Debian/Ubuntu) when missing, then builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for pkg in libopenblas-dev libnetcdf-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y "${missing[@]}"
fi
swift build -c release --product macemd
