#!/usr/bin/env bash
# Single-silo benchmark on the embedded default: builds Release, starts a silo on a free loopback port with a
# fresh SQLite file in a temp directory, runs the load tester against it, prints its figures and stops the silo.
# Extra arguments go to the load tester (e.g. --concurrency 32 --duration 20). The default warmup is 20 s: on 2 cores the
# runtime is still compiling the hot path to optimized code (tiered JIT) for about 15 s under load; the figures are
# the steady state a long-running silo serves. --world-model (taken by this script) starts the silo with the shipped
# world model in its decision path; environment variables reach the silo's configuration (e.g. Inference__MaxBatch=16).
set -euo pipefail
silo_args=()
rest=()
for arg in "$@"; do
    if [ "$arg" = "--world-model" ]; then silo_args+=(--world-model); else rest+=("$arg"); fi
done
set -- "${rest[@]+"${rest[@]}"}"
cd "$(dirname "$0")/../.."
dotnet build clients/SafeMcp.Cli -c Release -v quiet -nologo >/dev/null
dotnet build clients/SafeMcp.LoadTest -c Release -v quiet -nologo >/dev/null
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet clients/SafeMcp.Cli/bin/Release/net10.0/safemcp.dll silo --urls "http://127.0.0.1:$port" --sqlite "$work/silo.db" "${silo_args[@]+"${silo_args[@]}"}" >"$work/silo.log" 2>&1 &
silo=$!
trap 'kill $silo 2>/dev/null; wait $silo 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/silo.log" 2>/dev/null && break
    sleep 0.2
done
key=$(grep -o 'smk_[A-Za-z0-9_-]*' "$work/silo.log" | head -n 1)
[ -n "$key" ] || { cat "$work/silo.log"; exit 1; }
# Defaults, unless the caller gave the option.
args=("$@")
for default in "--sessions 1000" "--concurrency 32" "--duration 15" "--warmup 20"; do
    [[ " $* " == *" ${default%% *} "* ]] || args+=($default)
done
dotnet clients/SafeMcp.LoadTest/bin/Release/net10.0/safemcp-loadtest.dll --url "http://127.0.0.1:$port" --key "$key" "${args[@]}"
