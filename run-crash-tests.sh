#!/usr/bin/env bash
# The main job. Until the supervising harness lands (issue 4), this is a smoke crash test of
# the reference engine: start it, append with sync, SIGKILL it, restart it, read everything back.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  cat <<USAGE
Usage: ./run-crash-tests.sh [--records N]

Builds the reference engine (Release, ReadyToRun) and runs a crash smoke test on it:
N synced appends (default 200), SIGKILL, restart, and a byte-for-byte read-back.
Exit codes: 0 pass, 1 the engine lost or damaged acknowledged data, 2 usage error,
3 build or infrastructure failure.
USAGE
  exit 0
fi

records=200
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) records="${2:?--records needs a number}"; shift 2 ;;
    *) echo "run-crash-tests.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$records" =~ ^[1-9][0-9]*$ ]] || { echo "run-crash-tests.sh: --records must be a positive number" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "run-crash-tests.sh: the .NET SDK (dotnet) is not installed" >&2; exit 3; }

echo "building the reference engine (Release, ReadyToRun)..." >&2
engine="$("$root/scripts/publish-engine.sh")" || { echo "run-crash-tests.sh: build failed" >&2; exit 3; }
work="$(mktemp -d "${TMPDIR:-/tmp}/crashlab-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export CRASHLAB_DATA_DIR="$work/data" CRASHLAB_PROTOCOL=1
mkdir -p "$CRASHLAB_DATA_DIR"

field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }

# Run 1: synced appends, pipelined, then SIGKILL with no shutdown.
coproc ENGINE { exec "$engine" --segment-bytes 64KiB 2>"$work/engine1.log"; }
read -r -t 30 ready <&"${ENGINE[0]}" || { echo "FAIL: engine did not become ready" >&2; exit 1; }
echo "engine ready: $ready" >&2
for ((i = 1; i <= records; i++)); do
  payload="$(printf 'record-%06d-%s' "$i" "$(head -c $((i % 300)) /dev/zero | tr '\0' 'x')" | base64 -w0)"
  echo "$payload" >>"$work/expected"
  printf '{"id":%d,"op":"append","records":["%s"],"sync":true}\n' "$i" "$payload" >&"${ENGINE[1]}"
done
acked=0
for ((i = 1; i <= records; i++)); do
  read -r -t 30 reply <&"${ENGINE[0]}" || { echo "FAIL: reply $i missing" >&2; exit 1; }
  [[ "$reply" == *'"ok":true'* ]] || { echo "FAIL: append failed: $reply" >&2; exit 1; }
  acked=$((acked + 1))
done
kill -KILL "$ENGINE_PID"; wait "$ENGINE_PID" 2>/dev/null || true
echo "run 1: $acked durable appends acknowledged, then SIGKILL" >&2

# Run 2: recover and read everything back.
coproc ENGINE { exec "$engine" 2>"$work/engine2.log"; }
read -r -t 30 ready <&"${ENGINE[0]}" || { echo "FAIL: engine did not restart" >&2; exit 1; }
echo "engine restarted: $ready" >&2
[[ "$ready" == *'"corruption":null'* ]] || { echo "FAIL: false corruption report after a clean kill" >&2; exit 1; }
next="$(field next_lsn "$ready")"
[[ "$next" == "$((records + 1))" ]] || { echo "FAIL: recovered next_lsn $next, expected $((records + 1))" >&2; exit 1; }
from=1; id=1; : >"$work/actual"
while ((from < next)); do
  printf '{"id":%d,"op":"read","from_lsn":%d,"max_records":64}\n' "$id" "$from" >&"${ENGINE[1]}"
  read -r -t 30 reply <&"${ENGINE[0]}" || { echo "FAIL: read reply missing" >&2; exit 1; }
  grep -o '"data":"[^"]*"' <<<"$reply" | sed 's/"data":"\(.*\)"/\1/' >>"$work/actual"
  from="$(sed -n 's/.*"next_lsn":\([0-9]*\)}$/\1/p' <<<"$reply")"; id=$((id + 1))
done
printf '{"id":%d,"op":"shutdown"}\n' "$id" >&"${ENGINE[1]}"
read -r -t 30 reply <&"${ENGINE[0]}" || true
wait "$ENGINE_PID" || { echo "FAIL: engine exited non-zero after shutdown" >&2; exit 1; }

if cmp -s "$work/expected" "$work/actual"; then
  echo "PASS: all $records acknowledged records recovered byte for byte after SIGKILL"
else
  echo "FAIL: recovered records differ from those acknowledged" >&2
  diff <(head -c 2000 "$work/expected") <(head -c 2000 "$work/actual") | head >&2 || true
  exit 1
fi
