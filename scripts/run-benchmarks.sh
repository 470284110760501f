#!/usr/bin/env bash
# Runs the engine benchmarks and writes bench-results/engine.json. Figures are ratios to
# baselines measured in the same run (this kind of machine is shared and noisy).
# Usage: scripts/run-benchmarks.sh [benchmark options, e.g. --quick, --seconds 3, --only wal]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
engine="$("$root/scripts/publish-engine.sh")"
"$root/scripts/publish.sh" "$root/tests/CrashLab.TrivialChild/CrashLab.TrivialChild.csproj" "$root/out/trivial" crashlab-trivial-child >/dev/null
dotnet build "$root/tests/CrashLab.Benchmarks" -c Release --nologo -v quiet >&2
mkdir -p "$root/bench-results"
exec dotnet "$root/artifacts/bin/CrashLab.Benchmarks/release/CrashLab.Benchmarks.dll" \
  --engine "$engine" --trivial "$root/out/trivial/crashlab-trivial-child" \
  --out "$root/bench-results/engine.json" --dir "$root/out" "$@"
