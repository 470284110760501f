#!/usr/bin/env bash
# Publishes the crashlab CLI with the reference engine beside it (ReadyToRun); prints the path of crashlab.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/publish.sh" "$root/harness/CrashLab.Cli/CrashLab.Cli.csproj" "${1:-$root/out/crashlab}" crashlab
