#!/usr/bin/env bash
# Starts a local SafeMCP cluster: N silos on one PostgreSQL database, on consecutive loopback ports.
# Public ports BASE..BASE+N-1 (HTTP/1.1), internal h2c ports BASE+100..BASE+100+N-1 (silo to silo).
# Prints the silo URLs and the bootstrap tenant key; writes pids and logs under --dir.
# Stop it with infra/cluster/stop.sh DIR.
#
# Usage: infra/cluster/start.sh [--silos N] [--base-port PORT] [--postgres CS] [--dir DIR] [--configuration C] [--no-build] [--world-model]
#   --silos          number of silos (default 3)
#   --base-port      first public port (default 5080)
#   --postgres       connection string (default: $SAFEMCP_POSTGRES, e.g. from infra/postgres/start.sh)
#   --dir            state directory for pids and logs (default: a new one from mktemp)
#   --configuration  build configuration (default Release)
#   --world-model    every silo consults the shipped world model in its decision path (default: rules alone)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SILOS=3 BASE=5080 CS="${SAFEMCP_POSTGRES:-}" DIR="" CONFIG=Release BUILD=1 WORLD_MODEL=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --silos) SILOS="$2"; shift 2 ;;
    --base-port) BASE="$2"; shift 2 ;;
    --postgres) CS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --configuration) CONFIG="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --world-model) WORLD_MODEL=(--world-model); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$CS" ]] || { echo "No PostgreSQL: pass --postgres or source the output of infra/postgres/start.sh." >&2; exit 2; }
[[ -z "$DIR" ]] && DIR="$(mktemp -d -t safemcp-cluster.XXXXXX)"
mkdir -p "$DIR"

if [[ "$BUILD" == "1" ]]; then
  dotnet build "$ROOT/clients/SafeMcp.Cli/SafeMcp.Cli.csproj" -c "$CONFIG" -v quiet -nologo >&2
fi
DLL="$ROOT/clients/SafeMcp.Cli/bin/$CONFIG/net10.0/safemcp.dll"
[[ -f "$DLL" ]] || { echo "$DLL not built." >&2; exit 1; }

# Every silo signs the audit chain with the same key file, outside the database: SAFEMCP_AUDIT_KEYS, else one made in --dir.
KEYS="${SAFEMCP_AUDIT_KEYS:-$DIR/audit-keys}"
[[ -f "$KEYS" ]] || dotnet "$DLL" audit new-key --file "$KEYS" --id k1 >&2
# Migrations run as the owner role when SAFEMCP_POSTGRES_OWNER is set (infra/postgres/start.sh prints it); the silos read it.

URLS=()
for ((i = 0; i < SILOS; i++)); do
  PORT=$((BASE + i)) INTERNAL=$((BASE + 100 + i))
  if [[ -f "$DIR/silo$i.pid" ]] && kill -0 "$(cat "$DIR/silo$i.pid")" 2>/dev/null; then
    echo "silo $i already running (pid $(cat "$DIR/silo$i.pid"))" >&2
  else
    # The first silo alone creates the bootstrap tenant; the others wait for it so the key is printed once.
    BOOT=() ; [[ $i -gt 0 ]] && BOOT=(--no-bootstrap)
    nohup dotnet "$DLL" silo --urls "http://127.0.0.1:$PORT" --internal-url "http://127.0.0.1:$INTERNAL" \
      --postgres "$CS" --audit-keys "$KEYS" --name "silo$i" "${BOOT[@]}" "${WORLD_MODEL[@]}" > "$DIR/silo$i.log" 2>&1 &
    echo $! > "$DIR/silo$i.pid"
  fi
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    kill -0 "$(cat "$DIR/silo$i.pid")" 2>/dev/null || { echo "silo $i exited:" >&2; cat "$DIR/silo$i.log" >&2; exit 1; }
    sleep 0.1
  done
  URLS+=("http://127.0.0.1:$PORT")
done

KEY="$(grep -ho 'smk_[A-Za-z0-9_-]\{43\}' "$DIR"/silo*.log | head -1 || true)"
echo "export SAFEMCP_CLUSTER_DIR=$DIR"
echo "export SAFEMCP_AUDIT_KEYS=$KEYS"
echo "export SAFEMCP_SILOS=$(IFS=,; echo "${URLS[*]}")"
[[ -n "$KEY" ]] && echo "export SAFEMCP_API_KEY=$KEY" || echo "# bootstrap tenant existed already: use its key" >&2
