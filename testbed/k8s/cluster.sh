#!/usr/bin/env bash
# A real Kubernetes on one machine (see testbed/README.md): etcd and the control plane on the
# segment's bridge address, and N+1 nodes, each a kubelet with its own containerd and kube-proxy
# inside a namespace of testbed/segment.sh. Node NAME-s is the sender's node; NAME-r1..NAME-rN
# are the nodes to image, each with a loop device as its disk /dev/sdb. Nothing is pulled:
# images are imported from tarballs (`load`).
#
#   cluster.sh up   NAME N [--disk-size SIZE]   # prints how to point kubectl at it
#   cluster.sh load NAME TAR...                  # imports image tarballs into every node
#   cluster.sh disk NAME NODE                    # the loop device behind NODE's /dev/sdb
#   cluster.sh down NAME
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
# kubectl from charts/install-helm.sh, where a fresh machine has it
export PATH="${BROADBAND_TOOLS:-/opt/broadband-tools}/bin:$PATH"
STATE_ROOT="${BROADBAND_CLUSTER_STATE:-/var/lib/broadband-testbed}"
BRIDGE_IP=10.77.0.254
SERVICE_CIDR=10.96.0.0/24
SERVICE_IP=10.96.0.1
CLUSTER_CIDR=10.88.0.0/16
ETCD_PORT=12379
PAUSE_IMAGE=broadband.dev/testbed/pause:1

die() { echo "cluster.sh: $*" >&2; exit 2; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

nodes_of() { # the node names of cluster $1, from its state
  ls "$STATE_ROOT/$1/nodes" 2>/dev/null || true
}

# Background process with its log; its pid is kept for teardown.
start() {
  local dir=$1 name=$2; shift 2
  nohup "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

pki() {
  local d=$1/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=broadband-testbed-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  cert() { # cert NAME SUBJECT [SAN]
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n%s\n' \
      "${3:+subjectAltName=$3}" >"$d/$1.ext"
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
      -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" \
    "IP:$BRIDGE_IP,IP:$SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  # One identity for the components and the user: a throwaway cluster, not a security model.
  cert admin "/O=system:masters/CN=broadband-testbed-admin"
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  cat >"$1/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: broadband-testbed
  cluster: {server: "https://$BRIDGE_IP:6443", certificate-authority: "$d/ca.crt"}
users:
- name: admin
  user: {client-certificate: "$d/admin.crt", client-key: "$d/admin.key"}
contexts:
- name: broadband-testbed
  context: {cluster: broadband-testbed, user: admin}
current-context: broadband-testbed
KC
}

control_plane() {
  local dir=$1 bin=$2 d=$1/pki
  start "$dir" etcd "$bin/etcd" --name testbed --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) --initial-advertise-peer-urls http://127.0.0.1:$((ETCD_PORT + 1)) \
    --initial-cluster "testbed=http://127.0.0.1:$((ETCD_PORT + 1))" --unsafe-no-fsync
  start "$dir" kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$BRIDGE_IP" --advertise-address "$BRIDGE_IP" --secure-port 6443 \
    --tls-cert-file "$d/apiserver.crt" --tls-private-key-file "$d/apiserver.key" --client-ca-file "$d/ca.crt" \
    --kubelet-client-certificate "$d/admin.crt" --kubelet-client-key "$d/admin.key" \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$d/sa.pub" \
    --service-account-signing-key-file "$d/sa.key" --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode Node,RBAC --allow-privileged=true --enable-priority-and-fairness=false \
    --enable-admission-plugins OwnerReferencesPermissionEnforcement \
    --kubelet-preferred-address-types InternalIP
  within 90 kubectl --kubeconfig "$dir/kubeconfig" get --raw /readyz || die "the API server is not ready after 90 s"
  start "$dir" kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$dir/kubeconfig" \
    --service-account-private-key-file "$d/sa.key" --root-ca-file "$d/ca.crt" \
    --cluster-signing-cert-file "$d/ca.crt" --cluster-signing-key-file "$d/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --use-service-account-credentials --leader-elect=false \
    --bind-address 127.0.0.1
  start "$dir" kube-scheduler "$bin/kube-scheduler" --kubeconfig "$dir/kubeconfig" \
    --authentication-kubeconfig "$dir/kubeconfig" --authorization-kubeconfig "$dir/kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1
}

# One node: containerd, kubelet and kube-proxy in the namespace's network, a mount namespace and
# a hostname of their own. The node's /run and /dev are its own: /dev holds the usual character
# devices and its disk, /dev/sdb.
node() {
  local dir=$1 bin=$2 node=$3 ip=$4 index=$5 disk=$6
  local n="$dir/nodes/$node"
  mkdir -p "$n/containerd" "$n/kubelet" "$n/cni/net.d" "$n/cni/ipam" "$n/cni/cache"
  local cg=/broadband-$node c
  for c in /sys/fs/cgroup/*/; do
    [[ -f "$c/cgroup.procs" && "$c" != */unified/ ]] && mkdir -p "$c$cg"
  done
  cat >"$n/containerd.toml" <<TOML
version = 2
root = "$n/containerd"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The VM withholds CAP_SYS_RESOURCE: without this every container fails to start.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$n/cni/net.d"
TOML
  cat >"$n/cni/net.d/10-testbed.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "$node", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true,
   "ipam": {"type": "host-local", "dataDir": "$n/cni/ipam",
            "ranges": [[{"subnet": "10.88.$index.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
CNI
  cat >"$n/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
cgroupRoot: $cg
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
  x509: {clientCAFile: "$dir/pki/ca.crt"}
authorization: {mode: AlwaysAllow}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
YAML
  cat >"$n/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: "$dir/kubeconfig"}
hostnameOverride: $node
clusterCIDR: $CLUSTER_CIDR
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0}
YAML
  local major minor
  read -r major minor < <(stat -c '%t %T' "$disk" | while read -r a b; do echo $((16#$a)) $((16#$b)); done)
  cat >"$n/boot.sh" <<BOOT
#!/usr/bin/env bash
set -e
hostname $node
mount -t tmpfs -o mode=755 run /run
mount -t tmpfs -o mode=755 dev /dev
mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/tty c 5 0
mknod -m 600 /dev/kmsg c 1 11; mknod -m 660 /dev/sdb b $major $minor
mkdir -p /dev/pts /dev/shm; mount -t devpts -o newinstance,ptmxmode=666 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx; mount -t tmpfs shm /dev/shm
ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
containerd --config $n/containerd.toml >$dir/logs/$node-containerd.log 2>&1 &
for i in \$(seq 100); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.2; done
ctr -n k8s.io images import $dir/pause.tar >/dev/null
$bin/kubelet --config $n/kubelet.yaml --kubeconfig $dir/kubeconfig --root-dir $n/kubelet \
  --hostname-override $node --node-ip $ip >$dir/logs/$node-kubelet.log 2>&1 &
$bin/kube-proxy --config $n/kube-proxy.yaml >$dir/logs/$node-kube-proxy.log 2>&1 &
wait
BOOT
  chmod +x "$n/boot.sh"
  ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1
  # Service addresses are reached through kube-proxy's DNAT; on-link, so nothing un-NATed leaves.
  ip netns exec "$node" ip route add "$SERVICE_CIDR" dev "$node-v"
  echo "$disk" >"$n/disk"
  # nsenter, not `ip netns exec`: that remounts /sys in a new mount namespace and kubelet breaks.
  start "$dir" "$node" nsenter --net="/run/netns/$node" unshare --mount --uts --propagation private "$n/boot.sh"
}

pause_image() {
  local dir=$1 w
  w="$(mktemp -d)"
  gcc -static -O2 -o "$w/pause" "$here/pause.c"
  mkdir "$w/layer"; cp "$w/pause" "$w/layer/pause"
  tar -C "$w/layer" -cf "$w/layer.tar" pause
  local diff
  diff="sha256:$(sha256sum "$w/layer.tar" | cut -d' ' -f1)"
  echo '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["'"$diff"'"]}}' >"$w/config.json"
  echo '[{"Config":"config.json","RepoTags":["'"$PAUSE_IMAGE"'"],"Layers":["layer.tar"]}]' >"$w/manifest.json"
  tar -C "$w" -cf "$dir/pause.tar" manifest.json config.json layer.tar
  rm -rf "$w"
}

kill_tree_of_cgroup() { # every process in cgroup $1 of any v1 controller, and below
  local c f
  for c in /sys/fs/cgroup/*/"$1"; do
    [[ -d "$c" ]] || continue
    find "$c" -name cgroup.procs 2>/dev/null | while read -r f; do { xargs -r kill -9 <"$f"; } 2>/dev/null || true; done
  done
}

stop_process() { # SIGTERM, up to 10 s to exit, then SIGKILL: the next `up` needs its ports
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

teardown() {
  local name=$1 dir="$STATE_ROOT/$1" node f
  [[ -d "$dir" ]] || { "$here/../segment.sh" down "$name"; return 0; }
  for node in $(nodes_of "$name"); do
    kill_tree_of_cgroup "broadband-$node"
    ip netns pids "$node" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  done
  # The API server goes before etcd, or it logs a storm of retries.
  for f in kube-scheduler kube-controller-manager kube-apiserver etcd $(nodes_of "$name"); do
    [[ -f "$dir/pids/$f" ]] && stop_process "$(cat "$dir/pids/$f")"
  done
  for node in $(nodes_of "$name"); do
    kill_tree_of_cgroup "broadband-$node"
    find /sys/fs/cgroup/*/"broadband-$node" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [[ -f "$dir/nodes/$node/disk" ]] && losetup -d "$(cat "$dir/nodes/$node/disk")" 2>/dev/null || true
  done
  "$here/../segment.sh" down "$name"
  # Anything still mounted below the state (overlay snapshots of an unclean stop).
  grep -o " $dir/[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$dir"
}

cmd_up() {
  [[ $# -ge 2 ]] || usage
  local name=$1 n=$2 disk_size=64M; shift 2
  while [[ $# -gt 0 ]]; do
    case $1 in --disk-size) disk_size=$2; shift 2 ;; *) usage ;; esac
  done
  [[ "$n" =~ ^[0-9]+$ && $n -ge 1 && $n -le 20 ]] || die "N must be 1-20, got '$n'"
  local needed=(containerd runc ctr nsenter unshare losetup openssl gcc nft iptables kubectl) t
  for t in "${needed[@]}"; do command -v "$t" >/dev/null || die "'$t' is missing (testbed/k8s/install-deps.sh installs it)"; done
  [[ -d /usr/lib/cni ]] || die "CNI plugins are missing (testbed/k8s/install-deps.sh installs them)"
  local bin
  bin="$("$here/build.sh")"
  teardown "$name"
  local dir="$STATE_ROOT/$name"
  mkdir -p "$dir/logs" "$dir/pids" "$dir/disks" "$dir/nodes"
  trap 'echo "cluster.sh: bring-up failed; logs in $dir/logs" >&2' ERR
  "$here/../segment.sh" up "$name" "$n"
  ip addr add "$BRIDGE_IP/24" dev "${name}br"
  pki "$dir"
  pause_image "$dir"
  control_plane "$dir" "$bin"
  local i disk
  truncate -s "$disk_size" "$dir/disks/$name-s.img"
  node "$dir" "$bin" "$name-s" 10.77.0.1 1 "$(losetup --find --show "$dir/disks/$name-s.img")"
  for ((i = 1; i <= n; i++)); do
    truncate -s "$disk_size" "$dir/disks/$name-r$i.img"
    disk="$(losetup --find --show "$dir/disks/$name-r$i.img")"
    node "$dir" "$bin" "$name-r$i" "10.77.0.$((10 + i))" $((i + 1)) "$disk"
  done
  local k=(kubectl --kubeconfig "$dir/kubeconfig")
  within 180 sh -c "[ \"\$(${k[*]} get nodes --no-headers 2>/dev/null | grep -c ' Ready ')\" -eq $((n + 1)) ]" \
    || die "not all $((n + 1)) nodes Ready after 180 s"
  "${k[@]}" label node "$name-s" broadband.dev/sender=true >/dev/null
  for ((i = 1; i <= n; i++)); do "${k[@]}" label node "$name-r$i" broadband.dev/reimage=true >/dev/null; done
  trap - ERR
  "${k[@]}" get nodes -o wide
  echo
  echo "export KUBECONFIG=$dir/kubeconfig"
}

cmd_load() {
  [[ $# -ge 2 ]] || usage
  local name=$1 dir="$STATE_ROOT/$1" node tar; shift
  [[ -d "$dir" ]] || die "no cluster $name"
  for tar in "$@"; do [[ -s "$tar" ]] || die "no image tarball at $tar (jib:buildTar writes target/jib-image.tar)"; done
  for node in $(nodes_of "$name"); do
    for tar in "$@"; do
      nsenter --mount="/proc/$(cat "$dir/pids/$node")/ns/mnt" ctr -n k8s.io images import "$(readlink -f "$tar")" >/dev/null
    done
  done
}

cmd_disk() {
  [[ $# -eq 2 ]] || usage
  cat "$STATE_ROOT/$1/nodes/$2/disk"
}

[[ $# -ge 1 ]] || usage
[[ $(id -u) -eq 0 ]] || die "must run as root"
command=$1; shift
case $command in
  up) cmd_up "$@" ;;
  load) cmd_load "$@" ;;
  disk) cmd_disk "$@" ;;
  down) [[ $# -eq 1 ]] || usage; teardown "$1" ;;
  *) usage ;;
esac
