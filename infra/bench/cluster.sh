#!/usr/bin/env bash
# Cluster benchmark on PostgreSQL: builds Release, starts a throwaway PostgreSQL (unless SAFEMCP_POSTGRES is set),
# N silos on it (infra/cluster/start.sh), runs the load tester against all of them (the client routes every
# session to its owner silo), prints durable decisions/s and latency percentiles, stops everything it started.
# With its own PostgreSQL it also prints the server's processor time per decision in the measured window.
# Usage: infra/bench/cluster.sh [--silos N] [--world-model] [load tester arguments; defaults --sessions 1000 --concurrency 32 --duration 15 --warmup 30]
# --world-model (taken by this script) starts every silo with the shipped world model in its decision path.
# The default warmup is 30 s: N silos on 2 cores each compile their hot path to optimized code (tiered JIT) under
# load, which takes longer than one silo alone; the figures are the steady state of a running cluster.
set -euo pipefail
cd "$(dirname "$0")/../.."
silos=3
if [[ "${1:-}" == "--silos" ]]; then silos="$2"; shift 2; fi
cluster_args=()
rest=()
for arg in "$@"; do
    if [[ "$arg" == "--world-model" ]]; then cluster_args+=(--world-model); else rest+=("$arg"); fi
done
set -- "${rest[@]+"${rest[@]}"}"
dotnet build clients/SafeMcp.Cli -c Release -v quiet -nologo >/dev/null
dotnet build clients/SafeMcp.LoadTest -c Release -v quiet -nologo >/dev/null
work=$(mktemp -d)
own_pg=""
cleanup() {
    infra/cluster/stop.sh "$work/cluster" || true
    [[ -n "$own_pg" ]] && infra/postgres/stop.sh "$own_pg" --remove || true
    rm -rf "$work"
}
trap cleanup EXIT
if [[ -z "${SAFEMCP_POSTGRES:-}" ]]; then
    eval "$(infra/postgres/start.sh)"
    own_pg="$SAFEMCP_POSTGRES_DIR"
fi
# Public and internal ports below the ephemeral range, all free (an ephemeral base could collide with a client socket).
base=$(python3 infra/cluster/free-base-port.py "$silos")
eval "$(infra/cluster/start.sh --silos "$silos" --base-port "$base" --dir "$work/cluster" --no-build "${cluster_args[@]+"${cluster_args[@]}"}")"
key="${SAFEMCP_API_KEY:-}"
[[ -n "$key" ]] || { echo "no bootstrap key (database not fresh): set SAFEMCP_API_KEY" >&2; exit 1; }
urls=(); IFS=, read -ra list <<<"$SAFEMCP_SILOS"; for u in "${list[@]}"; do urls+=(--url "$u"); done
# Load tester arguments: the given ones, each completed with the defaults it does not override.
args=("$@")
for default in "--sessions 1000" "--concurrency 32" "--duration 15" "--warmup 30"; do
    [[ " $* " == *" ${default%% *} "* ]] || args+=($default)
done
# PostgreSQL's processor time in the measured window, when the server runs here: the postmaster, its live backends and
# the children it reaped (cutime/cstime), read from /proc when the load tester starts measuring and when it is done.
pg_pid=""
if [[ -n "${SAFEMCP_POSTGRES_DIR:-}" && -r "$SAFEMCP_POSTGRES_DIR/data/postmaster.pid" ]]; then
    pg_pid=$(head -n 1 "$SAFEMCP_POSTGRES_DIR/data/postmaster.pid")
fi
pg_cpu_ticks() {
    local total=0 p ticks
    for p in $pg_pid $(pgrep -P "$pg_pid"); do
        ticks=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null) && total=$((total + ticks))
    done
    echo "$total"
}
start_ticks="" end_ticks="" decisions=""
while IFS= read -r line; do
    printf '%s\n' "$line"
    if [[ -n "$pg_pid" ]]; then
        case "$line" in
            *" measure]"*) [[ -n "$start_ticks" ]] || start_ticks=$(pg_cpu_ticks) ;;
            decisions*) end_ticks=$(pg_cpu_ticks); decisions=$(awk '{ print $2 }' <<<"$line") ;;
        esac
    fi
done < <(dotnet clients/SafeMcp.LoadTest/bin/Release/net10.0/safemcp-loadtest.dll "${urls[@]}" --key "$key" "${args[@]}")
if [[ -n "$start_ticks" && -n "$end_ticks" && "${decisions:-0}" -gt 0 ]]; then
    echo "postgres cpu $(( (end_ticks - start_ticks) * 1000000 / $(getconf CLK_TCK) / decisions )) µs per decision (server processes, measured window)"
fi
