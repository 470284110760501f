#!/usr/bin/env bash
# Compiles uring_wal into build/ (only when a source is newer than the binary); prints nothing on success.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$here/build/uring_wal"
sources=("$here"/*.c "$here"/*.h)
if [[ -x "$binary" ]] && [[ -z "$(find "${sources[@]}" -newer "$binary")" ]]; then
  exit 0
fi
mkdir -p "$here/build"
# Build into a temporary name and rename: two first uses at once never run a half-written binary.
tmp="$(mktemp "$here/build/uring_wal.XXXXXX")"
if ! gcc -O2 -Wall -Wextra -o "$tmp" "$here"/*.c -luring -lz; then
  rm -f "$tmp"
  echo "uring_wal: build failed (needs gcc, liburing-dev and zlib1g-dev)" >&2
  exit 3
fi
mv -f "$tmp" "$binary"
