#!/usr/bin/env bash
# Runs the ledger's crash properties against the packed CrashLab kit (../../out/packages).
# Usage: run-tests.sh [--bug ack-before-fsync|rename-without-fsync] [dotnet test options]
# With --bug the ledger has that classic mistake back, and the properties must fail.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ "${1:-}" == "--bug" ]]; then
  case "${2:-}" in
    ack-before-fsync|rename-without-fsync) export ACME_LEDGER_BUG="$2" ;;
    *) echo "run-tests.sh: --bug takes ack-before-fsync or rename-without-fsync" >&2; exit 2 ;;
  esac
  shift 2
fi
exec dotnet test "$here/tests/Acme.Ledger.Tests" "$@"
