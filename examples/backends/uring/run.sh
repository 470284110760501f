#!/usr/bin/env bash
# Runs uring_wal, compiling it first when the binary is missing or older than a source file.
# Needs gcc and Debian's liburing-dev (and zlib1g-dev). Arguments pass through, e.g. --bug offset.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/build.sh" >&2
exec "$here/build/uring_wal" "$@"
