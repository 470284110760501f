#!/usr/bin/env bash
# The main job: builds CrashLab in Release and runs the crashlab CLI.
#   ./run-crash-tests.sh            a short (about a minute) default campaign on the reference engine
#   ./run-crash-tests.sh ARGS...    passes ARGS to the CLI, e.g.
#       ./run-crash-tests.sh certify --backend-cmd "python3 my_wal.py" --level L1
#       ./run-crash-tests.sh campaign --scenario all --duration 10m --workers 2
# Exit codes: 0 pass, 1 violation found, 2 usage error, 3 harness or infrastructure failure.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"

if ! command -v dotnet >/dev/null; then
  echo "run-crash-tests.sh: the .NET 10 SDK (dotnet) is not installed" >&2
  exit 3
fi

# publish-cli.sh rebuilds only when a source is newer than its last build.
if ! crashlab="$("$root/scripts/publish-cli.sh")"; then
  echo "run-crash-tests.sh: build failed" >&2
  exit 3
fi

if [[ $# -eq 0 ]]; then
  set -- campaign --backend reference --scenario all --duration 60s --workers 2 --out "$root/crashlab-out"
  echo "default campaign: $*" >&2
fi
exec "$crashlab" "$@"
