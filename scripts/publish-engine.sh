#!/usr/bin/env bash
# Publishes the reference engine host, precompiled (ReadyToRun) because start-up time bounds
# crash cycles per second. Prints the path of the executable.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/out/engine}"
rid="$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')"
dotnet publish "$root/engine/CrashLab.Engine.Host/CrashLab.Engine.Host.csproj" \
  -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o "$out" --nologo -v quiet >&2
echo "$out/crashlab-engine"
