# One function per tool, sourced by bench/run.sh after bench/lib.sh.
#
# tool_NAME N TIMEOUT runs one transfer of $IMAGE to N receivers on the segment and
# sets T_START (the sender was started) and T_END (the last receiver finished).
# Receivers write to $CELL/out/rI unless the tool records another path in
# $CELL/rI.path. A tool may set INTACT itself (the ceiling verifies nothing) and NOTE.
#
# UDP receivers are started first and given a moment to bind, so that T_START..T_END
# covers the tools' own rendezvous and transfer but not process start-up.

PORT=7854

# tool_available NAME: the tool can run on this machine.
tool_available() {
    case ${1%%@*} in
        ceiling)   command -v perl >/dev/null && command -v socat >/dev/null ;;
        udpcast)   command -v udp-sender >/dev/null && command -v udp-receiver >/dev/null ;;
        udpcast-zstd) tool_available udpcast && command -v zstd >/dev/null ;;
        uftp)      command -v uftp >/dev/null && command -v uftpd >/dev/null ;;
        tcp)       command -v socat >/dev/null && command -v ss >/dev/null ;;
        broadband|broadband-full|broadband-no-gso|broadband-cached) [ -x "$REPO_DIR/bin/broadband" ] && [ -d "$REPO_DIR/program/target/classes" ] ;;
        *) return 1 ;;
    esac
}

# The ceiling's sink command: bench/sink.c built once into $WORK when a C compiler
# is there, else socat with a 4 MiB receive buffer.
ceiling_sink() {
    if [ ! -x "$WORK/sink" ] && command -v cc >/dev/null; then
        cc -O2 -o "$WORK/sink" "$BENCH_DIR/sink.c" 2>"$WORK/sink.err" || rm -f "$WORK/sink"
    fi
    if [ -x "$WORK/sink" ]; then
        echo "$WORK/sink $PORT"
    else
        echo "socat -u UDP-RECV:$PORT,rcvbuf=4194304 /dev/null"
    fi
}

# The blast's datagram: 1400 bytes on a 1500-byte segment, 8900 on a jumbo one.
blast_size() { echo $((MTU - 100)); }

# The ceiling: the image blasted once as broadcast datagrams of blast_size, no repair,
# to minimal sinks (bench/sink.c). Its time is the sender's send time; what arrived is counted from
# each receiver namespace's Udp InDatagrams (the sinks keep nothing to verify).
tool_ceiling() {
    local n=$1 timeout=$2 i before=0 after=0 sink
    sink=$(ceiling_sink)
    for ((i = 1; i <= n; i++)); do
        # shellcheck disable=SC2086  # $sink is a command with its arguments
        daemon "r$i" "$(receiver_ns "$i")" $sink
    done
    sleep 0.5
    for ((i = 1; i <= n; i++)); do before=$((before + $(udp_in_datagrams "$(receiver_ns "$i")"))); done
    T_START=$(now)
    timeout "$timeout" ip netns exec "$(sender_ns)" perl "$BENCH_DIR/blast.pl" \
        "$IMAGE" "$BCAST_IP" "$PORT" "$(blast_size)" >"$CELL/s.log" 2>&1 || true
    T_END=$(now)
    sleep 0.2    # let the sinks drain their socket buffers before counting
    for ((i = 1; i <= n; i++)); do after=$((after + $(udp_in_datagrams "$(receiver_ns "$i")"))); done
    stop_daemons
    local size datagrams
    size=$(blast_size)
    datagrams=$(((IMAGE_BYTES + size - 1) / size))
    INTACT="n/a ($(awk -v d=$((after - before)) -v t=$((datagrams * n)) \
        'BEGIN { printf "%.0f", 100 * d / t }')% delivered)"
}

# udpcast: multicast (its default; the data address is derived from the sender's IP)
# with the rendezvous on the segment's broadcast address. --rexmit-hello-interval
# repeats the sender's HELLO: without it a receiver whose one HELLO was dropped waits
# forever. The receivers linger --exit-wait (500 ms) after the final REQACK.
tool_udpcast() {
    udpcast_cell "$1" "$2" "" ""
}

# udpcast-zstd: udpcast with its --pipe compression: the sender runs `zstd -1` with
# the image as its stdin and sends what it writes, every receiver runs `zstd -d`
# with the received stream as its stdin and the output file as its stdout. So the
# outputs are the raw image (verified like every tool's) and the wire ratio is the
# compressed size's. udp-receiver waits for its pipe command before it exits.
tool_udpcast-zstd() {
    udpcast_cell "$1" "$2" "zstd -1 -q -c" "zstd -d -q -c"
}

# udpcast_cell N TIMEOUT SENDER_PIPE RECEIVER_PIPE: one udpcast transfer, with
# --pipe commands when the pipes are not empty.
udpcast_cell() {
    local n=$1 timeout=$2 i jumbo=() spipe=() rpipe=()
    [ "$MTU" -gt 1500 ] && jumbo=(--blocksize "$(jumbo_block)")
    [ -n "$3" ] && spipe=(--pipe "$3")
    [ -n "$4" ] && rpipe=(--pipe "$4")
    for ((i = 1; i <= n; i++)); do
        spawn "r$i" "$timeout" "$(receiver_ns "$i")" udp-receiver --nokbd \
            --interface "$(receiver_if "$i")" --file "$CELL/out/r$i" "${rpipe[@]}"
    done
    sleep 0.5
    T_START=$(now)
    spawn s "$timeout" "$(sender_ns)" udp-sender --nokbd --file "$IMAGE" "${spipe[@]}" \
        --interface "$SEG-s-v" --rexmit-hello-interval 200 --min-receivers "$n" "${jumbo[@]}" \
        ${BENCH_UDPCAST_ARGS:-}
    wait_spawned
    T_END=$(latest_end $(receiver_tags "$n"))
}

# UFTP: a uftpd daemon in every receiver namespace, the uftp server with -R -1 (no
# pacing of its own: it sends as fast as the socket takes, so the tbf cap on the
# uplink is the rate) and a closed group (-H) so that it starts the moment all N
# clients registered instead of waiting out the open-group registration period.
# uftpd never exits; the server exits once every client reported the file complete,
# so T_END is the server's exit.
tool_uftp() {
    local n=$1 timeout=$2 i ids="" id
    for ((i = 1; i <= n; i++)); do
        id=$(printf '0x0a4d00%02x' $((10 + i)))
        ids="$ids${ids:+,}$id"
        mkdir -p "$CELL/out/r$i"
        echo "$CELL/out/r$i/$(basename "$IMAGE")" >"$CELL/r$i.path"
        daemon "r$i" "$(receiver_ns "$i")" uftpd -d -q -x 1 -I "$(receiver_if "$i")" -U "$id" \
            -B 4194304 -D "$CELL/out/r$i" -F "$CELL/r$i.status"
    done
    sleep 0.5
    T_START=$(now)
    local jumbo=()
    [ "$MTU" -gt 1500 ] && jumbo=(-b "$(jumbo_block)")
    spawn s "$timeout" "$(sender_ns)" uftp -R -1 -x 1 -I "$SEG-s-v" -H "$ids" "${jumbo[@]}" \
        ${BENCH_UFTP_ARGS:-} "$IMAGE"
    wait_spawned
    T_END=$(cat "$CELL/s.end")
    stop_daemons
    if [ "$(cat "$CELL/s.rc")" = 124 ]; then NOTE="server timed out"; fi
}

# TCP: N parallel downloads of the image from one server in the sender namespace.
# socat forks per connection and opens the image in the child, so every download
# reads the file from the start. The loss rule drops UDP only: TCP sees no loss.
tool_tcp() {
    local n=$1 timeout=$2 i tries=0
    daemon s "$(sender_ns)" socat -U -b 262144 TCP-LISTEN:8080,reuseaddr,fork,backlog=256 \
        "OPEN:$IMAGE"
    until ip netns exec "$(sender_ns)" ss -ltn | grep -q ':8080 '; do
        tries=$((tries + 1)); [ $tries -lt 100 ] || break; sleep 0.05
    done
    T_START=$(now)
    for ((i = 1; i <= n; i++)); do
        spawn "r$i" "$timeout" "$(receiver_ns "$i")" socat -u -b 262144 \
            "TCP:$SENDER_IP:8080" "CREATE:$CELL/out/r$i"
    done
    wait_spawned
    T_END=$(latest_end $(receiver_tags "$n"))
    stop_daemons
}

# broadband: clients first, then the server on the broadcast address once the clients
# are ready: the CPUs quiet again after their JVMs started and warmed up (at most 60 s),
# or after BENCH_BROADBAND_SETTLE seconds when that is set. As with every tool, the
# receivers' start-up is not part of the row. T_END is the last client's exit; the
# server gets 10 s after that to exit by itself.
tool_broadband() {
    local n=$1 timeout=$2 i
    local bb="$REPO_DIR/bin/broadband"
    for ((i = 1; i <= n; i++)); do
        spawn "r$i" "$timeout" "$(receiver_ns "$i")" "$bb" client "$SENDER_IP" \
            --output "$CELL/out/r$i" ${BENCH_BROADBAND_CLIENT_ARGS:-}
    done
    local receivers=("${SPAWNED[@]}")
    SPAWNED=()
    if [ -n "${BENCH_BROADBAND_SETTLE:-}" ]; then
        sleep "$BENCH_BROADBAND_SETTLE"
    else
        BENCH_QUIET_WAIT=60 wait_for_quiet >/dev/null
    fi
    T_START=$(now)
    local rate=()
    [ -n "${TOOL_RATE:-}" ] && rate=(--rate "$TOOL_RATE")
    spawn s "$timeout" "$(sender_ns)" "$bb" server "$BCAST_IP" --file "$IMAGE" \
        --min-clients "$n" "${rate[@]}" ${BENCH_BROADBAND_SERVER_ARGS:-}
    local pid
    for pid in "${receivers[@]}"; do wait "$pid" || true; done
    T_END=$(latest_end $(receiver_tags "$n"))
    local waited=0
    while [ ! -f "$CELL/s.end" ] && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    if [ ! -f "$CELL/s.end" ]; then
        NOTE="server still running 10 s after the last client"
        local p
        for p in $(ip netns pids "$(sender_ns)"); do kill "$p" 2>/dev/null || true; done
    fi
    wait_spawned
}

# broadband-full: broadband whose clients receive every chunk (--no-delta), whatever their
# outputs hold: the full transfer that a delta cell (--target-holds) is measured against.
tool_broadband-full() {
    BENCH_BROADBAND_CLIENT_ARGS="${BENCH_BROADBAND_CLIENT_ARGS:-} --no-delta" tool_broadband "$@"
}

# broadband-cached: broadband with --cache, the image reached through a link in the run's work directory so that
# its SHA-256 is kept there, never beside an --image. The run's first broadband-cached transfer hashes the image
# on its first pass and keeps the hash; every later one announces it at once and hashes nothing on the sender, as
# a repeated broadcast of one golden image does.
tool_broadband-cached() {
    ln -sfn "$IMAGE" "$WORK/cached-image"
    IMAGE="$WORK/cached-image" BENCH_BROADBAND_SERVER_ARGS="${BENCH_BROADBAND_SERVER_ARGS:-} --cache" \
        tool_broadband "$@"
}

# broadband-no-gso: broadband whose server sends one datagram per system call (--no-gso),
# to show what UDP segmentation offload buys in the same run.
tool_broadband-no-gso() {
    BENCH_BROADBAND_SERVER_ARGS="${BENCH_BROADBAND_SERVER_ARGS:-} --no-gso" tool_broadband "$@"
}
