#!/usr/bin/env bash
# Builds the base image of broadband's container images for the real-cluster testbed, where no
# registry can be reached: a Debian bookworm root filesystem from Debian's packages (debootstrap)
# with a Java 17 runtime, util-linux (partx) and curl, packed in docker-save layout for jib's
# `tar://` base. Cached by its inputs outside the repository.
#
#   testbed/k8s/base-image.sh       # prints the path of the tarball
set -euo pipefail

SUITE=bookworm
MIRROR="${BROADBAND_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=openjdk-17-jre-headless,util-linux,curl,ca-certificates
CACHE="${BROADBAND_BASE_CACHE:-/var/cache/broadband/base}"
KEY="$(echo "$SUITE $PACKAGES" | sha256sum | cut -c1-12)"
OUT="$CACHE/jre17-$SUITE-$KEY.tar"

if [[ -f "$OUT" ]]; then
  echo "$OUT"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "base-image.sh: must run as root (debootstrap)" >&2; exit 1; }
if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

work="$(mktemp -d "$CACHE.XXXX" 2>/dev/null || { mkdir -p "$(dirname "$CACHE")"; mktemp -d "$CACHE.XXXX"; })"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
echo "building the JRE base image ($SUITE: $PACKAGES)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# What an image does not need at run time.
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
       "$root"/usr/share/locale/* "$root"/var/log/* "$root"/dev/*

mkdir -p "$work/image"
tar --numeric-owner --xattrs -C "$root" -cf "$work/image/layer.tar" .
diff_id="sha256:$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)"
java_home=/usr/lib/jvm/java-17-openjdk-amd64
cat >"$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["broadband-base/jre17:'"$SUITE"'"],"Layers":["layer.tar"]}]' >"$work/image/manifest.json"
mkdir -p "$CACHE"
tar -C "$work/image" -cf "$OUT.partial" manifest.json config.json layer.tar
mv "$OUT.partial" "$OUT"
echo "$OUT"
