#!/usr/bin/env bash
# The nightly crash-campaign job, in the image or on any machine with crashlab published.
#   nightly.sh [shard]   run this machine's shard of tonight's campaign into $REPORT_DIR/shard-<i>
#   nightly.sh merge     merge $REPORT_DIR/shard-* into $REPORT_DIR/merged (fails on a missing or duplicated shard)
# Settings (environment):
#   CRASHLAB_SHARD      i/N; or CRASHLAB_SHARDS=N with the index from JOB_COMPLETION_INDEX (Kubernetes
#                       Indexed Job) or CRASHLAB_SHARD_INDEX. Default 0/1 (unsharded).
#   CRASHLAB_DURATION   time budget of the shard (default 30m); CRASHLAB_SCENARIO (default all)
#   CRASHLAB_CHAINS     optional: a fixed number of chains per scenario, split across the shards
#   CRASHLAB_SEED       campaign seed, the same on every shard (default: today's date, YYYYMMDD)
#   CRASHLAB_BACKEND    reference (default), mutant:NAME; or CRASHLAB_BACKEND_CMD for any backend
#   CRASHLAB_WORKERS    parallel chains per shard (default: number of CPUs)
#   REPORT_DIR          where reports go (default /reports in the image, ./crashlab-nightly elsewhere)
#   CRASHLAB            the crashlab executable (default: beside this script, then out/crashlab/crashlab)
# Exit codes are crashlab's: 0 pass, 1 violation, 2 usage (e.g. a missing shard), 3 infrastructure;
# 130/143 when SIGINT/SIGTERM stopped the shard early (its reports are still written).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mode="${1:-shard}"

crashlab="${CRASHLAB:-}"
if [[ -z "$crashlab" ]]; then
  for candidate in "$here/crashlab" "$here/../out/crashlab/crashlab"; do
    if [[ -x "$candidate" ]]; then crashlab="$candidate"; break; fi
  done
fi
if [[ -z "$crashlab" || ! -x "$crashlab" ]]; then
  echo "nightly.sh: crashlab not found; set CRASHLAB or run scripts/publish-cli.sh first" >&2
  exit 3
fi

if [[ -d /reports && -w /reports ]]; then default_reports=/reports; else default_reports="$PWD/crashlab-nightly"; fi
reports="${REPORT_DIR:-$default_reports}"

case "$mode" in
  merge)
    shopt -s nullglob
    shards=("$reports"/shard-*)
    if [[ ${#shards[@]} -eq 0 ]]; then
      echo "nightly.sh: no shard reports under $reports" >&2
      exit 2
    fi
    exec "$crashlab" merge "${shards[@]}" --out "$reports/merged"
    ;;
  shard)
    if [[ -n "${CRASHLAB_SHARD:-}" ]]; then
      shard="$CRASHLAB_SHARD"
    else
      count="${CRASHLAB_SHARDS:-1}"
      index="${JOB_COMPLETION_INDEX:-${CRASHLAB_SHARD_INDEX:-0}}"
      shard="$index/$count"
    fi
    index="${shard%%/*}"
    seed="${CRASHLAB_SEED:-$(date -u +%Y%m%d)}"
    workers="${CRASHLAB_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
    if [[ -n "${CRASHLAB_BACKEND_CMD:-}" ]]; then
      backend=(--backend-cmd "$CRASHLAB_BACKEND_CMD")
    else
      backend=(--backend "${CRASHLAB_BACKEND:-reference}")
    fi
    chains=()
    if [[ -n "${CRASHLAB_CHAINS:-}" ]]; then chains=(--chains "$CRASHLAB_CHAINS"); fi
    echo "nightly.sh: shard $shard, seed $seed, ${CRASHLAB_DURATION:-30m}, $workers worker(s), reports in $reports/shard-$index" >&2
    # exec: SIGTERM from the scheduler reaches crashlab, which finishes the current crash states and writes its reports.
    exec "$crashlab" campaign "${backend[@]}" --scenario "${CRASHLAB_SCENARIO:-all}" \
      --duration "${CRASHLAB_DURATION:-30m}" --seed "$seed" --workers "$workers" \
      --shard "$shard" "${chains[@]}" --out "$reports/shard-$index"
    ;;
  -h|--help|help)
    sed -n '2,18p' "$0"
    ;;
  *)
    echo "nightly.sh: unknown mode '$mode' (shard, merge or help)" >&2
    exit 2
    ;;
esac
