#!/usr/bin/env bash
# Publishes the crashlab CLI (ReadyToRun) with the reference engine beside it into OUTDIR (default
# out/crashlab); prints the path of crashlab. The engine is compiled natively where the machine can
# (scripts/publish.sh --native): it starts once per crash state, so its start-up bounds a campaign.
# It builds only when a source is newer than the last build (a timestamp comparison, a few
# milliseconds), or when CRASHLAB_REBUILD=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/native-build.sh
source "$root/scripts/lib/native-build.sh"
out="${1:-$root/out/crashlab}"
stamp="$out/.crashlab-built"
# The Python example and its modules are shipped beside the CLI (crashlab prove runs them): a change to them alone republishes.
inputs=("$root/harness" "$root/engine" "$root/protocol" "$root/scenarios" "$root/examples/backends/python" "$root/examples/backends/common" "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/global.json")
if [[ "${CRASHLAB_REBUILD:-0}" != 1 && -x "$out/crashlab" && -f "$stamp" ]] \
   && [[ -z "$(find "${inputs[@]}" \( -name bin -o -name obj \) -prune -o -newer "$stamp" -type f -print -quit)" ]]; then
  echo "$out/crashlab"
  exit 0
fi
echo "building crashlab (Release, ReadyToRun; the reference engine native where gcc or clang can link it) into $out..." >&2
"$root/scripts/publish.sh" "$root/harness/CrashLab.Cli/CrashLab.Cli.csproj" "$out" crashlab >/dev/null
# The CLI's publish put a ReadyToRun crashlab-engine there (and its dll, which the CLI also loads);
# a native engine replaces only the executable. Without one, the ReadyToRun engine stays.
native="$out/.engine-native"
rm -rf "$native" "$out/.crashlab-engine-native"
"$root/scripts/publish.sh" --native "$root/engine/CrashLab.Engine.Host/CrashLab.Engine.Host.csproj" "$native" crashlab-engine >/dev/null
if built_native "$native" crashlab-engine; then
  cp "$native/crashlab-engine" "$out/crashlab-engine"
  touch "$out/.crashlab-engine-native"
fi
rm -rf "$native"
touch "$stamp"
echo "$out/crashlab"
