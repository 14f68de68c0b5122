#!/usr/bin/env bash
# Stops the throwaway PostgreSQL started by infra/postgres/start.sh. Idempotent: a stopped or missing
# server is not an error. With --remove the state directory is deleted too.
# Usage: infra/postgres/stop.sh DIR [--remove]
set -euo pipefail
DIR="${1:?usage: stop.sh DIR [--remove]}"
REMOVE="${2:-}"
PG_BIN="${PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  for candidate in /usr/lib/postgresql/*/bin; do [[ -x "$candidate/pg_ctl" ]] && PG_BIN="$candidate"; done
  [[ -z "$PG_BIN" ]] && PG_BIN="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")"
fi
if [[ -f "$DIR/data/PG_VERSION" ]]; then
  if [[ "$(id -u)" == "0" ]]; then
    su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1 \
      && su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$DIR/data' -m fast -w stop" >&2
  else
    "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 && "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2
  fi
fi
[[ "$REMOVE" == "--remove" ]] && rm -rf "$DIR"
exit 0
