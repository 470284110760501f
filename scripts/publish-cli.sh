#!/usr/bin/env bash
# Publishes the crashlab CLI (with the reference engine beside it), precompiled (ReadyToRun):
# start-up time of the engine bounds crash cycles per second. Prints the path of the CLI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/out/crashlab}"
rid="$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')"
dotnet publish "$root/harness/CrashLab.Cli/CrashLab.Cli.csproj" \
  -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o "$out" --nologo -v quiet >&2
echo "$out/crashlab"
