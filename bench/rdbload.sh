#!/usr/bin/env bash
# bench/rdbload.sh — time to load an RDB file, KV next to redis-server in one run.
# redis-server writes the file (DEBUG POPULATE KEYS, then SAVE); then, --rounds times, each server
# starts on a copy of it (who goes first alternates) and the "DB loaded from disk: X seconds" of
# its log is taken; the report gives every round and the medians.
#
#   bench/rdbload.sh [--keys N] [--rounds N]
# Needs a built jar (./mvnw -B -q package -DskipTests) and redis-server/redis-cli.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
keys=1000000
rounds=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) keys="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) echo "usage: bench/rdbload.sh [--keys N] [--rounds N]" >&2; exit 2 ;;
    esac
done
[[ -f "$jar" ]] || { echo "no $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() {
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stop: the server started last, without saving
stop() {
    redis-cli -p "$1" shutdown nosave > /dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    pid=""
}

mkdir -p "$work/source"
port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --dir "$work/source" --save "" --appendonly no \
    --enable-debug-command yes --daemonize no > "$work/source.log" 2>&1 &
pid=$!
await_pong "$port" 120 || exit 1
redis-cli -p "$port" debug populate "$keys" > /dev/null
redis-cli -p "$port" save > /dev/null
stop "$port"
echo "dump.rdb of $keys keys: $(stat -c %s "$work/source/dump.rdb") bytes"

# load NAME → seconds, from the server's own log line
load() {
    local name="$1" dir="$work/$1-$2" port
    rm -rf "$dir"; mkdir -p "$dir"; cp "$work/source/dump.rdb" "$dir/"
    port=$(free_port)
    if [[ "$name" == kv ]]; then
        java -jar "$jar" --port "$port" --bind 127.0.0.1 --management-port 0 --dir "$dir" --save "" \
            --appendonly no > "$dir.log" 2>&1 &
    else
        redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
            --daemonize no > "$dir.log" 2>&1 &
    fi
    pid=$!
    await_pong "$port" 120 || { tail -5 "$dir.log" >&2; exit 1; }
    stop "$port"
    grep -o 'DB loaded from disk: [0-9.]*' "$dir.log" | awk '{print $5}'
    rm -rf "$dir"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

kvs=() rs=()
for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then kvs+=("$(load kv "$r")"); rs+=("$(load redis "$r")")
    else rs+=("$(load redis "$r")"); kvs+=("$(load kv "$r")"); fi
    echo "round $r: kv ${kvs[-1]} s, redis ${rs[-1]} s"
done
kv=$(printf '%s\n' "${kvs[@]}" | median)
redis=$(printf '%s\n' "${rs[@]}" | median)
printf "median: kv %s s, redis %s s, ratio %.2f (load average %s)\n" "$kv" "$redis" "$(echo "$kv / $redis" | bc -l)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
