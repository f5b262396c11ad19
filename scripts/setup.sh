#!/usr/bin/env bash
# Installs everything the suite needs on a fresh Debian machine: the Debian packages the tests use
# (.ci/apt-packages.txt; skipped when already installed) and the npm dependencies (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
packages=$(grep -v '^\s*#' .ci/apt-packages.txt | grep -v '^\s*$' | tr '\n' ' ')
missing=""
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages:$missing"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq $missing >/dev/null
fi

npm ci --no-audit --no-fund
