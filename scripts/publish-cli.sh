#!/usr/bin/env bash
# Publishes the crashlab CLI with the reference engine beside it (ReadyToRun) into OUTDIR (default
# out/crashlab); prints the path of crashlab. It builds only when a source is newer than the last
# build (a timestamp comparison, a few milliseconds), or when CRASHLAB_REBUILD=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/out/crashlab}"
stamp="$out/.crashlab-built"
inputs=("$root/harness" "$root/engine" "$root/protocol" "$root/scenarios" "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/global.json")
if [[ "${CRASHLAB_REBUILD:-0}" != 1 && -x "$out/crashlab" && -f "$stamp" ]] \
   && [[ -z "$(find "${inputs[@]}" \( -name bin -o -name obj \) -prune -o -newer "$stamp" -type f -print -quit)" ]]; then
  echo "$out/crashlab"
  exit 0
fi
echo "building crashlab (Release, ReadyToRun) into $out..." >&2
"$root/scripts/publish.sh" "$root/harness/CrashLab.Cli/CrashLab.Cli.csproj" "$out" crashlab
touch "$stamp"
