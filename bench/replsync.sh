#!/usr/bin/env bash
# replsync.sh — time of a full sync from a real redis-server master: to a KV replica and to a
# redis-server replica, side by side in the same run.
#
#   bench/replsync.sh [--keys N] [--repeats R] [--diskless-load disabled|on-empty-db]
#
# The master gets N keys (DEBUG POPULATE: key:<i> → value:<i>) and sends its RDB over the socket
# (repl-diskless-sync yes, delay 0, as redis 7.0 does by default apart from the delay). For each
# repeat, each replica (alternating which goes first) is started empty, sent REPLICAOF, and timed
# from REPLICAOF to master_link_status:up with slave_repl_offset at the master's offset. Prints the
# median seconds and the ratio KV/redis. Uses bin/kv-server (builds the jar if it is missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
keys=1000000
repeats=3
load=disabled
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) keys="$2"; shift 2 ;;
        --repeats) repeats="$2"; shift 2 ;;
        --diskless-load) load="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "replsync.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

host=127.0.0.1
work="$(mktemp -d)"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

log() { printf '[replsync %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }
free_port() {
    while :; do
        PORT=$((20000 + RANDOM % 12000))
        port_open "$PORT" || return 0
    done
}
cli() { local p="$1"; shift; redis-cli -h "$host" -p "$p" "$@" 2>/dev/null | tr -d '\r'; }
field() { cli "$1" INFO replication | awk -F: -v k="$2" '$1 == k { print $2; exit }'; }
wait_up() {
    local deadline=$((SECONDS + 60))
    until [[ "$(cli "$1" PING)" == PONG ]]; do
        (( SECONDS < deadline )) || { echo "server on port $1 did not start" >&2; exit 1; }
        sleep 0.05
    done
}
now_ms() { local t=${EPOCHREALTIME/./}; echo $(( 10#$t / 1000 )); }

free_port; master=$PORT
redis-server --port "$master" --bind "$host" --save "" --appendonly no --daemonize no \
    --repl-diskless-sync yes --repl-diskless-sync-delay 0 --enable-debug-command yes --dir "$work" \
    >"$work/master.log" 2>&1 &
pids+=($!)
wait_up "$master"
cli "$master" DEBUG POPULATE "$keys" >/dev/null
log "master on $master with $(cli "$master" DBSIZE) keys, $(cli "$master" INFO memory | awk -F: '$1 == "used_memory_human" { print $2 }')"

# sync_once KIND: starts an empty replica of KIND, times REPLICAOF → in sync, stops it; sets MS
sync_once() {
    local kind="$1" port pid
    free_port; port=$PORT
    mkdir -p "$work/$kind"
    if [[ "$kind" == redis ]]; then
        redis-server --port "$port" --bind "$host" --save "" --appendonly no --daemonize no --dir "$work/$kind" \
            --repl-diskless-load "$load" >"$work/$kind.log" 2>&1 &
    else
        free_port; local mport=$PORT
        KV_NO_BUILD=1 JAVA_OPTS="${JAVA_OPTS:-} -Dquarkus.management.port=$mport" "$root/bin/kv-server" --port "$port" \
            --bind "$host" --save "" --appendonly no --dir "$work/$kind" --repl-diskless-load "$load" \
            >"$work/$kind.log" 2>&1 &
    fi
    pid=$!
    pids+=("$pid")
    wait_up "$port"
    local start end target
    start=$(now_ms)
    cli "$port" REPLICAOF "$host" "$master" >/dev/null
    local deadline=$((SECONDS + 600))
    while :; do
        if [[ "$(field "$port" master_link_status)" == up ]]; then
            target=$(field "$master" master_repl_offset)
            [[ "$(field "$port" slave_repl_offset)" == "$target" ]] && break
        fi
        (( SECONDS < deadline )) || { echo "$kind did not sync; see $work/$kind.log" >&2; exit 1; }
        sleep 0.02
    done
    end=$(now_ms)
    MS=$((end - start))
    local n
    n=$(cli "$port" DBSIZE)
    [[ "$n" == "$keys" ]] || { echo "$kind has $n keys, expected $keys" >&2; exit 1; }
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

[[ -f "$root/target/quarkus-app/quarkus-run.jar" ]] || (cd "$root" && ./mvnw -B -q package -DskipTests)
declare -a kv_ms redis_ms
for ((r = 1; r <= repeats; r++)); do
    if (( r % 2 )); then order="kv redis"; else order="redis kv"; fi
    for kind in $order; do
        sync_once "$kind"
        log "repeat $r: $kind synced $keys keys in $MS ms"
        if [[ "$kind" == kv ]]; then kv_ms+=("$MS"); else redis_ms+=("$MS"); fi
    done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
k=$(median "${kv_ms[@]}")
d=$(median "${redis_ms[@]}")
printf 'full sync of %d keys from redis-server %s (repl-diskless-load %s), median of %d:\n' "$keys" \
    "$(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')" "$load" "$repeats"
printf '  redis -> KV     %8.2f s\n  redis -> redis  %8.2f s\n  ratio KV/redis  %8.2f\n' \
    "$(awk -v v="$k" 'BEGIN { print v / 1000 }')" "$(awk -v v="$d" 'BEGIN { print v / 1000 }')" \
    "$(awk -v a="$k" -v b="$d" 'BEGIN { printf "%.2f", a / b }')"
