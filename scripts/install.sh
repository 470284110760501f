#!/usr/bin/env bash
# Installs the `crashlab` command: publishes the CLI (when its sources changed) into out/crashlab
# (or $CRASHLAB_OUT) and links it as BINDIR/crashlab. BINDIR: the first argument, or $CRASHLAB_BIN,
# or ~/.local/bin.
#   scripts/install.sh                 # -> ~/.local/bin/crashlab
#   scripts/install.sh /usr/local/bin  # -> /usr/local/bin/crashlab
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-${CRASHLAB_BIN:-$HOME/.local/bin}}"
crashlab="$("$root/scripts/publish-cli.sh" "${CRASHLAB_OUT:-$root/out/crashlab}")"
mkdir -p "$bin"
ln -sfn "$crashlab" "$bin/crashlab"
echo "installed $bin/crashlab -> $crashlab"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "$bin is not on your PATH; add it: export PATH=\"$bin:\$PATH\"" >&2 ;;
esac
