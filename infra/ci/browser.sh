#!/usr/bin/env bash
# Installs Debian's chromium for the web console's browser tests (Microsoft.Playwright launches /usr/bin/chromium;
# Playwright's own browser download is not used). Run as root, or with sudo available.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
    exit 0
fi
run=(); [ "$(id -u)" -eq 0 ] || run=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq chromium >/dev/null
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
