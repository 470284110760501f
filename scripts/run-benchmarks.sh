#!/usr/bin/env bash
# Runs the engine and harness benchmarks and writes bench-results/benchmarks.json. Figures are
# ratios to baselines measured in the same run (this kind of machine is shared and noisy); each
# is printed with its target. The harness figures run the Python example through FUSE, which
# needs root and /dev/fuse.
# Usage: scripts/run-benchmarks.sh [benchmark options, e.g. --quick, --seconds 3, --only wal|harness|states|certify]
# A full run writes bench-results/benchmarks.json; --only NAME writes bench-results/benchmarks-NAME.json
# (a group's run does not overwrite the full run's figures). Every run ends with a table of issue 23's
# figures against their targets (met / NOT MET / not measured in this run), also written to
# bench-results/targets[-NAME].txt and .json. `--only certify` times the documented L4 certification of
# the Python example (minutes; never part of a full run) and keeps its reports in bench-results/certify-l4.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/native-build.sh
source "$root/scripts/lib/native-build.sh"
cli="$("$root/scripts/publish-cli.sh")"
bin="$(dirname "$cli")"
"$root/scripts/publish.sh" "$root/tests/CrashLab.TrivialChild/CrashLab.TrivialChild.csproj" "$root/out/trivial" crashlab-trivial-child >/dev/null
# A native engine (publish-cli.sh) is printed against the same trivial child compiled natively too;
# the yardstick stays the .NET child above.
trivial_native=()
if [[ -e "$bin/.crashlab-engine-native" ]]; then
  rm -rf "$root/out/trivial-native"
  native_child="$("$root/scripts/publish.sh" --native "$root/tests/CrashLab.TrivialChild/CrashLab.TrivialChild.csproj" "$root/out/trivial-native" crashlab-trivial-child)"
  if built_native "$root/out/trivial-native" crashlab-trivial-child; then trivial_native=(--trivial-native "$native_child"); fi
fi
dotnet build "$root/tests/CrashLab.Benchmarks" -c Release --nologo -v quiet >&2
mkdir -p "$root/bench-results"
out="$root/bench-results/benchmarks.json"
previous=""
for arg in "$@"; do
  if [[ "$previous" == "--only" ]]; then out="$root/bench-results/benchmarks-$arg.json"; fi
  previous="$arg"
done
exec dotnet "$root/artifacts/bin/CrashLab.Benchmarks/release/CrashLab.Benchmarks.dll" \
  --engine "$bin/crashlab-engine" --trivial "$root/out/trivial/crashlab-trivial-child" "${trivial_native[@]}" \
  --fuse "$bin/crashlab-fuse" --python-backend "$root/examples/backends/python/simple_wal.py" --scenarios "$root/scenarios" \
  --crashlab "$cli" --out "$out" --dir "$root/out" "$@"
