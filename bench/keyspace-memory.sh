#!/usr/bin/env bash
# bench/keyspace-memory.sh — memory and GC pauses of a big string keyspace, KV next to
# redis-server in one run.
#
# For each key count R (default 1000000 and 10000000), each server is started fresh and
# loaded with `redis-benchmark -t set -r R -n 3R -d 32 -P 16` (16-byte keys `key:000000000042`,
# 32-byte values; about 95% of the R names get set, the rest of the SETs are overwrites).
# Reported per server: the load's requests/s, DBSIZE, used_memory/key (after − before, per
# key in DBSIZE), process RSS/key absolute (VmRSS after / keys) and growth ((after − before) /
# keys), and for KV the number of GC pauses and the longest one (from -Xlog:gc).
#
# Heap: KV runs through bin/kv-server with --maxmemory M (M = 256 bytes × R, policy
# allkeys-lru, so nothing is evicted at ~120 B/key), which sizes -Xmx by its data rule
# (4/3 × maxmemory + 64 MiB); redis-server gets the same maxmemory flags.
#
#   bench/keyspace-memory.sh [--keys "R1 R2 ..."] [--servers "redis kv"] [--no-build]
# Needs redis-server, redis-cli, redis-benchmark; builds the jar unless --no-build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
counts="1000000 10000000"
servers="redis kv"
build=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) counts="$2"; shift 2 ;;
        --servers) servers="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "usage: bench/keyspace-memory.sh [--keys \"R1 R2 ...\"] [--servers \"redis kv\"] [--no-build]" >&2; exit 2 ;;
    esac
done
if (( build )); then
    (cd "$root" && ./mvnw -B -q package -DskipTests) || { echo "build failed" >&2; exit 1; }
fi
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

info_field() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'; }
rss_bytes() { awk '/^VmRSS:/ { printf "%d\n", $2 * 1024 }' "/proc/$1/status"; }

# run NAME R → one report line
run() {
    local name="$1" r="$2" port maxmemory gclog log
    port=$(free_port)
    maxmemory=$(( r * 256 ))
    log="$work/$name-$r.log"
    gclog="$work/gc-$r.log"
    if [[ "$name" == kv ]]; then
        KV_NO_BUILD=1 JAVA_OPTS="-Xlog:gc:file=$gclog" "$root/bin/kv-server" --port "$port" \
            --bind 127.0.0.1 --management-port 0 --save "" --appendonly no \
            --maxmemory "$maxmemory" --maxmemory-policy allkeys-lru > "$log" 2>&1 &
    else
        redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
            --maxmemory "$maxmemory" --maxmemory-policy allkeys-lru --daemonize no > "$log" 2>&1 &
    fi
    pid=$!
    await_pong "$port" 120 || { tail -5 "$log" >&2; exit 1; }
    local used0 rss0 used1 rss1 keys rps
    used0=$(info_field "$port" used_memory)
    rss0=$(rss_bytes "$pid")
    rps=$(redis-benchmark -p "$port" -t set -r "$r" -n $(( 3 * r )) -d 32 -P 16 -q 2>/dev/null \
        | tr '\r' '\n' | grep -o 'SET: [0-9.]*' | tail -1 | awk '{print $2}')
    used1=$(info_field "$port" used_memory)
    rss1=$(rss_bytes "$pid")
    keys=$(redis-cli -p "$port" dbsize)
    redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    pid=""
    local gc="-"
    if [[ "$name" == kv ]]; then
        # unified logging lines of a pause end in its duration: "... 123M->45M(405M) 12.345ms"
        gc=$(grep 'Pause' "$gclog" | grep -o '[0-9.]*ms$' | tr -d 'ms' \
            | awk 'BEGIN { m = 0 } { n++; if ($1 > m) m = $1 } END { printf "%d pauses, max %.1f ms", n, m }')
    fi
    printf '%-6s R=%-9s %9s rps  keys %-9s used_memory/key %6.1f B  RSS/key %6.1f B (growth %6.1f B)  RSS %5d MiB  gc: %s\n' \
        "$name" "$r" "$rps" "$keys" "$(( (used1 - used0) * 10 / keys ))e-1" \
        "$(( rss1 * 10 / keys ))e-1" "$(( (rss1 - rss0) * 10 / keys ))e-1" "$(( rss1 / 1048576 ))" "$gc"
}

for r in $counts; do
    for s in $servers; do
        run "$s" "$r"
    done
done
