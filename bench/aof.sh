#!/usr/bin/env bash
# bench/aof.sh — what the AOF costs in throughput, measured side by side in one run:
#   1. KV appendonly yes + appendfsync everysec  vs  KV without persistence
#   2. KV appendfsync always                     vs  redis-server appendfsync always
# Each pair runs redis-benchmark -t set,incr -c 50 with -P 1 and -P 16, alternating which server
# goes first, over --repeats rounds; the report gives the median rps and the ratio.
#
#   bench/aof.sh [-n REQUESTS] [--repeats N]
# Needs a built jar (./mvnw -B -q package -DskipTests), redis-server and redis-benchmark.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
n=100000
repeats=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        -n) n="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        *) echo "usage: bench/aof.sh [-n REQUESTS] [--repeats N]" >&2; exit 2 ;;
    esac
done
[[ -f "$jar" ]] || { echo "no $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# start_kv NAME ARGS... → prints the port
start_kv() {
    local name="$1"; shift
    local port; port=$(free_port)
    mkdir -p "$work/$name"
    java -Xmx1g -jar "$jar" --port "$port" --bind 127.0.0.1 --management-port 0 --dir "$work/$name" --save "" "$@" \
        > "$work/$name.log" 2>&1 &
    pids+=($!)
    await_pong "$port"
    echo "$port"
}

start_redis() {
    local name="$1"; shift
    local port; port=$(free_port)
    mkdir -p "$work/$name"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$work/$name" --save "" --daemonize no "$@" > "$work/$name.log" 2>&1 &
    pids+=($!)
    await_pong "$port"
    echo "$port"
}

# rps PORT TEST PIPELINE → requests per second
rps() {
    redis-benchmark -p "$1" -t "$2" -c 50 -n "$n" -P "$3" --csv 2>/dev/null | awk -F'"' 'NR==2 {print $4}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# pair LABEL PORT_A NAME_A PORT_B NAME_B: ratio A/B per test and pipeline
pair() {
    local label="$1" pa="$2" na="$3" pb="$4" nb="$5"
    echo "## $label"
    printf "%-6s %-4s %14s %14s %8s\n" test P "$na" "$nb" ratio
    for t in set incr; do
        for p in 1 16; do
            rps "$pa" "$t" "$p" > /dev/null; rps "$pb" "$t" "$p" > /dev/null   # warm-up (JIT)
            local as=() bs=()
            for r in $(seq 1 "$repeats"); do
                if (( r % 2 )); then as+=("$(rps "$pa" "$t" "$p")"); bs+=("$(rps "$pb" "$t" "$p")")
                else bs+=("$(rps "$pb" "$t" "$p")"); as+=("$(rps "$pa" "$t" "$p")"); fi
            done
            local a b
            a=$(printf '%s\n' "${as[@]}" | median); b=$(printf '%s\n' "${bs[@]}" | median)
            printf "%-6s %-4s %14s %14s %8.2f\n" "$t" "$p" "$a" "$b" "$(echo "$a / $b" | bc -l)"
        done
    done
    echo
}

kv_everysec=$(start_kv everysec --appendonly yes --appendfsync everysec)
kv_none=$(start_kv none --appendonly no)
pair "KV everysec vs KV without persistence (target >= 0.95)" "$kv_everysec" kv-everysec "$kv_none" kv-none
redis-cli -p "$kv_everysec" shutdown > /dev/null 2>&1 || true
redis-cli -p "$kv_none" shutdown > /dev/null 2>&1 || true

kv_always=$(start_kv always --appendonly yes --appendfsync always)
redis_always=$(start_redis always-redis --appendonly yes --appendfsync always --aof-use-rdb-preamble no)
pair "KV always vs redis-server always (target >= 1.0)" "$kv_always" kv-always "$redis_always" redis-always
redis-cli -p "$kv_always" shutdown > /dev/null 2>&1 || true
redis-cli -p "$redis_always" shutdown nosave > /dev/null 2>&1 || true
