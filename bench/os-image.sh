#!/usr/bin/env bash
# Two real OS disk images for the bench (issue 12, "send less than the image").
#
#   bench/os-image.sh [DIR]        (default DIR: /var/cache/broadband/os-image)
#
# DIR/v1.img: a 2 GiB raw ext4 filesystem (no partition table) holding Debian bookworm
# --variant=minbase plus linux-image-amd64, systemd, openssh-server and python3.
# DIR/v2.img: a copy of v1 with curl, less, vim-tiny and rsync installed by apt-get in
# a chroot: the next version of the same machine's disk.
# Built once: each image is rebuilt only when its file is missing (a half-built one is
# a *.part file, thrown away). Then prints, for each image, its size, the share of
# 1 MiB chunks that are all zero and its `zstd -1` size, and the share of 1 MiB chunks
# in which v1 and v2 differ. Needs root, loop devices and a Debian mirror (the one
# /etc/apt/sources.list(.d) names; BB_OS_MIRROR overrides). Takes a few minutes.
set -euo pipefail

DIR=${1:-/var/cache/broadband/os-image}
SUITE=bookworm
IMAGE_SIZE=2G
V1_PACKAGES=linux-image-amd64,systemd,openssh-server,python3
V2_PACKAGES="curl less vim-tiny rsync"

log() { echo "[os-image $(date +%T)] $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (mount, debootstrap, chroot)"
for cmd in debootstrap mkfs.ext4 e2fsck zstd python3 losetup chroot; do
    command -v "$cmd" >/dev/null || die "needs $cmd (apt-get install -y debootstrap zstd e2fsprogs)"
done

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list),
# else deb.debian.org.
host_mirror() {
    local f uri=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ]; then
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):/ && $i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
            [ -n "$uri" ] && break
        done
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR=${BB_OS_MIRROR:-$(host_mirror)}

# Everything mounted (innermost last), the mount points made, and the image file being
# built (removed when the build did not finish), so that the trap can undo it whatever failed.
MOUNTS=()
PARTS=()
TMP_MNTS=()
cleanup() {
    local i m f dev
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        m=${MOUNTS[i]}
        if mountpoint -q "$m"; then
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
        fi
    done
    MOUNTS=()
    # mount -o loop sets autoclear, but detach anything still bound to our files.
    for f in "${PARTS[@]}"; do
        for dev in $(losetup -j "$f" -O NAME -n 2>/dev/null); do losetup -d "$dev" 2>/dev/null || true; done
        [ -z "$(losetup -j "$f" 2>/dev/null)" ] && rm -f "$f"
    done
    for m in "${TMP_MNTS[@]}"; do rmdir "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

do_mount() {    # do_mount MOUNTPOINT ARGS...: mount, remembered for the trap
    local where=$1; shift
    mount "$@" "$where"
    MOUNTS+=("$where")
}

unmount_all() {
    local i
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}"; done
    MOUNTS=()
}

new_mountpoint() {    # sets ROOT (not a $(...): the trap must know the directory)
    ROOT=$(mktemp -d /tmp/bb-os-image.XXXXXX)
    TMP_MNTS+=("$ROOT")
}

# The chroot's virtual filesystems for apt-get and maintainer scripts.
mount_chroot_fs() {
    local root=$1
    do_mount "$root/proc" -t proc proc
    do_mount "$root/sys" -t sysfs sysfs
    do_mount "$root/dev" --bind /dev
    do_mount "$root/dev/pts" -t devpts devpts -o gid=5,mode=620,ptmxmode=666,newinstance
}

finish_fs() {    # finish_fs PART: unmount, check, and keep the file as the image
    local part=$1
    unmount_all
    # e2fsck exits 1 when it corrected something, which is fine; 4 and up is not.
    local rc=0
    e2fsck -fy "$part" >&2 || rc=$?
    [ "$rc" -lt 4 ] || die "e2fsck -fy $part failed ($rc)"
}

build_v1() {
    local img=$DIR/v1.img part=$DIR/v1.img.part root
    log "building $img: debootstrap $SUITE minbase + $V1_PACKAGES from $MIRROR"
    rm -f "$part"
    PARTS+=("$part")
    truncate -s "$IMAGE_SIZE" "$part"
    mkfs.ext4 -q -F -L bb-root "$part"
    new_mountpoint; root=$ROOT
    do_mount "$root" -o loop "$part"
    mkdir -p "$DIR/debs"
    debootstrap --variant=minbase --include="$V1_PACKAGES" --cache-dir="$DIR/debs" \
        "$SUITE" "$root" "$MIRROR" >&2
    # debootstrap mounts /proc and /sys in the target; make sure nothing is left there.
    local m
    for m in "$root/dev/pts" "$root/dev" "$root/proc" "$root/sys"; do
        mountpoint -q "$m" && umount "$m"
    done
    echo "LABEL=bb-root / ext4 errors=remount-ro 0 1" >"$root/etc/fstab"
    echo bb-os >"$root/etc/hostname"
    log "v1: $(du -sh --exclude=proc --exclude=sys "$root" | cut -f1) used," \
        "of which $(du -sh "$root/var/cache/apt/archives" | cut -f1) in var/cache/apt/archives"
    finish_fs "$part"
    mv "$part" "$img"
    PARTS=()
}

build_v2() {
    local img=$DIR/v2.img part=$DIR/v2.img.part root
    log "building $img: v1 + $V2_PACKAGES"
    rm -f "$part"
    PARTS+=("$part")
    cp --sparse=always "$DIR/v1.img" "$part"
    new_mountpoint; root=$ROOT
    do_mount "$root" -o loop "$part"
    mount_chroot_fs "$root"
    # No daemon (rsync's) may start inside the chroot and keep the filesystem busy.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    [ -s "$root/etc/resolv.conf" ] || cp /etc/resolv.conf "$root/etc/resolv.conf"
    local env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8)
    "${env[@]}" chroot "$root" apt-get update -qq >&2
    # shellcheck disable=SC2086  # a list of package names
    "${env[@]}" chroot "$root" apt-get install -y -qq --no-install-recommends $V2_PACKAGES >&2
    rm -f "$root/usr/sbin/policy-rc.d"
    finish_fs "$part"
    mv "$part" "$img"
    PARTS=()
}

mkdir -p "$DIR"
[ -f "$DIR/v1.img" ] || { rm -f "$DIR/v2.img"; build_v1; }   # a new v1 makes v2 stale
[ -f "$DIR/v2.img" ] || build_v2

# Figures: per image its size, all-zero 1 MiB chunks, zstd -1 size; then v1 vs v2.
for v in v1 v2; do
    zst=$(zstd -1 -q -c "$DIR/$v.img" | wc -c)
    python3 - "$DIR/$v.img" "$zst" <<'EOF'
import os, sys
path, zst = sys.argv[1], int(sys.argv[2])
MiB = 1 << 20
zero = bytes(MiB)
total = zeros = 0
with open(path, "rb") as f:
    while True:
        b = f.read(MiB)
        if not b:
            break
        total += 1
        zeros += b == zero[:len(b)]
size = os.path.getsize(path)
print(f"{os.path.basename(path)}: {size} bytes ({size / 2**30:.2f} GiB), "
      f"{zeros}/{total} 1 MiB chunks all zero ({100 * zeros / total:.1f} %), "
      f"zstd -1 {zst} bytes ({zst / 1e6:.0f} MB, {100 * zst / size:.1f} % of the image)")
EOF
done
python3 - "$DIR/v1.img" "$DIR/v2.img" <<'EOF'
import sys
MiB = 1 << 20
total = differ = 0
with open(sys.argv[1], "rb") as a, open(sys.argv[2], "rb") as b:
    while True:
        x, y = a.read(MiB), b.read(MiB)
        if not x and not y:
            break
        total += 1
        differ += x != y
print(f"v1 -> v2: {differ}/{total} 1 MiB chunks differ ({100 * differ / total:.1f} %, {differ} MiB)")
EOF
