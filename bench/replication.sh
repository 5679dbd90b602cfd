#!/usr/bin/env bash
# bench/replication.sh — replication side by side with redis-server in one run:
#  1. full sync of N keys for each master → replica pair (redis→redis, KV→redis, redis→KV, KV→KV),
#     diskless and disk-backed: the time from REPLICAOF sent to an empty, running replica until
#     its INFO says master_link_status:up with DBSIZE = N (a fresh replica each round, so the
#     JVM's start is not counted; rounds alternate the pairs' order);
#  2. replication lag under load, KV→KV and redis→redis: `redis-benchmark -t set -P 16` against
#     the master while the master's offset minus the replica's offset is sampled every 100 ms
#     (replica read first, so an upper bound); prints the median and maximum lag in bytes and the time the replica needs to
#     catch up once the load stops.
# Masters are loaded once with N `SET key:%012d xxx` through redis-cli --pipe.
#
#   bench/replication.sh [--keys N] [--repeats R] [--load-requests M]
# Needs a built jar (./mvnw -B -q package -DskipTests), redis-server, redis-cli, redis-benchmark.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
keys=1000000
repeats=3
load_requests=2000000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) keys="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        --load-requests) load_requests="$2"; shift 2 ;;
        *) echo "usage: bench/replication.sh [--keys N] [--repeats R] [--load-requests M]" >&2; exit 2 ;;
    esac
done
[[ -f "$jar" ]] || { echo "no $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
# servers are started inside $(...) subshells: their pids are kept in a file, not a variable
cleanup() {
    if [[ -f "$work/pids" ]]; then
        while read -r p _; do kill "$p" 2>/dev/null || true; done < "$work/pids" # lines: pid port
    fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

info_field() { redis-cli -p "$1" INFO "$2" 2>/dev/null | tr -d '\r' | awk -F: -v k="$3" '$1 == k { print $2; exit }'; }

# start_server NAME kv|redis → prints the port (an empty master or replica-to-be)
start_server() {
    local name="$1" kind="$2" port
    port=$(free_port)
    mkdir -p "$work/$name"
    if [[ $kind == kv ]]; then
        java -Xmx2g -jar "$jar" --port "$port" --bind 127.0.0.1 --management-port 0 --dir "$work/$name" --save "" \
            --repl-diskless-sync-delay 0 > "$work/$name.log" 2>&1 &
    else
        redis-server --port "$port" --bind 127.0.0.1 --dir "$work/$name" --save "" --daemonize no \
            --repl-diskless-sync-delay 0 > "$work/$name.log" 2>&1 &
    fi
    echo "$! $port" >> "$work/pids"
    await_pong "$port"
    echo "$port"
}

stop_server() {
    local port="$1" pid
    pid=$(awk -v p="$port" '$2 == p { print $1 }' "$work/pids")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

await_in_sync() {
    local port="$1" start="$2"
    while true; do
        if [[ "$(info_field "$port" replication master_link_status)" == "up" ]] \
            && [[ "$(redis-cli -p "$port" DBSIZE 2>/dev/null)" == "$keys" ]]; then
            return
        fi
        if (( ($(date +%s%N) - start) / 1000000 > 600000 )); then
            echo "replica on $port not in sync after 600 s" >&2; exit 1
        fi
        sleep 0.02
    done
}

# sync_ms MASTER_PORT kv|redis → ms from REPLICAOF to link up with every key loaded
sync_ms() {
    local master="$1" kind="$2" port start ms
    round=$((round + 1))
    port=$(start_server "replica$round" "$kind")
    start=$(date +%s%N)
    redis-cli -p "$port" REPLICAOF 127.0.0.1 "$master" > /dev/null
    await_in_sync "$port" "$start"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    stop_server "$port"
    rm -rf "$work/replica$round"
    echo "$ms"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

round=0
echo "generating $keys SET commands" >&2
awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n", i }' > "$work/load.resp"
kv=$(start_server kv kv)
redis=$(start_server redis redis)
for p in "$kv" "$redis"; do
    redis-cli -p "$p" --pipe < "$work/load.resp" > /dev/null
    [[ "$(redis-cli -p "$p" DBSIZE)" == "$keys" ]] || { echo "load into $p failed" >&2; exit 1; }
done

echo "== full sync of $keys keys (ms, median of $repeats)"
printf '%-10s %14s %12s %12s %12s %16s %16s\n' "mode" "redis->redis" "kv->redis" "redis->kv" "kv->kv" \
    "kv->redis/r->r" "kv->kv/r->r"
pairs=("$redis redis" "$kv redis" "$redis kv" "$kv kv")
for mode in diskless disk; do
    flag=$([[ $mode == diskless ]] && echo yes || echo no)
    redis-cli -p "$kv" CONFIG SET repl-diskless-sync "$flag" > /dev/null
    redis-cli -p "$redis" CONFIG SET repl-diskless-sync "$flag" > /dev/null
    declare -A times=()
    for r in $(seq 1 "$repeats"); do
        order=(0 1 2 3)
        (( r % 2 )) || order=(3 2 1 0)
        for i in "${order[@]}"; do
            # shellcheck disable=SC2086
            times[$i]+="$(sync_ms ${pairs[$i]}) "
        done
    done
    m=()
    for i in 0 1 2 3; do
        read -r -a runs <<< "${times[$i]}"
        m[i]=$(printf '%s\n' "${runs[@]}" | median)
        echo "  $mode ${pairs[$i]#* } from ${pairs[$i]% *}: ${times[$i]}" >&2
    done
    printf '%-10s %14s %12s %12s %12s %16s %16s\n' "$mode" "${m[0]}" "${m[1]}" "${m[2]}" "${m[3]}" \
        "$(ratio "${m[1]}" "${m[0]}")" "$(ratio "${m[3]}" "${m[0]}")"
    unset times
done

# lag MASTER_PORT REPLICA_PORT → "median_bytes max_bytes catchup_ms" under redis-benchmark load
lag() {
    local master="$1" replica="$2" bench samples end caught replica_offset
    samples="$work/lag.$master"
    : > "$samples"
    redis-benchmark -p "$master" -t set -P 16 -c 50 -n "$load_requests" -r "$keys" -d 32 -q > /dev/null 2>&1 &
    bench=$!
    while kill -0 "$bench" 2>/dev/null; do
        # the replica is read first: the figure is an upper bound (it includes what the master
        # streamed between the two reads, the same for both pairs)
        replica_offset=$(info_field "$replica" replication slave_repl_offset)
        echo $(( $(info_field "$master" replication master_repl_offset) - replica_offset )) >> "$samples"
        sleep 0.1
    done
    end=$(date +%s%N)
    while (( $(info_field "$replica" replication slave_repl_offset) < $(info_field "$master" replication master_repl_offset) )); do
        sleep 0.01
    done
    caught=$(( ($(date +%s%N) - end) / 1000000 ))
    echo "$(median < "$samples") $(sort -n "$samples" | tail -1) $caught"
}

echo "== replication lag under redis-benchmark -t set -P 16 -c 50 -n $load_requests (bytes; catch-up ms)"
printf '%-14s %12s %12s %12s\n' "pair" "median_lag" "max_lag" "catchup_ms"
for kind in redis kv; do
    master=$([[ $kind == kv ]] && echo "$kv" || echo "$redis")
    replica=$(start_server "lag-$kind" "$kind")
    start=$(date +%s%N)
    redis-cli -p "$replica" REPLICAOF 127.0.0.1 "$master" > /dev/null
    await_in_sync "$replica" "$start"
    read -r med max caught < <(lag "$master" "$replica")
    printf '%-14s %12s %12s %12s\n' "$kind->$kind" "$med" "$max" "$caught"
    stop_server "$replica"
done
