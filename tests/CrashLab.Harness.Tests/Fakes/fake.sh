#!/usr/bin/env bash
# A deliberately misbehaving backend for the harness's tests. Usage: fake.sh MODE [MARKER]
mode="$1"
ready='{"event":"ready","protocol":1,"backend":"fake","first_lsn":1,"next_lsn":1,"corruption":null}'
id_of() { sed -n 's/.*"id":\([0-9]*\).*/\1/p' <<<"$1"; }
case "$mode" in
  no-ready) sleep 300 ;;
  garbage) echo "$ready"; while read -r line; do echo "this is not json"; done ;;
  flood-stdout) echo "$ready"; read -r line; head -c 5000000 /dev/zero | tr '\0' 'x'; sleep 300 ;;
  flood-stderr)
    echo "$ready"
    ( for i in $(seq 1 200000); do echo "log line $i with some padding to make it longer than usual" >&2; done ) &
    while read -r line; do printf '{"id":%s,"ok":true,"first_lsn":1,"next_lsn":1,"durable_lsn":0}\n' "$(id_of "$line")"; done ;;
  close-stdout) echo "$ready"; exec 1>&-; sleep 300 ;;
  hang) echo "$ready"; while read -r line; do :; done ;;
  exit-early) echo "$ready"; read -r line; exit 3 ;;
  unknown-id) echo "$ready"; while read -r line; do printf '{"id":%s,"ok":true,"first_lsn":1,"next_lsn":1,"durable_lsn":0}\n' "$(( $(id_of "$line") + 1000 ))"; done ;;
  orphan)
    sleep 300 "$2" &
    # Ready only once the child is sleep itself: until it execs, its command line is bash's.
    until grep -qa "^sleep" "/proc/$!/cmdline" 2>/dev/null; do :; done
    echo "$ready"; sleep 300 ;;
  orphan-own-session)
    # A child that leaves the group: only the process tree still leads to it.
    setsid sleep 300 "$2" &
    until grep -qa "^sleep" "/proc/$!/cmdline" 2>/dev/null; do :; done
    echo "$ready"; sleep 300 ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
