# Functions shared by the benchmark scripts; sourced by bench/run.sh.
#
# One "cell" of the matrix = one tool, one image, N receivers, one loss rate, on a
# fresh segment. A tool function starts its receivers and its sender inside the
# segment's namespaces and sets T_START (when the sender was started) and T_END (when
# the last receiver finished); the cell then reads the sender's tx counter and checks
# every receiver's output against the image's SHA-256.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
SEGMENT="$REPO_DIR/testbed/segment.sh"
# Segment name of the bench (2-4 lowercase letters/digits); tests use other names. Two
# runs at once must use different names: a cell's segment up/down tears down the other's.
SEG=${BENCH_SEGMENT:-bb}
SENDER_IP=10.77.0.1
BCAST_IP=10.77.0.255
RATE=${BENCH_RATE:-1gbit}    # the sender's uplink, like a 1 GbE NIC; "none" for no cap
MTU=${BENCH_MTU:-1500}       # every link of the segment; 9000 for jumbo frames
# The peers' datagram or block size on a jumbo segment (udpcast --blocksize, uftp -b, the blast): an MTU's worth
# less headers and slack, 8800 at MTU 9000, as their own documentation suggests; their defaults at 1500.
jumbo_block() { echo $((MTU - 200)); }

now() { date +%s.%N; }
log() { echo "[bench $(date +%T)] $*" >&2; }

sender_ns() { echo "$SEG-s"; }
receiver_ns() { echo "$SEG-r$1"; }
receiver_ip() { echo "10.77.0.$((10 + $1))"; }
receiver_if() { echo "$SEG-r$1-v"; }

# spawn TAG SECONDS NS CMD...: run CMD in namespace NS in the background, killed
# after SECONDS. When it ends, $CELL/TAG.rc holds its exit status (124 = timed out)
# and $CELL/TAG.end the time it ended; output goes to $CELL/TAG.log. The pid of
# the watching subshell is appended to SPAWNED so that wait_spawned can wait for it.
spawn() {
    local tag=$1 seconds=$2 ns=$3; shift 3
    (
        set +e
        timeout -k 3 "$seconds" ip netns exec "$ns" "$@" </dev/null >"$CELL/$tag.log" 2>&1
        echo $? >"$CELL/$tag.rc"
        now >"$CELL/$tag.end"
    ) &
    SPAWNED+=("$!")
}

# daemon TAG NS CMD...: a process that never exits by itself (a sink, a server
# waiting for connections). segment.sh down kills whatever is left in the namespaces.
daemon() {
    local tag=$1 ns=$2; shift 2
    ip netns exec "$ns" "$@" </dev/null >"$CELL/$tag.log" 2>&1 &
    DAEMONS+=("$!")
}

wait_spawned() {
    local pid
    for pid in "${SPAWNED[@]}"; do wait "$pid" || true; done
    SPAWNED=()
}

stop_daemons() {
    local pid
    for pid in "${DAEMONS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${DAEMONS[@]}"; do wait "$pid" 2>/dev/null || true; done
    DAEMONS=()
}

# latest_end TAG...: the latest .end time among the tags (the last receiver's exit).
latest_end() {
    local tag t latest=0
    for tag in "$@"; do
        t=$(cat "$CELL/$tag.end" 2>/dev/null || echo 0)
        latest=$(awk -v a="$latest" -v b="$t" 'BEGIN { print ((b > a) ? b : a) }')
    done
    echo "$latest"
}

# count_timeouts TAG...: how many of the tags were killed by their timeout.
count_timeouts() {
    local tag n=0
    for tag in "$@"; do
        [ "$(cat "$CELL/$tag.rc" 2>/dev/null)" = 124 ] && n=$((n + 1))
        [ "$(cat "$CELL/$tag.rc" 2>/dev/null)" = 137 ] && n=$((n + 1))
    done
    echo "$n"
}

# count_failures TAG...: how many of the tags exited with an error of their own
# (not the timeout's kill).
count_failures() {
    local tag rc n=0
    for tag in "$@"; do
        rc=$(cat "$CELL/$tag.rc" 2>/dev/null || echo 0)
        case $rc in 0|124|137) ;; *) n=$((n + 1)) ;; esac
    done
    echo "$n"
}

receiver_tags() { local i; for ((i = 1; i <= $1; i++)); do echo "r$i"; done; }

# Datagrams delivered to UDP sockets in a namespace so far (Udp InDatagrams).
udp_in_datagrams() {
    ip netns exec "$1" awk '/^Udp:/ { n++ } /^Udp:/ && n == 2 { print $2 }' /proc/net/snmp
}

# How long a cell may take before its receivers are killed: generous, the point is
# only that a hung tool never hangs the bench. Override with BENCH_TIMEOUT.
cell_timeout() {
    local mib=$1 n=$2
    echo "${BENCH_TIMEOUT:-$((60 + mib * n / 16))}"
}

# verify_outputs N: how many receivers' outputs ($CELL/out/rI, or whatever path the
# tool stored in $CELL/rI.path) have the image's SHA-256.
verify_outputs() {
    local n=$1 i path good=0 sum
    for ((i = 1; i <= n; i++)); do
        path=$(cat "$CELL/r$i.path" 2>/dev/null || echo "$CELL/out/r$i")
        if [ -f "$path" ]; then
            sum=$(sha256sum "$path" | cut -d' ' -f1)
            if [ "$sum" = "$IMAGE_SHA" ]; then
                good=$((good + 1))
            else
                log "r$i: output differs from the image ($(stat -c %s "$path") bytes)"
            fi
            rm -f "$path"      # tmpfs: free the memory before the next cell
        else
            log "r$i: no output"
        fi
    done
    echo "$good"
}

# busy_percent: share of CPU time not idle over the next second, all cores.
busy_percent() {
    local a b
    a=$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
        t = y[1] - x[1]; i = y[2] - x[2]; printf "%d\n", (t > 0 ? 100 * (t - i) / t : 0) }'
}

# wait_for_quiet: on a 2-core machine anything else running (a build, a JMH run)
# costs a tool a core and the figures with it. Wait up to BENCH_QUIET_WAIT seconds
# (default 300) until the CPUs were under BENCH_QUIET_BUSY percent busy (default 15)
# for three seconds in a row (a JMH run pauses a second between its forks); prints
# the highest busy percentage of those last three seconds, so that a cell started on
# a busy machine can be marked.
wait_for_quiet() {
    local limit=${BENCH_QUIET_WAIT:-300} threshold=${BENCH_QUIET_BUSY:-15}
    local start=$SECONDS quiet=0 worst=0 busy=0 next_log=0
    while [ "$quiet" -lt 3 ] && [ $((SECONDS - start)) -lt "$limit" ]; do
        busy=$(busy_percent)
        if [ "$busy" -lt "$threshold" ]; then
            quiet=$((quiet + 1))
            [ "$busy" -gt "$worst" ] && worst=$busy
        else
            quiet=0 worst=0
            if [ $((SECONDS - start)) -ge "$next_log" ]; then
                log "machine ${busy}% busy, waiting for it to quieten"
                next_log=$((next_log + 30))
            fi
        fi
    done
    # Gave up waiting: report how busy it still is.
    [ "$quiet" -lt 3 ] && worst=$busy
    echo "$worst"
}

# A virtual machine whose kernel reports freed memory to its host (virtio free page
# reporting, /sys/module/page_reporting) pays the host again when it touches that memory:
# here 120-230 MB/s for a GiB written to /dev/shm six seconds after the last one was
# deleted, 1.7 GB/s right after (docs/results.md, 2026-12-07 16:34). Every cell's receivers
# write fresh outputs after the previous cell's were deleted, so each cell would measure the
# host along with the tool. For the run,
# reporting stops (an order above the largest, so no free block qualifies) and the memory
# the cells will use is touched once; the old order comes back at exit. BENCH_PAGE_REPORTING=keep
# leaves the machine as it is.
PAGE_REPORTING=/sys/module/page_reporting/parameters/page_reporting_order
PAGE_REPORTING_WAS=""
pause_page_reporting() {
    local touch_bytes=$1 dir=$2
    [ "${BENCH_PAGE_REPORTING:-pause}" = keep ] && return 0
    [ -w "$PAGE_REPORTING" ] || return 0
    PAGE_REPORTING_WAS=$(cat "$PAGE_REPORTING")
    echo 11 >"$PAGE_REPORTING" || { PAGE_REPORTING_WAS=""; return 0; }
    log "free page reporting to the VM's host paused for the run (page_reporting_order $PAGE_REPORTING_WAS -> 11); touching up to $((touch_bytes / 1048576)) MiB once"
    # Only a tmpfs holds its files in memory; on a disk the touch would be writeback instead.
    if [ "$(stat -f -c %T "$dir")" = tmpfs ]; then
        head -c "$touch_bytes" /dev/zero >"$dir/touch" 2>/dev/null || true
        rm -f "$dir/touch"
    fi
}
restore_page_reporting() {
    [ -n "$PAGE_REPORTING_WAS" ] && echo "$PAGE_REPORTING_WAS" >"$PAGE_REPORTING"
    PAGE_REPORTING_WAS=""
}
