#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for SafeMCP Cluster: initdb in a temporary directory, loopback port, an owner role
# (safemcp_owner: owns database 'safemcp', runs the migrations) and the runtime role the silos connect as (safemcp_app:
# owns nothing, no superuser, no BYPASSRLS; its rights come from the group role safemcp_runtime, which the migrations
# grant exactly what a silo needs).
# Idempotent: run again with the same --dir and it starts the existing server (or reports it running).
# Prints 'export SAFEMCP_POSTGRES=...' (the runtime role's connection string), 'export SAFEMCP_POSTGRES_OWNER=...' (the
# owner's, for migrations) and 'export SAFEMCP_POSTGRES_DIR=...' on stdout; progress goes to stderr. Stop it with infra/postgres/stop.sh DIR.
#
# Usage: infra/postgres/start.sh [--dir DIR] [--port PORT]
#   --dir   state directory (default: a new one from mktemp under $TMPDIR)
#   --port  loopback port (default: the first free port from 55432 up)
# Runs as root (initdb and the server run as the 'postgres' user via su) or as an ordinary user.
set -euo pipefail

PG_BIN="${PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  for candidate in /usr/lib/postgresql/*/bin; do [[ -x "$candidate/initdb" ]] && PG_BIN="$candidate"; done
  [[ -z "$PG_BIN" ]] && PG_BIN="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
fi
[[ -x "$PG_BIN/initdb" ]] || { echo "PostgreSQL server binaries not found; set PG_BIN." >&2; exit 2; }

DIR="" PORT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -z "$DIR" ]] && DIR="$(mktemp -d -t safemcp-pg.XXXXXX)"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

# The server refuses to run as root: as root, the data belongs to 'postgres' and commands run through su.
if [[ "$(id -u)" == "0" ]]; then
  PG_USER=postgres
  run_pg() { su "$PG_USER" -s /bin/sh -c "$*"; }
else
  PG_USER="$(id -un)"
  run_pg() { sh -c "$*"; }
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ -f "$DIR/port" ]]; then
  PORT="$(cat "$DIR/port")"
elif [[ -z "$PORT" ]]; then
  PORT=55432
  while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
fi

if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
  mkdir -p "$DIR/data" "$DIR/socket"
  chmod 700 "$DIR/socket"
  umask 077
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/superuser.pw"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/app.pw"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/owner.pw"
  echo "$PORT" > "$DIR/port"
  [[ "$(id -u)" == "0" ]] && chown -R "$PG_USER" "$DIR"
  echo "initdb in $DIR/data" >&2
  run_pg "'$PG_BIN/initdb' -D '$DIR/data' -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile='$DIR/superuser.pw' -E UTF8 --locale=C.UTF-8" >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  cat >> "$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR/socket'
max_connections = 200
shared_buffers = 128MB
fsync = on
synchronous_commit = on
CONF
  NEW=1
else
  NEW=0
fi

if run_pg "'$PG_BIN/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1; then
  echo "PostgreSQL already running on 127.0.0.1:$PORT" >&2
else
  run_pg "'$PG_BIN/pg_ctl' -D '$DIR/data' -l '$DIR/server.log' -w -t 60 start" >&2
fi

psql_super() { run_pg "'$PG_BIN/psql' -h '$DIR/socket' -p $PORT -U postgres -v ON_ERROR_STOP=1 -qAt $*"; }
if [[ "$NEW" == "1" ]]; then
  APP_PW="$(cat "$DIR/app.pw")"
  OWNER_PW="$(cat "$DIR/owner.pw")"
  psql_super "-d postgres -c \"CREATE ROLE safemcp_owner LOGIN PASSWORD '$OWNER_PW' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE\"" >&2
  psql_super "-d postgres -c \"CREATE ROLE safemcp_runtime NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE\"" >&2
  psql_super "-d postgres -c \"CREATE ROLE safemcp_app LOGIN PASSWORD '$APP_PW' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE IN ROLE safemcp_runtime\"" >&2
  psql_super "-d postgres -c \"CREATE DATABASE safemcp OWNER safemcp_owner\"" >&2
  psql_super "-d safemcp -c \"REVOKE ALL ON DATABASE safemcp FROM PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE safemcp TO safemcp_runtime; REVOKE CREATE ON SCHEMA public FROM PUBLIC\"" >&2
fi

APP_PW="$(cat "$DIR/app.pw")"
CS="Host=127.0.0.1;Port=$PORT;Database=safemcp;Username=safemcp_app;Password=$APP_PW"
if [[ -f "$DIR/owner.pw" ]]; then
  OWNER_CS="Host=127.0.0.1;Port=$PORT;Database=safemcp;Username=safemcp_owner;Password=$(cat "$DIR/owner.pw")"
else
  OWNER_CS="$CS" # a server made before the owner role existed: the app role owns the database
fi
printf 'export SAFEMCP_POSTGRES=%q\nexport SAFEMCP_POSTGRES_OWNER=%q\nexport SAFEMCP_POSTGRES_DIR=%q\n' "$CS" "$OWNER_CS" "$DIR" > "$DIR/env"
[[ "$(id -u)" == "0" ]] && chown "$PG_USER" "$DIR/env"
cat "$DIR/env"
