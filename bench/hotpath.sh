#!/usr/bin/env bash
# bench/hotpath.sh — server CPU time per request, KV against redis-server, side by side.
#
# Starts redis-server and one KV per --jar on free ports, warms each up, then per round runs
# every test against every server one right after the other (the order rotates per round) and
# records requests/s and the server's CPU time per request: user + system time of all its
# threads (/proc/PID/stat fields 14 and 15, so GC and JIT threads count) over the run, divided
# by the requests. CPU per request is what machine load disturbs least; rps is shown too.
# Report: medians over the rounds, and each KV's ratio to redis (CPU: KV/redis, lower is better).
#
# Usage: bench/hotpath.sh [--rounds N] [-n N] [-P N] [-r N] [-t LIST] [--warmup N] [--flush] [--jar NAME=PATH ...] [--opts NAME=OPTIONS ...] [--cmd NAME=COMMAND ...]
#   --rounds N   interleaved rounds, median taken (default 5)
#   -n N         requests per run (default 2000000)
#   -P N         pipeline depth (default 16)
#   -r N         random keys over N (default 100000; 0: one key per test)
#   -t LIST      redis-benchmark tests (default get,set,incr,lpush,lpop,mset); the lrange_* tests run an
#                LPUSH prefill of N first: rps is LRANGE's, CPU/request counts both (2N requests over N),
#                so measure LRANGE alone with --cmd lr100='LRANGE mylist 0 99' after an lpush test
#   --warmup N   untimed requests of each test per server first (default 2000000: JIT settled)
#   --flush      FLUSHALL before the warm-up and every timed run (not timed): each run builds its keys from empty, as
#                bench/types.sh measures (new keys, small collections growing), instead of writing
#                into what the warm-up and earlier rounds left
#   --jar N=P    a KV build to measure as N (repeatable; default kv=target/quarkus-app/quarkus-run.jar),
#                e.g. --jar before=/tmp/before/quarkus-run.jar --jar after=target/quarkus-app/quarkus-run.jar
#   --opts N=O   JVM options for the KV named N only, after JAVA_OPTS (repeatable); one jar under two
#                names then compares settings, e.g. --jar nio=J --jar epoll=J
#                --opts nio=-Dquarkus.vertx.prefer-native-transport=false
#   --cmd N=C    a test N (name it in -t) that runs the command line C instead of a built-in test
#                (repeatable), e.g. --cmd hsets='HSET hash:__rand_int__ field:__rand_int__ value'
# JAVA_OPTS is passed to every KV. Output: bench/out/hotpath-<ts>.txt and .tsv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

rounds=5; flush=0; requests=2000000; warmup=2000000; pipeline=16; keyspace=100000; tests="get,set,incr,lpush,lpop,mset"
declare -a JARS=()
declare -A CMD=() OPTS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        -n) requests="$2"; shift 2 ;;
        -P) pipeline="$2"; shift 2 ;;
        -r) keyspace="$2"; shift 2 ;;
        -t) tests="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --jar) JARS+=("$2"); shift 2 ;;
        --opts) OPTS["${2%%=*}"]="${2#*=}"; shift 2 ;;
        --cmd) CMD["${2%%=*}"]="${2#*=}"; shift 2 ;;
        --flush) flush=1; shift ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "hotpath.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[[ ${#JARS[@]} -eq 0 ]] && JARS=("kv=$root/target/quarkus-app/quarkus-run.jar")

host=127.0.0.1
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$root/bench/out"
report="$root/bench/out/hotpath-$stamp.txt"
tsv="$root/bench/out/hotpath-$stamp.tsv"
workdir="$(mktemp -d)"
tick_us=$((1000000 / $(getconf CLK_TCK)))
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

declare -a PIDS=()
cleanup() {
    stop_servers
    rm -rf "$workdir"
}
trap cleanup EXIT
log() { printf '[hotpath %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

declare -A PORT=() PID=()
names=(redis)
start_named_server redis
for j in "${JARS[@]}"; do
    start_named_server "${j%%=*}" "${j#*=}" "${OPTS[${j%%=*}]:-}"
    names+=("${j%%=*}")
done

bench() {                     # bench PORT TEST N → csv on stdout
    local args=(-h "$host" -p "$1" -c 50 -P "$pipeline" -n "$3" --csv)
    [[ $keyspace != 0 ]] && args+=(-r "$keyspace")
    if [[ -n ${CMD[$2]:-} ]]; then
        # shellcheck disable=SC2086 # the command line is split into its arguments
        timeout 900 redis-benchmark "${args[@]}" ${CMD[$2]} 2>/dev/null
    else
        timeout 900 redis-benchmark "${args[@]}" -t "$2" 2>/dev/null
    fi
}
log "warm-up ($warmup requests of each test per server)"
for s in "${names[@]}"; do
    for t in ${tests//,/ }; do
        [[ $flush == 1 ]] && redis-cli -h "$host" -p "${PORT[$s]}" FLUSHALL >/dev/null
        bench "${PORT[$s]}" "$t" "$warmup" >/dev/null || true
    done
done

: >"$tsv"
for ((r = 1; r <= rounds; r++)); do
    for t in ${tests//,/ }; do
        # rotate who goes first
        order=("${names[@]:r % ${#names[@]}}" "${names[@]:0:r % ${#names[@]}}")
        for s in "${order[@]}"; do
            [[ $flush == 1 ]] && redis-cli -h "$host" -p "${PORT[$s]}" FLUSHALL >/dev/null
            c0=$(cpu_ticks "${PID[$s]}")
            # the last CSV row: the lrange tests print redis-benchmark's LPUSH prefill row first
            rps=$(bench "${PORT[$s]}" "$t" "$requests" | awk -F'","' 'NR > 1 { r = $2 + 0 } END { print r }') || true
            cpu=$(awk -v a="$c0" -v b="$(cpu_ticks "${PID[$s]}")" -v t="$tick_us" -v n="$requests" 'BEGIN { printf "%.3f", (b - a) * t / n }')
            printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$r" "$t" "${rps:-0}" "$cpu" >>"$tsv"
            log "round $r $t $s: $rps rps, $cpu us CPU/request"
        done
    done
done

{
    echo "bench/hotpath.sh $(date -u +%FT%TZ) -P $pipeline -c 50 -n $requests -r $keyspace$( ((flush)) && echo ', FLUSHALL before each run'), $rounds rounds (medians), load $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-8s %-8s %10s %8s %9s %8s\n' test server rps 'rps/r' 'us/req' 'cpu/r'
    for t in ${tests//,/ }; do
        rr=$(awk -v t="$t" '$1 == "redis" && $3 == t { print $4 }' "$tsv" | median)
        rc=$(awk -v t="$t" '$1 == "redis" && $3 == t { print $5 }' "$tsv" | median)
        for s in "${names[@]}"; do
            v=$(awk -v s="$s" -v t="$t" '$1 == s && $3 == t { print $4 }' "$tsv" | median)
            c=$(awk -v s="$s" -v t="$t" '$1 == s && $3 == t { print $5 }' "$tsv" | median)
            printf '%-8s %-8s %10s %8s %9s %8s\n' "$t" "$s" "$v" "$(ratio "$v" "$rr")" "$c" "$(ratio "$c" "$rc")"
        done
    done
} | tee "$report"
