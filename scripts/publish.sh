#!/usr/bin/env bash
# Publishes a project precompiled (ReadyToRun), because start-up time bounds crash cycles per
# second. Usage: scripts/publish.sh PROJECT.csproj OUTDIR EXECUTABLE; prints OUTDIR/EXECUTABLE.
set -euo pipefail
project="$1" out="$2" executable="$3"
rid="$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')"
dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o "$out" --nologo -v quiet >&2
echo "$out/$executable"
