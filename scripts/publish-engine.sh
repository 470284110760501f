#!/usr/bin/env bash
# Publishes the reference engine host (ReadyToRun); prints the path of crashlab-engine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/publish.sh" "$root/engine/CrashLab.Engine.Host/CrashLab.Engine.Host.csproj" "${1:-$root/out/engine}" crashlab-engine
