#!/usr/bin/env bash
# Publishes a project precompiled, because start-up time bounds crash cycles per second.
# Usage: scripts/publish.sh [--native] PROJECT.csproj OUTDIR EXECUTABLE; prints OUTDIR/EXECUTABLE.
# Without --native: ReadyToRun (the runtime still starts and loads assemblies; about 60 ms here).
# With --native: Native AOT (one executable, no runtime to start; the reference engine is ready in
# about 3 ms), where this machine has a C toolchain to link it (clang, else gcc; .ci/run installs
# gcc); otherwise ReadyToRun, with a note on stderr. A native OUTDIR holds no EXECUTABLE.dll.
set -euo pipefail
native=0
if [[ "${1:-}" == "--native" ]]; then native=1; shift; fi
project="$1" out="$2" executable="$3"
rid="$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')"
if [[ "$native" == 1 ]]; then
  linker=()
  if ! command -v clang >/dev/null && command -v gcc >/dev/null; then linker=(-p:CppCompilerAndLinker=gcc); fi
  if { command -v clang >/dev/null || command -v gcc >/dev/null; } \
     && dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true "${linker[@]}" -o "$out" --nologo -v quiet >&2; then
    echo "$out/$executable"
    exit 0
  fi
  echo "publish.sh: no native build of $(basename "$project") here (Native AOT needs clang or gcc); publishing it ReadyToRun" >&2
fi
dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o "$out" --nologo -v quiet >&2
echo "$out/$executable"
