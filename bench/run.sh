#!/usr/bin/env bash
# Peers side by side on a namespace segment: prints figures, never pass/fail.
#
#   bench/run.sh [--size MiB | --image PATH] [--receivers "4 10 20"] [--loss "0 1"]
#                [--tools "ceiling udpcast udpcast-zstd uftp tcp broadband broadband-full broadband-no-gso broadband-cached
#                          broadband@950mbit"]
#                [--target-holds PATH] [--repeat K]
#
# For every N, loss and tool (each N and loss starting one tool further along --tools, so
# that no tool always runs in the same seat; with --repeat K each N and loss K times in a
# row, each time one tool further): a fresh segment `bb` (testbed/segment.sh, sender
# uplink capped with tbf at $BENCH_RATE, default 1gbit, "none" for no cap; links of
# MTU $BENCH_MTU, default 1500), one transfer of the image (a random one of --size
# MiB, or the file --image names, read in place and never modified or removed),
# then one markdown table row:
#   tool | N | loss % | seconds | wire ratio | receivers intact
# After the rows, the grid: one row per N and loss, one column per tool, each cell the median
# seconds of its K runs (✗ when a run lost a receiver: that tool then has no time there).
# seconds = sender start to last receiver exit; wire ratio = bytes that left the
# sender's veth / image bytes; intact = receivers whose output has the image's SHA-256.
# broadband@RATE is broadband with a fixed --rate RATE instead of its default (adaptive) rate;
# broadband-full is broadband whose clients receive everything (--no-delta);
# broadband-no-gso is broadband whose server sends one datagram per system call (--no-gso);
# broadband-cached is broadband --cache: after the run's first such transfer, its sender hashes nothing.
# With --target-holds PATH every receiver's output is a copy of PATH before the cell starts
# (not timed): a fleet that holds an earlier version of the image (a delta cell).
# Progress goes to stderr, the table to stdout. Needs root. See bench/README.md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$BENCH_DIR/tools.sh"

usage() {
    sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
    exit 2
}

SIZE_MIB=256
SIZE_GIVEN=""
IMAGE_FILE=""
TARGET_HOLDS=""
RECEIVERS="4 10 20"
LOSSES="0 1"
TOOLS=""
REPEAT=1
while [ $# -gt 0 ]; do
    case $1 in
        --size) SIZE_MIB=$2; SIZE_GIVEN=1; shift 2 ;;
        --image) IMAGE_FILE=$2; shift 2 ;;
        --receivers) RECEIVERS=$2; shift 2 ;;
        --loss) LOSSES=$2; shift 2 ;;
        --tools) TOOLS=$2; shift 2 ;;
        --target-holds) TARGET_HOLDS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        -h|--help) usage ;;
        *) usage ;;
    esac
done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --repeat $REPEAT: not a positive whole number" >&2; exit 2; }
if [ -n "$IMAGE_FILE" ]; then
    [ -z "$SIZE_GIVEN" ] || { echo "bench/run.sh: --size and --image exclude each other" >&2; exit 2; }
    if [ ! -f "$IMAGE_FILE" ] || [ ! -r "$IMAGE_FILE" ]; then
        echo "bench/run.sh: --image $IMAGE_FILE: not a readable file" >&2; exit 2
    fi
    IMAGE_FILE=$(realpath "$IMAGE_FILE")
fi
if [ -n "$TARGET_HOLDS" ]; then
    [ -f "$TARGET_HOLDS" ] && [ -r "$TARGET_HOLDS" ] || { echo "bench/run.sh: --target-holds $TARGET_HOLDS: not a readable file" >&2; exit 2; }
    TARGET_HOLDS=$(realpath "$TARGET_HOLDS")
fi
TOOLS=${TOOLS:-${BENCH_TOOLS:-}}
if [ -z "$TOOLS" ]; then
    # broadband only when it is built; the peers always.
    TOOLS="ceiling udpcast uftp tcp"
    tool_available broadband && TOOLS="$TOOLS broadband"
fi
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: must run as root (namespaces)" >&2; exit 2; }

# Temporary files on a tmpfs when there is one: receivers' outputs are written
# there, and a disk's writeback would be measured along with the tool.
TMP_ROOT=${BENCH_TMP:-/dev/shm}
[ -d "$TMP_ROOT" ] && [ -w "$TMP_ROOT" ] || TMP_ROOT=/tmp
WORK=$(mktemp -d "$TMP_ROOT/bb-bench.XXXXXX")
cleanup() {
    "$SEGMENT" down "$SEG" 2>/dev/null || true
    rm -rf "$WORK"
    restore_page_reporting
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$IMAGE_FILE" ]; then
    # Used in place: every tool only reads $IMAGE, and the SHA-256 pass below leaves
    # it in the page cache, so the senders do not read the disk either (given the RAM).
    # It is outside $WORK, so the cleanup leaves it alone.
    IMAGE=$IMAGE_FILE
    IMAGE_BYTES=$(stat -c %s "$IMAGE")
    SIZE_MIB=$(((IMAGE_BYTES + 1048575) / 1048576))    # for the cells' timeouts
    log "image $IMAGE: $IMAGE_BYTES bytes ($SIZE_MIB MiB), used in place"
else
    IMAGE="$WORK/image.img"
    IMAGE_BYTES=$((SIZE_MIB * 1048576))
    log "writing a random image of $SIZE_MIB MiB to $IMAGE"
    head -c "$IMAGE_BYTES" /dev/urandom >"$IMAGE"
fi
IMAGE_SHA=$(sha256sum "$IMAGE" | cut -d' ' -f1)
# A cell's N outputs sit in $TMP_ROOT until it is verified: say so when they will not fit.
max_n=0
for n in $RECEIVERS; do [ "$n" -gt "$max_n" ] && max_n=$n; done
free_kib=$(df -Pk "$TMP_ROOT" | awk 'NR == 2 { print $4 }')
if [ $((max_n * (IMAGE_BYTES / 1024))) -gt "$free_kib" ]; then
    log "warning: $max_n outputs of $IMAGE_BYTES bytes need more than the $((free_kib / 1024)) MiB free in $TMP_ROOT (BENCH_TMP)"
fi
# The outputs of the largest cell, its receivers' and sender's processes (a few hundred MiB each), capped
# by what is free.
touch_kib=$((max_n * (IMAGE_BYTES / 1024) + (max_n + 1) * 400 * 1024))
[ "$touch_kib" -gt $((free_kib * 9 / 10)) ] && touch_kib=$((free_kib * 9 / 10))
pause_page_reporting $((touch_kib * 1024)) "$WORK"

# run_cell TOOL N LOSS RUN: one transfer on a fresh segment, one table row (RUN counts from 0).
run_cell() {
    local tool=$1 n=$2 loss=$3 run=$4 i
    CELL="$WORK/$tool-n$n-l$loss"
    mkdir -p "$CELL/out"
    if [ -n "$TARGET_HOLDS" ]; then
        for ((i = 1; i <= n; i++)); do cp --sparse=always "$TARGET_HOLDS" "$CELL/out/r$i"; done
    fi
    SPAWNED=() DAEMONS=() T_START="" T_END="" INTACT="" NOTE=""
    local link_args=(--mtu "$MTU")
    [ "$loss" != 0 ] && link_args+=(--loss "$loss")
    [ "$RATE" != none ] && link_args+=(--rate "$RATE")
    "$SEGMENT" up "$SEG" "$n" "${link_args[@]}"

    local timeout tx0 tx1 busy
    timeout=$(cell_timeout "$SIZE_MIB" "$n")
    busy=$(wait_for_quiet)
    log "$tool N=$n loss=$loss% (timeout ${timeout}s, CPUs ${busy}% busy before the start)"
    tx0=$("$SEGMENT" txbytes "$SEG")
    TOOL_RATE=""
    [[ $tool == *@* ]] && TOOL_RATE=${tool#*@}
    "tool_${tool%%@*}" "$n" "$timeout"
    tx1=$("$SEGMENT" txbytes "$SEG")

    local seconds ratio timeouts failures intact
    seconds=$(awk -v a="$T_START" -v b="$T_END" 'BEGIN { printf "%.1f", b - a }')
    ratio=$(awk -v t=$((tx1 - tx0)) -v i="$IMAGE_BYTES" 'BEGIN { printf "%.3f", t / i }')
    timeouts=$(count_timeouts $(receiver_tags "$n"))
    if [ -n "$INTACT" ]; then
        intact=$INTACT
    else
        local good
        good=$(verify_outputs "$n")
        intact="$good/$n"
        [ "$good" -lt "$n" ] && intact="$intact ✗ WRONG OR MISSING"
    fi
    failures=$(count_failures $(receiver_tags "$n"))
    if [ "$failures" -gt 0 ]; then
        NOTE="${NOTE:+$NOTE; }$failures receivers exited with an error (see their logs)"
        # A receiver that died before the sender started leaves no useful time.
        if awk -v a="$T_START" -v b="$T_END" 'BEGIN { exit !(b < a) }'; then
            seconds="failed"
        fi
    fi
    if [ "$timeouts" -gt 0 ]; then
        seconds="> $timeout (timeout)"
        NOTE="${NOTE:+$NOTE; }$timeouts receivers killed at the timeout"
    fi
    if [ "$busy" -ge "${BENCH_QUIET_BUSY:-15}" ]; then
        seconds="$seconds †"
        BUSY_CELLS=$((BUSY_CELLS + 1))
    fi
    [ -n "$NOTE" ] && log "$tool N=$n loss=$loss%: $NOTE"
    if [ "$failures" -gt 0 ] || [ "$timeouts" -gt 0 ]; then
        log "last lines of r1's log:"; tail -n 3 "$CELL/r1.log" >&2 || true
    fi
    keep_logs "$tool" "$n" "$loss" "$run"
    "$SEGMENT" down "$SEG"
    rm -rf "$CELL"
    echo "| $tool | $n | $loss | $seconds | $ratio | $intact |" | tee -a "$WORK/rows"
}

# print_grid: the rows collected in $WORK/rows as one line per N and loss, one column per
# tool (in --tools order), each cell the median seconds of its runs.
print_grid() {
    [ -s "$WORK/rows" ] || return 0
    echo
    echo "Median seconds of $REPEAT run(s) per cell:"
    awk -F' *[|] *' -v tools="$TOOLS" -v receivers="$RECEIVERS" -v losses="$LOSSES" '
        function median(list,    v, k, i, j, t) {
            k = split(list, v, " ")
            for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
            return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
        }
        {
            key = $2 SUBSEP $3 SUBSEP $4
            if ($5 ~ /^[0-9.]+( †)?$/ && $7 !~ /✗/) { sub(/ †/, "", $5); times[key] = times[key] " " $5 }
            else lost[key] = 1
        }
        END {
            nt = split(tools, tool, " ")
            head = "| N | loss % |"; rule = "| ---: | ---: |"
            for (t = 1; t <= nt; t++) { head = head " " tool[t] " |"; rule = rule " ---: |" }
            print head; print rule
            split(receivers, ns, " "); split(losses, ls, " ")
            for (a = 1; a in ns; a++) for (b = 1; b in ls; b++) {
                line = "| " ns[a] " | " ls[b] " |"
                for (t = 1; t <= nt; t++) {
                    key = tool[t] SUBSEP ns[a] SUBSEP ls[b]
                    cell = lost[key] ? "✗" : (key in times ? sprintf("%.1f", median(times[key])) : "")
                    line = line " " cell " |"
                }
                print line
            }
        }' "$WORK/rows"
}

# With BENCH_LOGS=DIR, every cell's process logs are kept under DIR (one directory per
# run with --repeat: the slow run of three is the one to read).
keep_logs() {
    [ -n "${BENCH_LOGS:-}" ] || return 0
    local dest="$BENCH_LOGS/$1-n$2-l$3"
    [ "$REPEAT" -gt 1 ] && dest="$dest-run$(($4 + 1))"
    mkdir -p "$dest"
    cp "$CELL"/*.log "$CELL"/*.status "$dest"/ 2>/dev/null || true
}

BUSY_CELLS=0
echo "| tool | N | loss % | seconds | wire ratio | receivers intact |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
# Each (N, loss) group starts one tool further along the list: the first cell after a peer's
# ran slower by itself at ten receivers (1.16-1.35x where, run last, the same tool was fastest;
# docs/results.md, 2026-12-07 07:38), and a fixed order gave one tool that seat in every group.
read -ra TOOL_LIST <<<"$TOOLS"
group=0
for n in $RECEIVERS; do
    for loss in $LOSSES; do
        for ((run = 0; run < REPEAT; run++)); do
            shift_by=$((group % ${#TOOL_LIST[@]}))
            group=$((group + 1))
            for tool in "${TOOL_LIST[@]:shift_by}" "${TOOL_LIST[@]:0:shift_by}"; do
                if ! tool_available "$tool"; then
                    echo "| $tool | $n | $loss | not available | | |"
                    continue
                fi
                run_cell "$tool" "$n" "$loss" "$run"
            done
        done
    done
done
print_grid
if [ "$BUSY_CELLS" -gt 0 ]; then
    echo
    echo "† the machine was busy with something else when this cell started (see stderr)."
fi
