#!/usr/bin/env bash
# Installs `safemcp` and `safemcp-gateway` as .NET tools: packs both into a local folder and installs them from it
# (only from it: a nuget.config naming that folder alone, so nothing is fetched and no registry package of the
# same name is taken instead).
#
#   bash infra/tools/install.sh                   # global tools, in ~/.dotnet/tools (put it on PATH)
#   bash infra/tools/install.sh --tool-path DIR   # into DIR instead
set -euo pipefail
cd "$(dirname "$0")/../.."

where=(--global)
case "${1:-}" in
    --tool-path) [ -n "${2:-}" ] || { echo "usage: $0 [--tool-path DIR]" >&2; exit 2; }; where=(--tool-path "$2") ;;
    "") ;;
    *) echo "usage: $0 [--tool-path DIR]" >&2; exit 2 ;;
esac

feed="$(pwd)/artifacts/tools"
rm -rf "$feed" && mkdir -p "$feed"
cat > "$feed/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="safemcp-local" value="$feed" />
  </packageSources>
</configuration>
CONFIG

version=1.0.0
for project in clients/SafeMcp.Cli clients/SafeMcp.Gateway; do
    echo "== pack $project"
    dotnet pack "$project" -c Release -o "$feed" -p:PackageVersion=$version --nologo -v quiet
done

for package in SafeMcpCluster.Cli SafeMcpCluster.Gateway; do
    dotnet tool uninstall "${where[@]}" "$package" >/dev/null 2>&1 || true
    dotnet tool install "${where[@]}" "$package" --version $version --configfile "$feed/nuget.config"
done
if [ "${where[0]}" = --global ]; then
    case ":$PATH:" in
        *":$HOME/.dotnet/tools:"*) ;;
        *) echo "Add ~/.dotnet/tools to PATH: export PATH=\"\$PATH:\$HOME/.dotnet/tools\"" ;;
    esac
fi
