#!/usr/bin/env bash
# Installs what testbed/k8s/cluster.sh needs on a fresh Debian machine, as root (idempotent):
# Debian's containerd, runc, CNI plugins and tools, and kubectl/helm from charts/install-helm.sh.
set -euo pipefail
packages=(containerd runc containernetworking-plugins iptables nftables debootstrap gcc libc6-dev openssl util-linux iproute2)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$(dirname "$0")/../../charts/install-helm.sh"
