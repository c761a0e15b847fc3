#!/usr/bin/env bash
# The user's flow on a real Kubernetes (tier 5): a cluster of testbed/k8s/cluster.sh, the images
# built by jib on the Debian JRE base and imported into every node, `helm install` of
# charts/broadband, one ImageBroadcast of an image served over HTTP on the testbed; it must reach
# Succeeded with every selected node's disk equal to the image; a second one, with one node's
# disk mounted, must fail that node with the reason and image the others. As root; exits non-zero on any
# failure, with the cluster's state printed.
#
#   testbed/k8s/e2e.sh [RECEIVERS]       # default 2
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
k8s="$root/testbed/k8s"
name=kbe
receivers="${1:-2}"
image_size=16M
# The image's HTTP server, on the testbed bridge's address (testbed/k8s/cluster.sh's control plane)
http_host=10.77.0.254 http_port=8088
export PATH="${BROADBAND_TOOLS:-/opt/broadband-tools}/bin:$PATH"

base="$("$k8s/base-image.sh")"
echo "== images: jib:buildTar on $base"
(cd "$root" && mvn -q -B -ntp -pl operator,program -am package jib:buildTar -DskipTests "-Djib.from.image=tar://$base")
# The name jib gave the program's image, as the chart names it (registry/broadband:version)
program_image="$(tar -xOf "$root/program/target/jib-image.tar" manifest.json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RepoTags"][0])')"

work="$(mktemp -d)"
http_pid=""
cleanup() {
  [[ -n "$http_pid" ]] && kill "$http_pid" 2>/dev/null || true
  umount "$work/mnt" 2>/dev/null || true
  "$k8s/cluster.sh" down "$name" || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== cluster: 1 sender node, $receivers to image"
"$k8s/cluster.sh" up "$name" "$receivers" >"$work/up.log" || { cat "$work/up.log"; exit 1; }
KUBECONFIG="$(sed -n 's/^export KUBECONFIG=//p' "$work/up.log")"
export KUBECONFIG
"$k8s/cluster.sh" load "$name" "$root/program/target/jib-image.tar" "$root/operator/target/jib-image.tar"

failed() {
  echo "FAIL: $*"
  kubectl get nodes -o wide || true
  kubectl -n broadband get pods -o wide || true
  kubectl -n broadband get imagebroadcast -o yaml || true
  for p in $(kubectl -n broadband get pods -o name 2>/dev/null); do
    echo "--- $p"; kubectl -n broadband logs "$p" --all-containers --tail 30 || true
  done
  exit 1
}

# Within the deadline, or fail: wait_until SECONDS WHAT COMMAND...
wait_until() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1)); shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || failed "not $what within $limit s"
    sleep 2
  done
}

echo "== helm install charts/broadband"
kubectl create namespace broadband >/dev/null
kubectl label namespace broadband pod-security.kubernetes.io/enforce=privileged >/dev/null
helm install broadband "$root/charts/broadband" -n broadband --set image.pullPolicy=Never \
  --set "sender.fetchImage=$program_image" >/dev/null
wait_until 180 "the operator ready" kubectl -n broadband wait --for=condition=Available deployment/broadband-operator --timeout=5s
# `rollout status` knows no OnDelete DaemonSet: count ready agents against the nodes.
agents_ready() {
  [[ "$(kubectl -n broadband get daemonset broadband-agent -o jsonpath='{.status.numberReady}')" == $((receivers + 1)) ]]
}
wait_until 180 "an agent ready on every node" agents_ready

echo "== an image served over HTTP on the testbed"
head -c "$image_size" /dev/urandom >"$work/os.raw"
sha="$(sha256sum "$work/os.raw" | cut -d' ' -f1)"
(cd "$work" && exec python3 -m http.server "$http_port" --bind "$http_host" >"$work/http.log" 2>&1) &
http_pid=$!
# broadcast NAME: applies an ImageBroadcast of the served image to every reimage node, prints
# `kubectl get` until it finishes, and leaves its final phase in $phase.
broadcast() {
  cat >"$work/$1.yaml" <<YAML
apiVersion: broadband.dev/v1alpha1
kind: ImageBroadcast
metadata: {name: $1, namespace: broadband}
spec:
  source: {url: "http://$http_host:$http_port/os.raw", sha256: "sha256:$sha"}
  targetNodeSelector: {broadband.dev/reimage: "true"}
  targetDevice: /dev/vdb
  address: 10.77.0.255
  sender: {nodeSelector: {broadband.dev/sender: "true"}}
  minReceivers: $receivers
YAML
  kubectl apply -f "$work/$1.yaml" >/dev/null
  echo "== kubectl get imagebroadcast $1, until it finishes"
  local deadline=$((SECONDS + 300))
  phase=""
  while ((SECONDS < deadline)); do
    kubectl -n broadband get imagebroadcast "$1" --no-headers 2>/dev/null || true
    phase="$(kubectl -n broadband get imagebroadcast "$1" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
    [[ "$phase" == Succeeded || "$phase" == Failed ]] && break
    sleep 3
  done
  kubectl -n broadband get imagebroadcast "$1"
}
broadcast os
[[ "$phase" == Succeeded ]] || failed "the broadcast ended '$phase', not Succeeded"

echo "== every imaged node's disk equals the image (sha256 $sha)"
bytes="$(stat -c %s "$work/os.raw")"
for ((i = 1; i <= receivers; i++)); do
  node="$name-r$i"
  disk="$("$k8s/cluster.sh" disk "$name" "$node")"
  got="$(head -c "$bytes" "$disk" | sha256sum | cut -d' ' -f1)"
  [[ "$got" == "$sha" ]] || failed "$node's disk $disk holds sha256 $got"
  written="$(kubectl get node "$node" -o jsonpath='{.metadata.annotations.broadband\.dev/image-sha256}')"
  [[ "$written" == *"$sha" ]] || failed "$node is not annotated with the image (broadband.dev/image-sha256='$written')"
  echo "OK: $node $disk"
done

echo "== a node whose disk is mounted refuses it, with the reason in its status; the others are imaged"
mounted="$name-r$receivers"
disk="$("$k8s/cluster.sh" disk "$name" "$mounted")"
mkfs.ext4 -q -F "$disk"
mkdir -p "$work/mnt"
mount "$disk" "$work/mnt"
broadcast mounted
umount "$work/mnt"
[[ "$phase" == Failed ]] || failed "with $mounted's disk mounted the broadcast ended '$phase', not Failed"
reason="$(kubectl -n broadband get imagebroadcast mounted -o jsonpath="{.status.nodeStatuses[?(@.name=='$mounted')].message}")"
echo "$mounted: $reason"
[[ "$reason" == *mounted* ]] || failed "$mounted's status does not say its disk is mounted: '$reason'"
message="$(kubectl -n broadband get imagebroadcast mounted -o jsonpath='{.status.message}')"
echo "broadcast: $message"
[[ "$message" == *"$mounted"* ]] || failed "the broadcast's message does not name $mounted: '$message'"
for ((i = 1; i < receivers; i++)); do
  got="$(kubectl -n broadband get imagebroadcast mounted -o jsonpath="{.status.nodeStatuses[?(@.name=='$name-r$i')].phase}")"
  [[ "$got" == Succeeded ]] || failed "$name-r$i ended '$got' beside the mounted node, not Succeeded"
done
echo "OK: the user's flow on a real cluster"
