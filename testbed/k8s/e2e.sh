#!/usr/bin/env bash
# The user's flow on a real Kubernetes (tier 5): a cluster of testbed/k8s/cluster.sh, the images
# built by jib on the Debian JRE base and imported into every node, `helm install` of
# charts/broadband, then ImageBroadcasts of an image served over HTTP on the testbed, each
# watched with `kubectl get` as a user would:
#   example     examples/broadcast.yaml with the testbed's image, segment and node count: every node
#               imaged, Succeeded N/N, each disk equal to the image, each node annotated
#   leader      two operator replicas: one holds the Lease; deleted, the other takes over
#   two at once two broadcasts to different nodes side by side, both Succeeded on distinct ports; the
#               second's source is the image gzip-compressed, declared by the compressed file's sha256 (as a
#               download page gives it): its status says gzip, and its node's disk holds the raw image
#   busy        a second broadcast to a node whose disk the first is writing: it waits, saying for
#               which, then writes; both Succeeded
#   dry         dryRun: true: every node checked, nothing written, shown as a dry run's own outcome
#   agent       a node's agent pod deleted mid-transfer: the DaemonSet brings it back, it rejoins, Succeeded
#   sender      the sender pod deleted mid-transfer: the operator starts another, Succeeded
#   mounted     one node's disk mounted, and the operator down when the sender ends: the operator that
#               comes back reads the outcome from the sender's termination message; Failed naming that
#               node with the reason, the others Succeeded, nobody imaged twice
#   silent      a selected node that never answers: Failed after the start timeout, naming it
#   elsewhere   a broadcast in a namespace whose Secrets the agents may not read: they take the
#               session key from the operator's copy in its own namespace, deleted once spent
#   refused     a broadcast in a namespace whose Pod Security level forbids host-network pods: what
#               the API server answered is in its status and a Warning Event
# As root; exits non-zero on the first failure, with the cluster's state printed.
#
#   testbed/k8s/e2e.sh [RECEIVERS]       # default 2
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
k8s="$root/testbed/k8s"
. "$k8s/lib.sh"
name=kbe
receivers="${1:-2}"
# 40 MiB of data, then 16 MiB of zeros: 56 MiB on the testbed's 64 MiB disks.
image_size=40M
zero_size=16M
# Slow enough that a transfer lasts about 20 s, for what must happen in the middle of one.
slow_rate=20mbit
# The image's HTTP server, on the testbed bridge's address (testbed/k8s/cluster.sh's control plane)
http_host=10.77.0.254 http_port=8088
ns=broadband
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
  kubectl -n $ns get pods -o wide || true
  kubectl -n $ns get imagebroadcast -o yaml || true
  kubectl -n $ns get lease -o yaml || true
  for p in $(kubectl -n $ns get pods -o name 2>/dev/null); do
    echo "--- $p"; kubectl -n $ns logs "$p" --all-containers --tail 30 || true
  done
  exit 1
}

# wait_until SECONDS WHAT COMMAND...: fails the run, saying what did not happen, after SECONDS.
wait_until() {
  local limit=$1 what=$2; shift 2
  within "$limit" "$@" || failed "not $what within $limit s"
}

ib() { # ib BROADCAST JSONPATH: one field of a broadcast
  kubectl -n $ns get imagebroadcast "$1" -o jsonpath="{$2}" 2>/dev/null
}

node_field() { # node_field BROADCAST NODE FIELD: a field of NODE's entry in the broadcast's status
  ib "$1" ".status.nodeStatuses[?(@.name=='$2')].$3"
}

echo "== helm install charts/broadband"
kubectl create namespace $ns >/dev/null
kubectl label namespace $ns pod-security.kubernetes.io/enforce=privileged >/dev/null
# Two operators: they elect a leader through a Lease, and only the leader reconciles.
operators=2
helm install broadband "$root/charts/broadband" -n $ns --set image.pullPolicy=Never \
  --set "sender.fetchImage=$program_image" --set operator.replicas=$operators >/dev/null
operator_ready() {
  wait_until 180 "the operator ready" kubectl -n $ns wait --for=condition=Available deployment/broadband-operator --timeout=5s
}
operator_ready
leader() { # the operator pod holding the Lease, once one does
  local holder
  holder="$(kubectl -n $ns get lease broadband-operator -o jsonpath='{.spec.holderIdentity}' 2>/dev/null)" || return 1
  [[ "$(kubectl -n $ns get pod "$holder" -o jsonpath='{.metadata.labels.app\.kubernetes\.io/component}' 2>/dev/null)" \
    == operator ]] || return 1
  echo "$holder"
}
wait_until 120 "one of the $operators operators holding the Lease" leader
echo "leading operator: $(leader)"
# `rollout status` knows no OnDelete DaemonSet: count ready agents against the nodes.
agents_ready() {
  [[ "$(kubectl -n $ns get daemonset broadband-agent -o jsonpath='{.status.numberReady}')" == $((receivers + 1)) ]]
}
wait_until 180 "an agent ready on every node" agents_ready

echo "== an image served over HTTP on the testbed"
# Like a real OS image, part data and part empty space: the sender encodes it (zero chunks as marks,
# see --encoding), so the agents decode chunks onto their disks.
{ head -c "$image_size" /dev/urandom; head -c "$zero_size" /dev/zero; } >"$work/os.raw"
sha="$(sha256sum "$work/os.raw" | cut -d' ' -f1)"
gzip -1 -c "$work/os.raw" >"$work/os.raw.gz"
gz_sha="$(sha256sum "$work/os.raw.gz" | cut -d' ' -f1)"
bytes="$(stat -c %s "$work/os.raw")"
(cd "$work" && exec python3 -m http.server "$http_port" --bind "$http_host" >"$work/http.log" 2>&1) &
http_pid=$!

reimage='{broadband.dev/reimage: "true"}'
# apply BROADCAST SELECTOR [SPEC-LINE...]: an ImageBroadcast of the served image to the nodes
# SELECTOR matches, with the extra spec lines given (YAML, e.g. "rate: 20mbit"); served file
# $file (default os.raw) of sha256 $file_sha (default the image's).
apply() {
  local b=$1 selector=$2; shift 2
  {
    cat <<YAML
apiVersion: broadband.dev/v1alpha1
kind: ImageBroadcast
metadata: {name: $b, namespace: $ns}
spec:
  source: {url: "http://$http_host:$http_port/${file:-os.raw}", sha256: "sha256:${file_sha:-$sha}"}
  targetNodeSelector: $selector
  targetDevice: /dev/sdb
  address: 10.77.0.255
  sender: {nodeSelector: {broadband.dev/sender: "true"}}
YAML
    for line in "$@"; do echo "  $line"; done
  } >"$work/$b.yaml"
  kubectl apply --validate=strict -f "$work/$b.yaml" >/dev/null
}

declare -A final   # broadcast -> the phase it finished in
# watch BROADCAST: prints `kubectl get` as a user sees it until the broadcast finishes (5 min at
# most); leaves its final phase in $phase and every progress it showed in $work/BROADCAST.progress.
watch() {
  local b=$1 deadline=$((SECONDS + 300))
  echo "== kubectl get imagebroadcast $b, until it finishes"
  kubectl -n $ns get imagebroadcast "$b"
  phase=""
  while ((SECONDS < deadline)); do
    kubectl -n $ns get imagebroadcast "$b" --no-headers 2>/dev/null || true
    ib "$b" .status.progress >>"$work/$b.progress" && echo >>"$work/$b.progress"
    phase="$(ib "$b" .status.phase || true)"
    [[ "$phase" == Succeeded || "$phase" == Failed ]] && { final[$b]=$phase; break; }
    sleep 2
  done
  kubectl -n $ns get imagebroadcast "$b"
}

# In the middle of a transfer: NODE has joined BROADCAST and holds some but not all of the image.
receiving() {
  [[ "$(node_field "$1" "$2" phase)" == Receiving && "$(node_field "$1" "$2" bytes)" -gt 0 ]]
}

wipe() { # wipe NODE...: zeroes the part of each node's disk an image covers, so what a broadcast writes is seen
  local node
  for node in "$@"; do
    dd if=/dev/zero of="$("$k8s/cluster.sh" disk "$name" "$node")" bs=1M count=$((bytes / 1048576)) conv=fsync status=none
  done
}

disk_sha() { # disk_sha NODE: the sha256 of the part of NODE's disk an image covers
  head -c "$bytes" "$("$k8s/cluster.sh" disk "$name" "$1")" | sha256sum | cut -d' ' -f1
}

imaged() { # imaged BROADCAST NODE...: each node Succeeded, its disk equal to the image, its Node annotated
  local b=$1 node disk got written; shift
  for node in "$@"; do
    [[ "$(node_field "$b" "$node" phase)" == Succeeded ]] \
      || failed "$b: $node ended '$(node_field "$b" "$node" phase)', not Succeeded: $(node_field "$b" "$node" message)"
    disk="$("$k8s/cluster.sh" disk "$name" "$node")"
    got="$(disk_sha "$node")"
    [[ "$got" == "$sha" ]] || failed "$b: $node's disk $disk holds sha256 $got, not the image's $sha"
    written="$(kubectl get node "$node" -o jsonpath='{.metadata.annotations.broadband\.dev/image-sha256}')"
    [[ "$written" == *"$sha" ]] || failed "$node is not annotated with the image (broadband.dev/image-sha256='$written')"
    echo "OK: $b imaged $node ($disk)"
  done
}

nodes=()
for ((i = 1; i <= receivers; i++)); do nodes+=("$name-r$i"); done
first="${nodes[0]}" last="${nodes[-1]}"

example="$root/examples/broadcast.yaml"
os="$(kubectl apply --dry-run=client -f "$example" -o jsonpath='{.metadata.name}')"
echo "== $os: $example, its url, sha256, address and minReceivers set to the testbed's"
wipe "${nodes[@]}"
kubectl apply --dry-run=client -f "$example" -o json | python3 -c '
import json, sys
url, sha, address, receivers = sys.argv[1:]
b = json.load(sys.stdin)
b["spec"]["source"].update(url=url, sha256="sha256:" + sha)
b["spec"].update(address=address, minReceivers=int(receivers))
json.dump(b, sys.stdout)
' "http://$http_host:$http_port/os.raw" "$sha" 10.77.0.255 "$receivers" | kubectl apply --validate=strict -f - >/dev/null
watch "$os"
[[ "$phase" == Succeeded ]] || failed "$os ended '$phase', not Succeeded"
[[ "$(ib "$os" .status.nodes)" == "$receivers/$receivers" ]] || failed "$os: nodes $(ib "$os" .status.nodes), not $receivers/$receivers"
imaged "$os" "${nodes[@]}"
header="$(kubectl -n $ns get imagebroadcast "$os" | sed -n 1p | tr -s ' ')"
[[ "$header" == "NAME PHASE PROGRESS NODES RATE AGE" ]] || failed "kubectl get shows the columns '$header'"

echo "== two at once: $first and $last each by its own broadcast, the leading operator deleted first"
wipe "$first" "$last"
deposed="$(leader)"
kubectl -n $ns delete pod "$deposed" --wait=false >/dev/null
new_leader() { local now; now="$(leader)" && [[ "$now" != "$deposed" ]]; }
wait_until 120 "the standing-by operator leading in place of $deposed" new_leader
echo "leading operator: $(leader)"
apply one "{kubernetes.io/hostname: $first}"
file=os.raw.gz file_sha=$gz_sha apply two "{kubernetes.io/hostname: $last}"
watch one
[[ "$phase" == Succeeded ]] || failed "one ended '$phase', not Succeeded"
watch two
[[ "$phase" == Succeeded ]] || failed "two ended '$phase', not Succeeded"
[[ "$(ib one .status.dataPort)" != "$(ib two .status.dataPort)" ]] || failed "one and two share data port $(ib one .status.dataPort)"
imaged one "$first"
imaged two "$last"
[[ "$(ib one .status.sourceFormat)" == raw ]] || failed "one: sourceFormat '$(ib one .status.sourceFormat)', not raw"
[[ "$(ib two .status.sourceFormat)" == gzip ]] || failed "two: sourceFormat '$(ib two .status.sourceFormat)', not gzip"
echo "OK: two's gzip-compressed source, declared by the compressed file's sha256, imaged $last with the raw image"

echo "== busy: a second broadcast to $first while a first one writes its disk"
wipe "$first"
apply busy-first "{kubernetes.io/hostname: $first}" "rate: $slow_rate"
wait_until 120 "$first receiving busy-first's image" receiving busy-first "$first"
apply busy-second "{kubernetes.io/hostname: $first}"
waits_for_first() { [[ "$(node_field busy-second "$first" message)" == *"being written by broadcast $ns/busy-first"* ]]; }
wait_until 60 "busy-second saying that $first waits for busy-first" waits_for_first
echo "busy-second: $(ib busy-second .status.message)"
watch busy-first
[[ "$phase" == Succeeded ]] || failed "busy-first ended '$phase', not Succeeded"
watch busy-second
[[ "$phase" == Succeeded ]] || failed "busy-second, after waiting for busy-first, ended '$phase', not Succeeded"
imaged busy-second "$first"

echo "== dry: a dry run checks every node and writes nothing"
wipe "${nodes[@]}"
apply dry "$reimage" "dryRun: true"
watch dry
[[ "$phase" == Succeeded ]] || failed "the dry run ended '$phase', not Succeeded"
[[ "$(ib dry .status.message)" == "dry run, nothing was written: $receivers/$receivers passed every check" ]] \
  || failed "the dry run's message is '$(ib dry .status.message)'"
zeros="$(head -c "$bytes" /dev/zero | sha256sum | cut -d' ' -f1)"
for node in "${nodes[@]}"; do
  [[ "$(node_field dry "$node" message)" == "dry run: would write"* ]] || failed "dry: $node says '$(node_field dry "$node" message)'"
  [[ "$(disk_sha "$node")" == "$zeros" ]] || failed "the dry run wrote $node's disk"
  [[ "$(kubectl get node "$node" -o jsonpath='{.metadata.annotations.broadband\.dev/image-broadcast}')" != "$ns/dry" ]] \
    || failed "$node is annotated with the dry run's image"
done
echo "OK: dry: $(ib dry .status.message)"

echo "== agent: $first's agent pod deleted mid-transfer"
wipe "${nodes[@]}"
apply agent "$reimage" "rate: $slow_rate"
wait_until 120 "$first receiving agent's image" receiving agent "$first"
kubectl -n $ns delete --wait=false \
  "$(kubectl -n $ns get pod -l app.kubernetes.io/component=agent --field-selector "spec.nodeName=$first" -o name)" >/dev/null
watch agent
[[ "$phase" == Succeeded ]] || failed "with $first's agent restarted the broadcast ended '$phase', not Succeeded"
imaged agent "${nodes[@]}"
[[ "$(ib agent .status.senderRestarts)" == 0 ]] || failed "a restarted agent restarted the sender"
# Progress climbed: the user saw values between none and all.
grep -qvE '^(|0\.0%|100\.0%)$' "$work/agent.progress" || failed "agent's progress never showed a value between 0% and 100%"
echo "progress shown: $(sort -u "$work/agent.progress" | tr '\n' ' ')"

echo "== sender: the sender pod deleted mid-transfer"
wipe "${nodes[@]}"
apply sender "$reimage" "rate: $slow_rate"
wait_until 120 "$first receiving sender's image" receiving sender "$first"
kubectl -n $ns delete pod --wait=false "$(ib sender .status.senderPod)" >/dev/null
watch sender
[[ "$phase" == Succeeded ]] || failed "after its sender pod was deleted the broadcast ended '$phase', not Succeeded"
[[ "$(ib sender .status.senderRestarts)" == 1 ]] || failed "sender: senderRestarts $(ib sender .status.senderRestarts), not 1"
imaged sender "${nodes[@]}"

echo "== mounted: $last's disk mounted, the operator down when the sender ends"
wipe "${nodes[@]}"
disk="$("$k8s/cluster.sh" disk "$name" "$last")"
mkfs.ext4 -q -F "$disk"
mkdir -p "$work/mnt"
mount "$disk" "$work/mnt"
apply mounted "$reimage" "rate: $slow_rate"
wait_until 120 "$first receiving mounted's image" receiving mounted "$first"
kubectl -n $ns scale deployment broadband-operator --replicas=0 >/dev/null
sender_pod="$(ib mounted .status.senderPod)"
sender_ended() {
  [[ "$(kubectl -n $ns get pod "$sender_pod" -o jsonpath='{.status.phase}')" == Failed ]]
}
wait_until 180 "sender pod $sender_pod ended (Failed: a node refused)" sender_ended
kubectl -n $ns scale deployment broadband-operator --replicas=$operators >/dev/null
operator_ready
watch mounted
umount "$work/mnt"
[[ "$phase" == Failed ]] || failed "with $last's disk mounted the broadcast ended '$phase', not Failed"
reason="$(node_field mounted "$last" message)"
echo "$last: $reason"
[[ "$reason" == *mounted* ]] || failed "$last's status does not say its disk is mounted: '$reason'"
message="$(ib mounted .status.message)"
echo "mounted: $message"
[[ "$message" == *"$last"* ]] || failed "the broadcast's message does not name $last: '$message'"
[[ "$(ib mounted .status.senderRestarts)" == 0 ]] \
  || failed "the outcome was lost with the operator: the sender ran again ($(ib mounted .status.senderRestarts) restarts)"
imaged mounted "${nodes[@]:0:receivers-1}"

echo "== silent: a selected node that never answers"
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata: {name: $name-silent, labels: {broadband.dev/reimage: "true"}}
YAML
wipe "${nodes[@]}"
apply silent "$reimage" "startTimeout: 20s"
watch silent
[[ "$phase" == Failed ]] || failed "with a node that never answers the broadcast ended '$phase', not Failed"
message="$(ib silent .status.message)"
echo "silent: $message"
[[ "$message" == *"$name-silent"* ]] || failed "the broadcast's message does not name $name-silent: '$message'"
[[ "$(ib silent .status.nodes)" == "$receivers/$((receivers + 1))" ]] || failed "silent: nodes $(ib silent .status.nodes)"
imaged silent "${nodes[@]}"
kubectl delete node "$name-silent" >/dev/null

echo "== elsewhere: a broadcast in a namespace whose Secrets the agents may not read"
kubectl create namespace lab >/dev/null
[[ "$(kubectl auth can-i get secrets -n lab --as "system:serviceaccount:$ns:broadband-agent" 2>/dev/null)" == no ]] \
  || failed "the agents may read Secrets of namespace lab"
wipe "$first"
sed "s/name: one, namespace: $ns}/name: elsewhere, namespace: lab}/" "$work/one.yaml" | kubectl apply --validate=strict -f - >/dev/null
lab_phase() { kubectl -n lab get imagebroadcast elsewhere -o jsonpath='{.status.phase}' 2>/dev/null; }
copy="$(kubectl -n lab get imagebroadcast elsewhere -o jsonpath='{.metadata.uid}')"
lab_done() { [[ "$(lab_phase)" == Succeeded || "$(lab_phase)" == Failed ]]; }
wait_until 180 "lab/elsewhere finished" lab_done
kubectl -n lab get imagebroadcast elsewhere
[[ "$(lab_phase)" == Succeeded ]] || failed "lab/elsewhere ended '$(lab_phase)': $(kubectl -n lab get imagebroadcast elsewhere -o jsonpath='{.status.message}')"
[[ "$(disk_sha "$first")" == "$sha" ]] || failed "lab/elsewhere did not write $first's disk"
[[ -z "$(kubectl -n $ns get secret "broadband-key-$copy" -o name 2>/dev/null)" ]] \
  || failed "the agents' copy of lab/elsewhere's key outlived the broadcast"
echo "OK: elsewhere imaged $first with the operator's copy of the key, deleted once spent"
kubectl delete namespace lab --wait=false >/dev/null

echo "== refused: a broadcast where Pod Security forbids the sender's host network"
kubectl create namespace baseline >/dev/null
kubectl label namespace baseline pod-security.kubernetes.io/enforce=baseline >/dev/null
sed "s/namespace: $ns}/namespace: baseline}/" "$work/silent.yaml" | kubectl apply --validate=strict -f - >/dev/null
refusal() { kubectl -n baseline get imagebroadcast silent -o jsonpath='{.status.message}'; }
refusal_shown() { [[ "$(refusal)" == *"HTTP 403"*PodSecurity* ]]; }
wait_until 120 "the API server's refusal in the broadcast's status" refusal_shown
echo "baseline/silent: $(refusal)"
[[ "$(kubectl -n baseline get events --field-selector reason=ApiRefused -o name)" ]] \
  || failed "no ApiRefused Event for the refused broadcast"
kubectl delete namespace baseline --wait=false >/dev/null

echo "== every broadcast still in the phase it finished in, after the operators' restarts and failover"
for b in "${!final[@]}"; do
  [[ "$(ib "$b" .status.phase)" == "${final[$b]}" ]] || failed "$b finished ${final[$b]}, and is now '$(ib "$b" .status.phase)'"
done
echo "OK: ${!final[*]}"
restarts="$(kubectl -n $ns get pods -l app.kubernetes.io/component=agent -o jsonpath='{.items[*].status.containerStatuses[*].restartCount}')"
[[ "$restarts" =~ ^(0 ?)+$ ]] || failed "agents were restarted by the kubelet (restart counts: $restarts)"
agents_ready || failed "not every agent ready (its /readyz) at the end"
echo "OK: every agent ready by its probe, none restarted by its liveness probe"

echo "OK: the user's flow on a real cluster"
