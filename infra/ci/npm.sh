#!/usr/bin/env bash
# Installs the Node MCP servers the gateway's end-to-end tests put behind the gateway (the official reference
# servers and our own rogue server's SDK), exactly as package-lock.json pins them. Idempotent: skips the
# install when node_modules already matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../../tests/SafeMcp.Gateway.Tests/node"
if ! command -v npm >/dev/null 2>&1; then
    echo "npm.sh: npm is not installed (Node.js 20 or later is needed for the gateway tests)" >&2
    exit 1
fi
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && cmp -s <(sed -n '/"packages"/,$p' package-lock.json | grep -c '"version"') <(sed -n '/"packages"/,$p' "$stamp" | grep -c '"version"') \
    && [ "$stamp" -nt package-lock.json ]; then
    echo "npm.sh: node_modules is up to date"
    exit 0
fi
npm ci --no-audit --no-fund
