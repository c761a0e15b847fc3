#!/usr/bin/env bash
# Proves the jib image configuration without a registry or a container runtime:
# builds each image with `jib:buildTar` on a `scratch` base (works offline), unpacks the
# layers, checks that the entrypoint is `java [flags] -cp @/app/jib-classpath-file <main class>`
# and runs that entrypoint with the host's java, /app mapped to the unpacked directory.
#
#   operator/src/test/sh/check-jib-images.sh              # operator and program
#   operator/src/test/sh/check-jib-images.sh operator     # one of them
#
# Builds each module with the reactor modules it needs (-am), so nothing has to be installed first.
set -euo pipefail

root="$(cd "$(dirname "$0")/../../../.." && pwd)"
modules=("$@")
[[ ${#modules[@]} -gt 0 ]] || modules=(operator program)

declare -A MAIN=(
  [operator]=dev.broadband.operator.OperatorMain
  [program]=dev.broadband.program.cli.Main
)
# The JVM flags each image gives (the program's are bin/broadband's, see there).
declare -A FLAGS=(
  [operator]=""
  [program]="-XX:+UseSerialGC -XX:CompileCommand=quiet -XX:CompileCommand=CompileThresholdScaling,dev/broadband/*.*,0.1"
)
# Arguments that make each entrypoint print and exit 0 without a cluster or a network.
declare -A ARGS=(
  [operator]="--version"
  [program]="--help"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

for module in "${modules[@]}"; do
  main="${MAIN[$module]:?unknown module $module}"
  echo "== $module: jib:buildTar on scratch"
  (cd "$root" && mvn -q -B -pl "$module" -am package jib:buildTar -DskipTests -Djib.from.image=scratch)
  tar="$root/$module/target/jib-image.tar"
  [[ -s "$tar" ]] || { echo "FAIL: $tar not written"; failed=1; continue; }

  dir="$work/$module"; fs="$dir/fs"; mkdir -p "$fs"
  tar -xf "$tar" -C "$dir"
  config="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$dir/manifest.json")"
  for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$dir/manifest.json"); do
    tar -xzf "$dir/$layer" -C "$fs" 2>/dev/null || tar -xf "$dir/$layer" -C "$fs"
  done
  entrypoint="$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]["Entrypoint"]))' "$dir/$config")"
  read -r -a flags <<< "${FLAGS[$module]}"
  expected="$(python3 -c 'import json,sys; print(json.dumps(["java", *sys.argv[2:], "-cp", "@/app/jib-classpath-file", sys.argv[1]]))' "$main" ${flags[@]+"${flags[@]}"})"
  if [[ "$entrypoint" != "$expected" ]]; then
    echo "FAIL: $module entrypoint is $entrypoint, expected $expected"; failed=1; continue
  fi
  [[ -f "$fs/app/jib-classpath-file" ]] || { echo "FAIL: $module image lacks /app/jib-classpath-file"; failed=1; continue; }

  # The image's classpath with /app mapped onto the unpacked layers; every entry must exist.
  sed "s#/app/#$fs/app/#g" "$fs/app/jib-classpath-file" > "$dir/classpath"
  missing=0
  tr ':' '\n' < "$dir/classpath" | while read -r entry; do
    [[ -e "$entry" ]] || { echo "FAIL: $module classpath entry missing: $entry"; exit 1; }
  done || missing=1
  [[ $missing -eq 0 ]] || { failed=1; continue; }

  echo "== $module: java ${FLAGS[$module]} -cp @/app/jib-classpath-file $main ${ARGS[$module]}"
  if java ${flags[@]+"${flags[@]}"} -cp "@$dir/classpath" "$main" ${ARGS[$module]} > "$dir/out" 2>&1; then
    head -5 "$dir/out"
    echo "OK: $module image entrypoint runs"
  else
    cat "$dir/out"; echo "FAIL: $module entrypoint exited non-zero"; failed=1
  fi
done
exit $failed
