#!/usr/bin/env bash
# Builds the Kubernetes components and etcd that the real-cluster testbed runs, from source
# through the Go module proxy (no registry here ships their binaries), and caches them by
# version outside the repository: only a fresh machine pays the build (about 12 min on 2 cores).
#
#   testbed/k8s/build.sh            # prints the directory that holds the binaries
#
# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces the staging modules with
# local paths. A wrapper module requires it and replaces each k8s.io/<staging> module with its
# published v0.x.y; etcd's server comes from a wrapper main that calls etcdmain.Main.
set -euo pipefail

K8S_VERSION="${BROADBAND_K8S_VERSION:-v1.33.13}"
ETCD_VERSION="${BROADBAND_ETCD_VERSION:-v3.5.24}"
CACHE="${BROADBAND_K8S_CACHE:-/var/cache/broadband/k8s}"
OUT="$CACHE/$K8S_VERSION-etcd-$ETCD_VERSION"
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

if [[ -f "$OUT/.complete" ]]; then
  echo "$OUT"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is required to build Kubernetes from source" >&2; exit 1; }

staging_version="v0.${K8S_VERSION#v1.}"
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
work="$CACHE/src"
mkdir -p "$work/kubernetes" "$work/etcd" "$OUT"
# -mod=mod: go build itself adds what the wrapper module lacks to go.mod and go.sum
export CGO_ENABLED=0 GOFLAGS=-mod=mod

cd "$work/kubernetes"
gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
{
  echo "module broadband.dev/k8s-build"
  echo "go 1.24"
  echo "require k8s.io/kubernetes $K8S_VERSION"
  # every `k8s.io/X => ./staging/src/k8s.io/X` of kubernetes' go.mod, pointed at the published module
  sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/k8s\.io/.*#replace \1 => \1 '"$staging_version"'#p' "$gomod"
} >go.mod
echo "building Kubernetes $K8S_VERSION (${COMPONENTS[*]}) into $OUT" >&2
for c in "${COMPONENTS[@]}"; do
  echo "  $c" >&2
  go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$OUT/$c" "k8s.io/kubernetes/cmd/$c"
done

cd "$work/etcd"
cat >go.mod <<MOD
module broadband.dev/etcd-build
go 1.24
require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
cat >main.go <<'MAIN'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
MAIN
echo "  etcd $ETCD_VERSION" >&2
go mod tidy >/dev/null 2>&1
go build -trimpath -ldflags "-s -w" -o "$OUT/etcd" .

touch "$OUT/.complete"
echo "$OUT"
