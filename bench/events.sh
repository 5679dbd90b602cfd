#!/usr/bin/env bash
# bench/events.sh — server CPU time per operation for the events tests (issue 15), KV builds
# against redis-server, side by side.
#
# Starts redis-server and one KV per --jar on free ports, warms each up, then per round runs
# every test against every server one right after the other (the order rotates per round) and
# records operations/s and the server's CPU time per operation: user + system time of all its
# threads (/proc/PID/stat fields 14 and 15, GC and JIT threads included) over the run, divided by
# the operations, and apart from it the CPU of the thread that runs the commands (redis' main
# thread, KV's event loop), which the JIT and the collector do not disturb. CPU per operation is
# what machine load disturbs least. No run frees what an earlier one left: nothing is deleted
# between runs (each round's XADD writes a stream of its own, which XREADGROUP reads; the SETs of
# multi overwrite the same keys), since KV's frees are the collector's work in whatever run comes
# next; and before each run the script waits (up to 10 s) until the server's CPU is idle, so
# that compilations and collections a run set off are charged to it and not to the next. Tests:
#   publish     PUBLISH from one connection (-c 1 -P 16) to 50 redis-cli SUBSCRIBE processes;
#               one operation = one publish (50 messages delivered)
#   multi       MULTI + 10 SET + EXEC through bench/multi_exec.py (50 connections, 16 in
#               flight each); one operation = one transaction
#   xadd        XADD s * f v into a new stream per round, -c 50 -P 16
#   xreadgroup  XREADGROUP GROUP g c COUNT 1 STREAMS s > over what that round's xadd added, -c 50 -P 16
# With --stream-memory N, also loads N entries (XADD s * f <8 digits>) into a fresh server of each
# kind through redis-cli --pipe and reports bytes per entry (used_memory and VmRSS deltas).
#
# Usage: bench/events.sh [--rounds N] [-n N] [-t LIST] [--stream-memory N] [--jar NAME=PATH ...]
#   --rounds N         interleaved rounds, median taken (default 3)
#   -n N               operations per run: xadd/xreadgroup N, multi N/5, publish N/5 (default 1000000)
#   -t LIST            tests (default publish,multi,xadd,xreadgroup; "" for none)
#   --warmup N         untimed operations of each test per server first (default N)
#   --stream-memory N  entries for the bytes-per-entry figure (default 0: skipped)
#   --jar N=P          a KV build to measure as N (repeatable; default kv=target/quarkus-app/quarkus-run.jar)
# JAVA_OPTS is passed to every KV. Output: bench/out/events-<ts>.txt and .tsv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

rounds=3; requests=1000000; warmup=""; tests="publish,multi,xadd,xreadgroup"; stream_entries=0
declare -a JARS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        -n) requests="$2"; shift 2 ;;
        -t) tests="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --stream-memory) stream_entries="$2"; shift 2 ;;
        --jar) JARS+=("$2"); shift 2 ;;
        -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
        *) echo "events.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[[ ${#JARS[@]} -eq 0 ]] && JARS=("kv=$root/target/quarkus-app/quarkus-run.jar")
warmup=${warmup:-$requests}

host=127.0.0.1
fanout=50
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$root/bench/out"
report="$root/bench/out/events-$stamp.txt"
tsv="$root/bench/out/events-$stamp.tsv"
workdir="$(mktemp -d)"
tick_us=$((1000000 / $(getconf CLK_TCK)))
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

declare -a PIDS=() SUBS=()
stop_subscribers() { local p; for p in "${SUBS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; SUBS=(); }
cleanup() {
    stop_subscribers
    stop_servers
    rm -rf "$workdir"
}
trap cleanup EXIT
log() { printf '[events %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cli() { redis-cli -h "$host" -p "$@"; }

declare -A PORT=() PID=()

benchmark() {                 # benchmark PORT ARGS... → rps of one redis-benchmark run
    local port=$1
    shift
    timeout 900 redis-benchmark -h "$host" -p "$port" --csv "$@" 2>/dev/null \
        | awk -F'","' '!/^"test"/ && NF >= 2 { gsub(/"/, "", $2); print $2 + 0; exit }'
}

ops_of() {                    # ops_of TEST N → operations one run of TEST performs
    case "$1" in publish|multi) echo $(( $2 / 5 )) ;; *) echo "$2" ;; esac
}

run_test() {                  # run_test TEST PORT N STREAM → ops/s
    local t=$1 port=$2 n=$3 stream=$4
    case "$t" in
        publish) benchmark "$port" -c 1 -P 16 -n "$n" PUBLISH bench:fanout hello ;;
        multi) timeout 900 python3 "$root/bench/multi_exec.py" "$host" "$port" 50 "$n" 16 ;;
        xadd) benchmark "$port" -c 50 -P 16 -n "$n" XADD "$stream" '*' f v ;;
        xreadgroup) benchmark "$port" -c 50 -P 16 -n "$n" XREADGROUP GROUP g c COUNT 1 STREAMS "$stream" '>' ;;
    esac
}

# command_thread NAME → the id of the thread that runs the server's commands: redis' main thread,
# KV's (single) Vert.x event loop
command_thread() {
    local pid=${PID[$1]} t
    if [[ $1 != redis ]]; then
        for t in /proc/"$pid"/task/*; do
            [[ "$(cat "$t/comm" 2>/dev/null)" == vert.x-eventloo* ]] && { echo "${t##*/}"; return; }
        done
    fi
    echo "$pid"
}

thread_ticks() { awk '{ print $14 + $15 }' "/proc/$1/task/$2/stat"; }

settle() {                    # settle PID: returns once PID used at most 1 tick in 0.5 s (at most 10 s)
    local a b i
    b=$(cpu_ticks "$1")
    for ((i = 0; i < 20; i++)); do
        sleep 0.5
        a=$b; b=$(cpu_ticks "$1")
        (( b - a <= 1 )) && return 0
    done
}

prepare() {                   # prepare TEST PORT N STREAM: state the test starts from (outside the timed part)
    local t=$1 port=$2 n=$3 stream=$4 i
    case "$t" in
        publish)
            for ((i = 0; i < fanout; i++)); do
                # redis-cli itself in the background, not the cli function: a function runs in a
                # subshell, and killing that subshell would leave redis-cli subscribed
                redis-cli -h "$host" -p "$port" SUBSCRIBE bench:fanout >/dev/null 2>&1 &
                SUBS+=("$!")
            done
            for ((i = 0; i < 500; i++)); do
                [[ "$(cli "$port" PUBSUB NUMSUB bench:fanout | tail -n 1)" == "$fanout" ]] && break
                sleep 0.01
            done
            ;;
        xreadgroup)
            # a group at the start of the round's stream (xadd's, or added here when xadd did not run)
            if [[ "$(cli "$port" XLEN "$stream")" -lt "$n" ]]; then
                benchmark "$port" -c 50 -P 16 -n "$n" XADD "$stream" '*' f v >/dev/null
            fi
            cli "$port" XGROUP CREATE "$stream" g 0 >/dev/null
            ;;
    esac
}

names=(redis)
start_named_server redis
for j in "${JARS[@]}"; do
    start_named_server "${j%%=*}" "${j#*=}"
    names+=("${j%%=*}")
done
declare -A LOOP=()
for s in "${names[@]}"; do LOOP[$s]=$(command_thread "$s"); done

: >"$tsv"
if [[ -n $tests ]]; then
    log "warm-up ($warmup operations of each test per server)"
    for s in "${names[@]}"; do
        for t in ${tests//,/ }; do
            n=$(ops_of "$t" "$warmup")
            prepare "$t" "${PORT[$s]}" "$n" bench:stream:warmup
            run_test "$t" "${PORT[$s]}" "$n" bench:stream:warmup >/dev/null || true
            stop_subscribers
        done
    done
fi

for ((r = 1; r <= rounds; r++)); do
    for t in ${tests//,/ }; do
        n=$(ops_of "$t" "$requests")
        order=("${names[@]:r % ${#names[@]}}" "${names[@]:0:r % ${#names[@]}}")
        for s in "${order[@]}"; do
            prepare "$t" "${PORT[$s]}" "$n" "bench:stream:$r"
            settle "${PID[$s]}"
            c0=$(cpu_ticks "${PID[$s]}"); l0=$(thread_ticks "${PID[$s]}" "${LOOP[$s]}")
            ops=$(run_test "$t" "${PORT[$s]}" "$n" "bench:stream:$r") || true
            settle "${PID[$s]}"
            cpu=$(awk -v a="$c0" -v b="$(cpu_ticks "${PID[$s]}")" -v t="$tick_us" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * t / n }')
            loop=$(awk -v a="$l0" -v b="$(thread_ticks "${PID[$s]}" "${LOOP[$s]}")" -v t="$tick_us" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * t / n }')
            stop_subscribers
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$r" "$t" "${ops:-0}" "$cpu" "$loop" >>"$tsv"
            log "round $r $t $s: $ops ops/s, $cpu us CPU/op, $loop us on the command thread"
        done
    done
done

declare -A MEM=()
if [[ $stream_entries -gt 0 ]]; then
    # one RESP file of N XADDs, piped into a fresh (FLUSHALL) server of each kind
    awk -v n="$stream_entries" 'BEGIN { for (i = 0; i < n; i++) { v = sprintf("%08d", i); printf "*5\r\n$4\r\nXADD\r\n$9\r\nbench:mem\r\n$1\r\n*\r\n$1\r\nf\r\n$8\r\n%s\r\n", v } }' >"$workdir/xadd.resp"
    for s in "${names[@]}"; do
        cli "${PORT[$s]}" FLUSHALL >/dev/null
        sleep 1
        m0=$(cli "${PORT[$s]}" INFO memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
        r0=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/${PID[$s]}/status")
        cli "${PORT[$s]}" --pipe <"$workdir/xadd.resp" >/dev/null
        len=$(cli "${PORT[$s]}" XLEN bench:mem)
        m1=$(cli "${PORT[$s]}" INFO memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
        r1=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/${PID[$s]}/status")
        MEM[$s]="$(awk -v a="$m0" -v b="$m1" -v n="$len" 'BEGIN { printf "%.1f", (b - a) / n }') $(awk -v a="$r0" -v b="$r1" -v n="$len" 'BEGIN { printf "%.1f", (b - a) / n }') $len"
        log "stream memory $s: ${MEM[$s]}"
    done
fi

{
    echo "bench/events.sh $(date -u +%FT%TZ) -n $requests, $rounds rounds (medians), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "ops: publish = one PUBLISH to $fanout subscribers; multi = MULTI + 10 SET + EXEC; us/op = server CPU per op"
    echo "min us/op: the least CPU of the rounds (load only ever adds to it); loop us/op: CPU per op of the"
    echo "thread that runs the commands (redis' main thread, KV's event loop), median"
    printf '%-11s %-8s %10s %8s %9s %8s %9s %8s %9s %8s\n' test server 'ops/s' 'ops/r' 'us/op' 'cpu/r' 'min us/op' 'min/r' 'loop us' 'loop/r'
    for t in ${tests//,/ }; do
        rr=$(awk -v t="$t" '$1 == "redis" && $3 == t { print $4 }' "$tsv" | median)
        rc=$(awk -v t="$t" '$1 == "redis" && $3 == t { print $5 }' "$tsv" | median)
        rm=$(awk -v t="$t" '$1 == "redis" && $3 == t { print $5 }' "$tsv" | sort -g | head -n 1)
        rl=$(awk -v t="$t" '$1 == "redis" && $3 == t { print $6 }' "$tsv" | median)
        for s in "${names[@]}"; do
            v=$(awk -v s="$s" -v t="$t" '$1 == s && $3 == t { print $4 }' "$tsv" | median)
            c=$(awk -v s="$s" -v t="$t" '$1 == s && $3 == t { print $5 }' "$tsv" | median)
            m=$(awk -v s="$s" -v t="$t" '$1 == s && $3 == t { print $5 }' "$tsv" | sort -g | head -n 1)
            l=$(awk -v s="$s" -v t="$t" '$1 == s && $3 == t { print $6 }' "$tsv" | median)
            printf '%-11s %-8s %10s %8s %9s %8s %9s %8s %9s %8s\n' "$t" "$s" "$v" "$(ratio "$v" "$rr")" "$c" "$(ratio "$c" "$rc")" "$m" "$(ratio "$m" "$rm")" "$l" "$(ratio "$l" "$rl")"
        done
    done
    if [[ $stream_entries -gt 0 ]]; then
        echo "stream memory, $stream_entries entries (f <8 digits>): bytes per entry"
        printf '%-8s %12s %10s %10s\n' server used_memory VmRSS entries
        for s in "${names[@]}"; do
            read -r um rss len <<<"${MEM[$s]}"
            printf '%-8s %12s %10s %10s\n' "$s" "$um" "$rss" "$len"
        done
    fi
} | tee "$report"
