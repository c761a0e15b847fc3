#!/usr/bin/env bash
# A broadcast segment of network namespaces on one machine (see testbed/README.md).
#
#   segment.sh up   NAME N [--loss PCT] [--rate RATE] [--mtu M]
#   segment.sh down NAME
#   segment.sh txbytes NAME
#
# Layout for NAME=tb, N=2:
#
#   root ns:   bridge tbbr (no IP)  <- tb-s-p, tb-r1-p, tb-r2-p
#   tb-s:      tb-s-v   10.77.0.1/24      (sender; tbf rate cap with --rate)
#   tb-r1:     tb-r1-v  10.77.0.11/24     (receiver 1; nft random UDP drop with --loss)
#   tb-r2:     tb-r2-v  10.77.0.12/24
#
# Every address lives inside namespaces this script creates; nothing touches the
# machine's real interfaces. Must run as root.
set -euo pipefail

SUBNET_PREFIX=10.77.0

die() { echo "segment.sh: $*" >&2; exit 2; }

usage() {
    cat >&2 <<'EOF'
usage: segment.sh up   NAME N [--loss PCT] [--rate RATE] [--mtu M]
       segment.sh down NAME
       segment.sh txbytes NAME
NAME: 2-4 lowercase letters/digits. N: number of receivers (1-200).
EOF
    exit 2
}

check_name() {
    [[ "$1" =~ ^[a-z0-9]{2,4}$ ]] || die "NAME must be 2-4 lowercase letters/digits, got '$1'"
}

# Run a command inside namespace $1.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Remove everything belonging to NAME, whatever state an earlier run left it in.
# Deleting a namespace deletes the veth end inside it, and with it the peer on the
# bridge; the explicit link deletes cover veths whose namespace move never happened.
teardown() {
    local name=$1 ns link
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^${name}-(s|r[0-9]+)\$" || true); do
        # Kill anything still running inside, or the namespace lingers on its processes.
        local pids
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
        ip netns delete "$ns" 2>/dev/null || true
    done
    for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 \
                  | grep -E "^${name}-(s|r[0-9]+)-[vp]\$" || true); do
        ip link delete "$link" 2>/dev/null || true
    done
    ip link delete "${name}br" 2>/dev/null || true
}

# Per-namespace sysctls: no IPv6 (its router solicitations and MLD reports would be
# counted in tx_bytes and arrive as stray traffic), no reverse-path filter (it may drop
# broadcasts whose source is on-link only by the /24), no forwarding.
ns_sysctls() {
    local ns=$1
    in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    in_ns "$ns" sysctl -qw net.ipv4.ip_forward=0
    # Let receivers reply to broadcast pings (handy for debugging, harmless otherwise).
    in_ns "$ns" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
}

# add_host NAME HOST ADDR MTU: a namespace NAME-HOST, veth NAME-HOST-v inside it with
# ADDR/24, its peer NAME-HOST-p enslaved to the bridge.
add_host() {
    local name=$1 host=$2 addr=$3 mtu=$4
    local ns="$name-$host" v="$name-$host-v" p="$name-$host-p"
    ip netns add "$ns"
    ns_sysctls "$ns"
    ip link add "$v" mtu "$mtu" type veth peer name "$p" mtu "$mtu"
    ip link set "$v" netns "$ns"
    ip link set "$p" master "${name}br" up
    in_ns "$ns" ip link set lo up
    in_ns "$ns" sysctl -qw "net.ipv4.conf.$v.rp_filter=0"
    in_ns "$ns" ip addr add "$addr/24" brd + dev "$v"
    in_ns "$ns" ip link set "$v" up
    # No default route in a namespace: without this, a multicast send fails with
    # ENETUNREACH unless the application sets IP_MULTICAST_IF.
    in_ns "$ns" ip route add 224.0.0.0/4 dev "$v"
}

# PCT (may be fractional) -> integer threshold out of 10000 for nft numgen.
loss_threshold() {
    awk -v p="$1" 'BEGIN {
        if (p !~ /^[0-9]+(\.[0-9]+)?$/ || p + 0 > 100) exit 1
        printf "%d\n", p * 100 + 0.5 }' || die "--loss wants a percentage 0-100, got '$1'"
}

# Kernel random drop of PCT% of UDP datagrams arriving at the receiver from the
# segment (loopback traffic inside the namespace is left alone).
add_loss() {
    local ns=$1 dev=$2 threshold=$3
    in_ns "$ns" nft -f - <<EOF
table inet loss {
    chain in {
        type filter hook input priority 0; policy accept;
        iifname "$dev" meta l4proto udp numgen random mod 10000 lt $threshold counter drop
    }
}
EOF
}

# Bridge netfilter (br_netfilter) would pass every bridged frame through the root
# namespace's iptables/nftables inet hooks, costing CPU and letting host rules drop
# segment traffic. The global switch wins over the per-bridge option, so turn it off.
disable_bridge_netfilter() {
    local f
    for f in bridge-nf-call-iptables bridge-nf-call-ip6tables bridge-nf-call-arptables; do
        if [ -w "/proc/sys/net/bridge/$f" ] && [ "$(cat "/proc/sys/net/bridge/$f")" != 0 ]; then
            echo 0 > "/proc/sys/net/bridge/$f"
        fi
    done
}

cmd_up() {
    [ $# -ge 2 ] || usage
    local name=$1 n=$2; shift 2
    check_name "$name"
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 200 ] || die "N must be 1-200, got '$n'"
    local loss="" rate="" mtu=1500
    while [ $# -gt 0 ]; do
        case $1 in
            --loss) [ $# -ge 2 ] || usage; loss=$2; shift 2 ;;
            --rate) [ $# -ge 2 ] || usage; rate=$2; shift 2 ;;
            --mtu)  [ $# -ge 2 ] || usage; mtu=$2;  shift 2 ;;
            *) usage ;;
        esac
    done
    [[ "$mtu" =~ ^[0-9]+$ ]] || die "--mtu wants a number, got '$mtu'"
    local threshold=0
    [ -n "$loss" ] && threshold=$(loss_threshold "$loss")

    teardown "$name"
    # If anything below fails, leave nothing half-built behind.
    trap 'teardown "$name"' ERR

    disable_bridge_netfilter
    # The bridge: no STP (ports forward at once), no multicast snooping (flood every
    # group to every port, no IGMP querier needed), no IP of its own.
    ip link add "${name}br" mtu "$mtu" type bridge stp_state 0 forward_delay 0 \
        mcast_snooping 0 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0
    ip link set "${name}br" up

    add_host "$name" s "$SUBNET_PREFIX.1" "$mtu"
    # The sender's interface cuts a segmented send (UDP GSO) into datagrams itself, as a
    # NIC does: a veth would pass it whole, so one random drop at a receiver would take a
    # run of 40 datagrams and tx_bytes would count one header for all of them.
    in_ns "$name-s" ethtool -K "$name-s-v" tx-udp-segmentation off >/dev/null
    local i
    for ((i = 1; i <= n; i++)); do
        add_host "$name" "r$i" "$SUBNET_PREFIX.$((10 + i))" "$mtu"
        if [ "$threshold" -gt 0 ]; then
            add_loss "$name-r$i" "$name-r$i-v" "$threshold"
        fi
    done

    if [ -n "$rate" ]; then
        # The sender's uplink as a NIC of that speed.
        in_ns "$name-s" tc qdisc add dev "$name-s-v" root tbf rate "$rate" burst 512kb latency 20ms
    fi
    trap - ERR
}

cmd_down() {
    [ $# -eq 1 ] || usage
    check_name "$1"
    teardown "$1"
}

cmd_txbytes() {
    [ $# -eq 1 ] || usage
    check_name "$1"
    in_ns "$1-s" cat "/sys/class/net/$1-s-v/statistics/tx_bytes"
}

[ $# -ge 1 ] || usage
[ "$(id -u)" = 0 ] || die "must run as root"
command -v ethtool >/dev/null || die "needs ethtool (apt-get install ethtool)"
command=$1; shift
case $command in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    txbytes) cmd_txbytes "$@" ;;
    *) usage ;;
esac
