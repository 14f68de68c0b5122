#!/usr/bin/env bash
# Stops the silos started by infra/cluster/start.sh (by their recorded pids). Idempotent.
# Usage: infra/cluster/stop.sh DIR
set -euo pipefail
DIR="${1:?usage: stop.sh DIR}"
for pidfile in "$DIR"/silo*.pid; do
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
done
exit 0
