#!/usr/bin/env bash
# Installs the Node MCP servers the gateway's end-to-end tests put behind the gateway (the official reference
# servers, and the TypeScript SDK our own rogue server is built on), exactly as package-lock.json pins them.
# Idempotent: does nothing when node_modules was installed from the current lock file.
set -euo pipefail
cd "$(dirname "$0")/../../tests/SafeMcp.Gateway.Tests/node"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "npm.sh: node and npm are needed for the gateway tests (Node.js 20 or later)" >&2
    exit 1
fi
# npm writes node_modules/.package-lock.json on every install: newer than the lock file means up to date.
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    echo "npm.sh: node_modules is up to date ($(pwd))"
    exit 0
fi
npm ci --no-audit --no-fund
