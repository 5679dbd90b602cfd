#!/usr/bin/env bash
# bench/replication.sh — time for a real redis-server replica to full-sync N keys from a KV master
# and from a redis-server master, side by side in one run, diskless and disk-backed:
#   the time from starting `redis-server --replicaof` until its INFO says master_link_status:up
#   with DBSIZE = N. Masters are loaded once with N `SET key:%012d xxx` through redis-cli --pipe;
#   each round starts a fresh replica (its own dir) for each master, alternating who goes first.
#
#   bench/replication.sh [--keys N] [--repeats R]
# Needs a built jar (./mvnw -B -q package -DskipTests), redis-server and redis-cli.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
keys=1000000
repeats=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) keys="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        *) echo "usage: bench/replication.sh [--keys N] [--repeats R]" >&2; exit 2 ;;
    esac
done
[[ -f "$jar" ]] || { echo "no $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
# servers are started inside $(...) subshells: their pids are kept in a file, not a variable
cleanup() {
    if [[ -f "$work/pids" ]]; then
        while read -r p; do kill "$p" 2>/dev/null || true; done < "$work/pids"
    fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    local p
    while true; do
        p=$(( 20000 + RANDOM % 40000 ))
        ss -ltn | grep -q ":$p " || { echo "$p"; return; }
    done
}

await_pong() {
    for _ in $(seq 1 600); do
        [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == "PONG" ]] && return 0
        sleep 0.1
    done
    echo "server on port $1 did not answer" >&2; exit 1
}

info_field() { redis-cli -p "$1" INFO "$2" 2>/dev/null | tr -d '\r' | awk -F: -v k="$3" '$1 == k { print $2; exit }'; }

# start_master NAME kv|redis → prints the port
start_master() {
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
    echo $! >> "$work/pids"
    await_pong "$port"
    echo "$port"
}

# sync_ms MASTER_PORT → milliseconds from replica start to link up with every key loaded
sync_ms() {
    local master="$1" port dir start pid ms
    dir="$(mktemp -d "$work/replica.XXXX")"
    while true; do
        port=$(free_port)
        start=$(date +%s%N)
        redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --daemonize no \
            --replicaof 127.0.0.1 "$master" > "$dir.log" 2>&1 &
        pid=$!
        echo "$pid" >> "$work/pids"
        sleep 0.05
        kill -0 "$pid" 2>/dev/null && break # else its port was taken meanwhile: another one
    done
    while true; do
        if [[ "$(info_field "$port" replication master_link_status)" == "up" ]] \
            && [[ "$(redis-cli -p "$port" DBSIZE 2>/dev/null)" == "$keys" ]]; then
            break
        fi
        if (( ($(date +%s%N) - start) / 1000000 > 600000 )); then
            echo "replica of $master not in sync after 600 s" >&2; kill "$pid"; exit 1
        fi
        sleep 0.02
    done
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$dir" "$dir.log"
    echo "$ms"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "generating $keys SET commands" >&2
awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n", i }' > "$work/load.resp"
kv=$(start_master kv kv)
redis=$(start_master redis redis)
for p in "$kv" "$redis"; do
    redis-cli -p "$p" --pipe < "$work/load.resp" > /dev/null
    [[ "$(redis-cli -p "$p" DBSIZE)" == "$keys" ]] || { echo "load into $p failed" >&2; exit 1; }
done

printf '%-14s %12s %12s %8s\n' "mode" "kv_ms" "redis_ms" "kv/redis"
for mode in diskless disk; do
    flag=$([[ $mode == diskless ]] && echo yes || echo no)
    redis-cli -p "$kv" CONFIG SET repl-diskless-sync "$flag" > /dev/null
    redis-cli -p "$redis" CONFIG SET repl-diskless-sync "$flag" > /dev/null
    kv_times=(); redis_times=()
    for r in $(seq 1 "$repeats"); do
        if (( r % 2 )); then
            kv_times+=("$(sync_ms "$kv")"); redis_times+=("$(sync_ms "$redis")")
        else
            redis_times+=("$(sync_ms "$redis")"); kv_times+=("$(sync_ms "$kv")")
        fi
    done
    k=$(printf '%s\n' "${kv_times[@]}" | median)
    s=$(printf '%s\n' "${redis_times[@]}" | median)
    printf '%-14s %12s %12s %8s\n' "$mode" "$k" "$s" "$(awk -v a="$k" -v b="$s" 'BEGIN { printf "%.2f", a / b }')"
    echo "  runs kv: ${kv_times[*]}  redis: ${redis_times[*]}" >&2
done
