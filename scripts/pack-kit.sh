#!/usr/bin/env bash
# Packs CrashLab for C# teams into out/packages, a folder NuGet can use as a package source:
#   CrashLab.Storage  the storage seam (IFileSystem) an engine writes through, and the physical file system
#   CrashLab.Testing  crash tests in process: simulated disk, faulty shim, crash states, the oracle, FsCheck generators
# Usage: scripts/pack-kit.sh   (prints the paths of the packages)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/out/packages"
mkdir -p "$out"
for project in engine/CrashLab.Storage kit/CrashLab.Testing; do
  dotnet pack "$root/$project" -c Release -o "$out" --nologo -v quiet >&2
done
# Packing the same version again must not leave NuGet serving its cached copy of the old one.
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$cache/crashlab.storage" "$cache/crashlab.testing"
ls "$out"/CrashLab.*.nupkg
