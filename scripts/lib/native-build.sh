# Sourced by the scripts that ask scripts/publish.sh --native for a program (publish-cli.sh,
# run-benchmarks.sh). publish.sh falls back to ReadyToRun where no clang or gcc can link, and its one
# sign of that is EXECUTABLE.dll in OUTDIR (a native OUTDIR holds none): only this function reads it.
# built_native OUTDIR EXECUTABLE: whether publish.sh --native compiled EXECUTABLE natively into OUTDIR.
built_native() {
  [[ ! -e "$1/$2.dll" ]]
}
