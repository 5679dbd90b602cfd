#!/usr/bin/env bash
# bench/persistence.sh — issue 17's acceptance figures that are not throughput, KV next to
# redis-server in one run:
#   aofload  seconds to load a KEYS-key AOF (a base of SET commands, as redis-server's BGREWRITEAOF
#            writes it with aof-use-rdb-preamble no), from each server's "DB loaded from append only
#            file" log line
#   rdbload  the same for the dump.rdb redis-server SAVEs of the same data ("DB loaded from disk")
#   save     seconds a SAVE of the data takes on each server (strings over 20 bytes are LZF-compressed)
#   rss      memory during BGSAVE and BGREWRITEAOF while redis-benchmark overwrites the keys
#            (SET -r KEYS -c 50 -P 16): before the dump, the peak while it runs, and the peak's growth.
#            Memory = the sum of Pss (/proc/PID/smaps_rollup) over the server and its children, so
#            redis-server's fork counts with the pages its copy-on-write duplicates and without
#            the ones it still shares; for KV (one process) Pss is its RSS. Sampled every 50 ms.
# Both servers hold the same KEYS keys key:000000000000.. (redis-benchmark's key names, so its SET
# test overwrites them) with VALUE-byte values, fed through redis-cli --pipe. Rounds alternate which
# server goes first; the report gives each round and the medians.
#
#   bench/persistence.sh [--keys N] [--value BYTES] [--rounds N] [--only aofload,rdbload,save,rss]
# Needs a built jar (./mvnw -B -q package -DskipTests; KV starts through bin/kv-server, JAVA_OPTS
# passed on), redis-server, redis-cli, redis-benchmark, python3.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
keys=1000000
value=16
rounds=3
only="aofload,rdbload,save,rss"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) keys="$2"; shift 2 ;;
        --value) value="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[[ -f "$jar" ]] || { echo "no $jar: run ./mvnw -B -q package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() {
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
    jobs -p | xargs -r kill 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

section() { [[ ",$only," == *",$1,"* ]]; }

# start NAME DIR ARGS... → starts redis-server (NAME redis) or KV in DIR; sets $pid and $port
start() {
    local name="$1" dir="$2"; shift 2
    port=$(free_port)
    if [[ "$name" == redis ]]; then
        redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --daemonize no "$@" > "$dir.log" 2>&1 &
    else
        "$root/bin/kv-server" --port "$port" --bind 127.0.0.1 --management-port 0 --dir "$dir" --save "" "$@" \
            > "$dir.log" 2>&1 &
    fi
    pid=$!
    await_pong "$port" 300 || { tail -5 "$dir.log" >&2; exit 1; }
}

# stop PORT: the server started last, without saving
stop() {
    redis-cli -p "$1" shutdown nosave > /dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    pid=""
}

# the data set, as redis-benchmark's SET test names its keys
python3 - "$keys" "$value" > "$work/data.resp" <<'EOF'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
v = b"v" * size
out = sys.stdout.buffer
for i in range(n):
    k = b"key:%012d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, size, v))
EOF

# files: redis-server loads the data and writes the RESP AOF base and dump.rdb both servers load
mkdir -p "$work/source"
start redis "$work/source" --appendonly yes --aof-use-rdb-preamble no --appendfsync no
redis-cli -p "$port" --pipe < "$work/data.resp" > /dev/null
redis-cli -p "$port" bgrewriteaof > /dev/null
while redis-cli -p "$port" info persistence | grep -q 'aof_rewrite_in_progress:1\|aof_rewrite_scheduled:1'; do sleep 0.2; done
redis-cli -p "$port" save > /dev/null
stop "$port"
echo "$keys keys of $value bytes: appendonlydir $(du -sb "$work/source/appendonlydir" | cut -f1) bytes, dump.rdb $(stat -c %s "$work/source/dump.rdb") bytes"

median_of() { printf '%s\n' "$@" | median; }

# load KIND NAME ROUND → seconds from the server's log (KIND aof or rdb)
load() {
    local kind="$1" name="$2" dir="$work/$2-$1-$3" line
    rm -rf "$dir"; mkdir -p "$dir"
    if [[ "$kind" == aof ]]; then
        cp -r "$work/source/appendonlydir" "$dir/"
        start "$name" "$dir" --appendonly yes
        line='DB loaded from append only file: [0-9.]*'
    else
        cp "$work/source/dump.rdb" "$dir/"
        start "$name" "$dir" --appendonly no
        line='DB loaded from disk: [0-9.]*'
    fi
    [[ "$(redis-cli -p "$port" dbsize)" == "$keys" ]] || echo "$name did not load $keys keys" >&2
    stop "$port"
    # KV's line also splits the time (read on a worker thread, installed on the data thread)
    [[ "$name" == kv ]] && grep -o 'DB loaded from .*' "$dir.log" | sed "s/^/  kv round $3: /" >&2
    grep -o "$line" "$dir.log" | awk '{print $NF}'
    rm -rf "$dir" "$dir.log"
}

# save_time NAME ROUND → seconds a SAVE of the data set takes (redis-cli's round trip)
save_time() {
    local name="$1" dir="$work/$1-save-$2" t0 t1
    rm -rf "$dir"; mkdir -p "$dir"
    start "$name" "$dir" --appendonly no
    redis-cli -p "$port" --pipe < "$work/data.resp" > /dev/null
    t0=$(date +%s.%N)
    redis-cli -p "$port" save > /dev/null
    t1=$(date +%s.%N)
    stop "$port"
    rm -rf "$dir" "$dir.log"
    awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f\n", t1 - t0 }'
}

# timed_rounds TITLE COMMAND [ARG] → runs COMMAND [ARG] NAME ROUND (seconds) for both servers,
# alternating which goes first, and prints each round and the medians
timed_rounds() {
    local title="$1" kv=() rs=(); shift
    echo "## $title"
    for r in $(seq 1 "$rounds"); do
        if (( r % 2 )); then kv+=("$("$@" kv "$r")"); rs+=("$("$@" redis "$r")")
        else rs+=("$("$@" redis "$r")"); kv+=("$("$@" kv "$r")"); fi
        echo "round $r: kv ${kv[-1]} s, redis ${rs[-1]} s"
    done
    local k r2; k=$(median_of "${kv[@]}"); r2=$(median_of "${rs[@]}")
    echo "median: kv $k s, redis $r2 s, ratio $(ratio "$k" "$r2") (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    echo
}

section aofload && timed_rounds "aof load, $keys keys (seconds, from each server's log)" load aof
section rdbload && timed_rounds "rdb load, $keys keys (seconds, from each server's log)" load rdb
section save && timed_rounds "SAVE of $keys keys (seconds, the command's round trip)" save_time

# kib PID → Pss in KiB of PID and its children (redis-server's fork)
kib() {
    local p sum=0 v
    for p in "$1" $(pgrep -P "$1" || true); do
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
        sum=$(( sum + ${v:-0} ))
    done
    echo "$sum"
}

# dump NAME COMMAND ROUND → "before_mib peak_mib seconds": COMMAND (BGSAVE or BGREWRITEAOF) under writes
dump() {
    local name="$1" cmd="$2" dir="$work/$1-rss-$3" flag before peak m t0 t1 writer
    rm -rf "$dir"; mkdir -p "$dir"
    if [[ "$cmd" == BGSAVE ]]; then
        start "$name" "$dir" --appendonly no; flag=rdb_bgsave_in_progress
    else
        start "$name" "$dir" --appendonly yes --appendfsync everysec --aof-use-rdb-preamble yes \
            --auto-aof-rewrite-percentage 0; flag=aof_rewrite_in_progress
    fi
    redis-cli -p "$port" --pipe < "$work/data.resp" > /dev/null
    if [[ "$cmd" == BGREWRITEAOF ]]; then
        # the loaded data goes into a base first, so the measured rewrite is not the first one
        redis-cli -p "$port" bgrewriteaof > /dev/null
        while redis-cli -p "$port" info persistence | grep -q "$flag:1"; do sleep 0.2; done
    fi
    redis-benchmark -p "$port" -t set -r "$keys" -d "$value" -c 50 -P 16 -n 100000000 > /dev/null 2>&1 &
    writer=$!
    sleep 2
    before=$(kib "$pid"); peak=$before
    t0=$(date +%s.%N)
    redis-cli -p "$port" "$cmd" > /dev/null
    while redis-cli -p "$port" info persistence | grep -q "$flag:1"; do
        m=$(kib "$pid"); (( m > peak )) && peak=$m
        sleep 0.05
    done
    t1=$(date +%s.%N)
    kill "$writer" 2>/dev/null || true; wait "$writer" 2>/dev/null || true
    stop "$port"
    rm -rf "$dir" "$dir.log"
    awk -v b="$before" -v p="$peak" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f %.0f %.1f\n", b / 1024, p / 1024, t1 - t0 }'
}

if section rss; then
    for cmd in BGSAVE BGREWRITEAOF; do
        echo "## $cmd of $keys keys while SET -P 16 overwrites them (MiB of Pss: before, peak, growth; seconds)"
        kg=() rg=()
        for r in $(seq 1 "$rounds"); do
            for name in $( (( r % 2 )) && echo "kv redis" || echo "redis kv"); do
                read -r b p s <<< "$(dump "$name" "$cmd" "$r")"
                echo "round $r $name: before $b, peak $p, growth $((p - b)), $s s"
                if [[ "$name" == kv ]]; then kg+=("$((p - b))"); else rg+=("$((p - b))"); fi
            done
        done
        echo "median growth: kv $(median_of "${kg[@]}") MiB, redis $(median_of "${rg[@]}") MiB (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        echo
    done
fi
