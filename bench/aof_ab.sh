#!/usr/bin/env bash
# bench/aof_ab.sh — two KV builds and redis-server 7 side by side, all with the same appendfsync,
# counted rather than timed: for each run of redis-benchmark -c 50 -r 100000 the server's CPU per
# 1000 requests (utime+stime of the whole process, 10 ms ticks), its fsyncs (perf stat on
# syscalls:sys_enter_fdatasync + sys_enter_fsync) and so requests per fsync, next to the rps.
# Servers run in turn, the order rotating each round, after one warm-up run each (a quarter of N).
#
#   bench/aof_ab.sh [--fsync always|everysec|no] [--rounds R] [--tests "set:1:20000 incr:16:200000"]
#                   NAME=QUARKUS_RUN_JAR ...   (copies of target/quarkus-app, e.g. before=/tmp/a/quarkus-run.jar)
# Prints one line per run and the medians per server; needs perf, redis-server and redis-benchmark.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
fsync=always
rounds=5
tests="set:1:20000 incr:1:20000 set:16:200000 incr:16:200000"
declare -A JAR=()
names=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --fsync) fsync="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --tests) tests="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *=*) names+=("${1%%=*}"); JAR[${1%%=*}]="${1#*=}"; shift ;;
        *) usage >&2; exit 2 ;;
    esac
done
names+=(redis)

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work="$(mktemp -d)"
declare -A PORT=() PID=()
cleanup() {
    for n in "${!PID[@]}"; do kill "${PID[$n]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for n in "${names[@]}"; do
    port=$(free_port)
    mkdir -p "$work/$n"
    if [[ $n == redis ]]; then
        (cd "$work/$n" && exec redis-server --port "$port" --bind 127.0.0.1 --save "" --daemonize no \
            --appendonly yes --appendfsync "$fsync" --aof-use-rdb-preamble no) > "$work/$n.log" 2>&1 &
    else
        (cd "$work/$n" && exec java -Xmx1g -jar "${JAR[$n]}" --port "$port" --bind 127.0.0.1 --management-port 0 \
            --dir "$work/$n" --save "" --appendonly yes --appendfsync "$fsync") > "$work/$n.log" 2>&1 &
    fi
    PID[$n]=$!; PORT[$n]=$port
    await_pong "$port" 120
done

# run NAME TEST PIPELINE N → "rps cpu_ms_per_1k requests_per_fsync"
run() {
    local pid=${PID[$1]} n=$4 c0 c1 perf rps fsyncs
    c0=$(cpu_ticks "$pid")
    perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -p "$pid" -o "$work/perf.txt" &
    perf=$!
    sleep 0.3
    rps=$(redis-benchmark -p "${PORT[$1]}" -t "$2" -c 50 -r 100000 -n "$n" -P "$3" --csv 2>/dev/null \
        | awk -F'"' 'NR==2 {print $4}')
    c1=$(cpu_ticks "$pid")
    kill -INT "$perf"; wait "$perf" 2>/dev/null || true
    fsyncs=$(awk -F, '/sys_enter_f/ { s += $1 } END { print s + 0 }' "$work/perf.txt")
    awk -v r="$rps" -v t=$(( c1 - c0 )) -v n="$n" -v f="$fsyncs" \
        'BEGIN { printf "%s %.1f %s\n", r, t * 10000 / n, (f ? sprintf("%.1f", n / f) : "-") }'
}

echo "# appendfsync $fsync, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in $tests; do
    IFS=: read -r t p n <<< "$spec"
    for name in "${names[@]}"; do run "$name" "$t" "$p" $(( n / 4 )) > /dev/null; done
    declare -A results=()
    for r in $(seq 1 "$rounds"); do
        k=$(( r % ${#names[@]} ))
        for name in "${names[@]:k}" "${names[@]:0:k}"; do
            line=$(run "$name" "$t" "$p" "$n")
            results[$name]+="$line"$'\n'
            echo "round $r $t -P $p $name: rps cpu_ms/1k req/fsync = $line, load $(cut -d' ' -f1 /proc/loadavg)"
        done
    done
    for name in "${names[@]}"; do
        col() { printf '%s' "${results[$name]}" | awk -v c="$1" 'NF { print $c }' | median; }
        echo "median $t -P $p $name: rps $(col 1) cpu_ms/1k $(col 2) req/fsync $(col 3)"
    done
    unset results
done
