#!/usr/bin/env bash
# bench/types.sh — hashes, sets, sorted sets and bitmaps: KV against a real redis-server in the
# same run, on this machine only. Ratios KV/redis are the point.
#
#   memory      used_memory and process RSS per key (small collections) or per element (one big
#               collection) after loading each data set through redis-cli --pipe into a fresh,
#               flushed server; both servers loaded one after the other, per round
#   throughput  redis-benchmark -P 16 -c 50 of HSET, SADD, SPOP, SETBIT, ZADD, interleaved
#               KV/redis (who goes first alternates per round); rps per round
#   Each figure is the median over --rounds rounds.
#
# Usage: bench/types.sh [--rounds N] [--only memory|throughput] [--no-build] [-n N]
set -euo pipefail

rounds=3
sections="memory,throughput"
build=1
requests=1000000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds)   rounds="$2"; shift 2 ;;
        --only)     sections="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -n)         requests="$2"; shift 2 ;;
        -h|--help)  sed -n '2,13p' "$0"; exit 0 ;;
        *)          echo "types.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$requests" =~ ^[1-9][0-9]*$ ]] || { echo "types.sh: counts must be positive numbers" >&2; exit 2; }
want() { [[ ",$sections," == *",$1,"* ]]; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
rundir="$root/bench/out/types-$stamp"
report="$root/bench/out/types-$stamp.txt"
workdir="$rundir/work"
mkdir -p "$workdir"
: >"$report"
host=127.0.0.1
jar="$root/target/quarkus-app/quarkus-run.jar"

for tool in redis-server redis-cli redis-benchmark timeout awk sort; do
    command -v "$tool" >/dev/null 2>&1 || { echo "types.sh: '$tool' not found" >&2; exit 1; }
done
log() { printf '[types %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
out() { printf '%s\n' "$*" >>"$report"; }

# ------------------------------------------------------------------------------- processes
declare -a PIDS=()
stop_pid() {
    local pid=$1 i keep=() p
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [[ "$p" == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}
cleanup() {
    local rc=$? p
    for p in "${PIDS[@]}"; do stop_pid "$p"; done
    rm -f "$workdir"/*.resp
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

USED_PORTS=" "
free_port() {                 # sets PORT to a port nobody listens on (20000-31999, below the ephemeral range)
    local i p
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12000))
        [[ "$USED_PORTS" == *" $p "* ]] && continue
        [[ -n "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]] && continue
        USED_PORTS+="$p "; PORT=$p; return 0
    done
    echo "types.sh: no free port" >&2; exit 1
}
cli() { timeout 60 redis-cli -h "$host" -p "$1" "${@:2}"; }
wait_up() {                   # wait_up PORT PID
    local i
    for ((i = 0; i < 1200; i++)); do
        [[ "$(cli "$1" PING 2>/dev/null)" == PONG ]] && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    echo "types.sh: server on port $1 did not come up" >&2; exit 1
}
start_server() {              # start_server kv|redis: sets PORT and SPID
    free_port
    if [[ $1 == redis ]]; then
        redis-server --port "$PORT" --bind "$host" --save "" --appendonly no --daemonize no \
            --dir "$workdir" --logfile "" >"$rundir/redis-$PORT.log" 2>&1 &
    else
        (cd "$workdir" && KV_NO_BUILD=1 JAVA_OPTS="${JAVA_OPTS:-} -Dquarkus.http.port=0 -Dquarkus.management.port=0 -Dkv.port=$PORT" \
            exec "$root/bin/kv-server" --port "$PORT" --save "" --appendonly no) >"$rundir/kv-$PORT.log" 2>&1 &
    fi
    SPID=$!
    PIDS+=("$SPID")
    wait_up "$PORT" "$SPID"
}
used_memory() { cli "$1" INFO memory | awk -F: '/^used_memory:/ { print $2 + 0 }'; }
rss_bytes()   { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
cpu_ticks()   { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # user + system time of every thread, in clock ticks
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'; }

# ------------------------------------------------------------------------------- data sets
# name | count (the divisor) | unit | description
DATASETS=(
    "hash_small|100000|key|100k hashes of 4 fields (6-byte names, 8-byte values)"
    "hash_big|1000000|field|one hash of 1M fields (9-byte names, 9-byte values)"
    "set_int|100000|key|100k sets of 5 integers"
    "set_str|100000|key|100k sets of 5 strings (8 bytes)"
    "set_big|1000000|member|one set of 1M strings (14 bytes)"
    "zset_small|100000|key|100k sorted sets of 5 members (8 bytes, integer scores)"
    "zset_big|1000000|member|one sorted set of 1M members (14 bytes, integer scores)"
)
gen() {                       # gen NAME: the data set as RESP commands on stdout
    awk -v set="$1" '
        function cmd(n, a,   i, s) { s = "*" n "\r\n"; for (i = 1; i <= n; i++) s = s "$" length(a[i]) "\r\n" a[i] "\r\n"; printf "%s", s }
        BEGIN {
            if (set == "hash_small") for (k = 0; k < 100000; k++) {
                a[1] = "HSET"; a[2] = sprintf("hash:%06d", k)
                for (j = 1; j <= 4; j++) { a[1 + 2 * j] = "field" j; a[2 + 2 * j] = sprintf("v%07d", k * 4 + j) }
                cmd(10, a)
            }
            if (set == "hash_big") for (k = 0; k < 1000000; k += 100) {
                a[1] = "HSET"; a[2] = "bighash"
                for (j = 0; j < 100; j++) { a[3 + 2 * j] = sprintf("f:%07d", k + j); a[4 + 2 * j] = sprintf("v:%07d", k + j) }
                cmd(202, a)
            }
            if (set == "set_int") for (k = 0; k < 100000; k++) {
                a[1] = "SADD"; a[2] = sprintf("iset:%06d", k)
                for (j = 0; j < 5; j++) a[3 + j] = k * 5 + j
                cmd(7, a)
            }
            if (set == "set_str") for (k = 0; k < 100000; k++) {
                a[1] = "SADD"; a[2] = sprintf("sset:%06d", k)
                for (j = 0; j < 5; j++) a[3 + j] = sprintf("m%07d", k * 5 + j)
                cmd(7, a)
            }
            if (set == "set_big") for (k = 0; k < 1000000; k += 100) {
                a[1] = "SADD"; a[2] = "bigset"
                for (j = 0; j < 100; j++) a[3 + j] = sprintf("member:%07d", k + j)
                cmd(102, a)
            }
            if (set == "zset_small") for (k = 0; k < 100000; k++) {
                a[1] = "ZADD"; a[2] = sprintf("zset:%06d", k)
                for (j = 0; j < 5; j++) { a[3 + 2 * j] = k + j; a[4 + 2 * j] = sprintf("m%07d", k * 5 + j) }
                cmd(12, a)
            }
            if (set == "zset_big") for (k = 0; k < 1000000; k += 100) {
                a[1] = "ZADD"; a[2] = "bigzset"
                for (j = 0; j < 100; j++) { a[3 + 2 * j] = (k + j) % 100003; a[4 + 2 * j] = sprintf("member:%07d", k + j) }
                cmd(202, a)
            }
        }'
}

# ------------------------------------------------------------------------------- header
if [[ $build -eq 1 ]]; then
    log "building KV"
    (cd "$root" && ./mvnw -B -q package -DskipTests) >"$rundir/build.log" 2>&1 || { tail -30 "$rundir/build.log" >&2; exit 1; }
fi
[[ -f "$jar" ]] || { echo "types.sh: $jar missing" >&2; exit 1; }
out "KV vs redis-server: types  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
out "machine: $(nproc) cores, load at start $(cut -d' ' -f1-3 /proc/loadavg)"
out "redis: $(redis-server --version | awk '{ print $3 }'); KV: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo ' (+local changes)'), JAVA_OPTS='${JAVA_OPTS:-}'"
out "rounds: $rounds (medians)"

# ------------------------------------------------------------------------------- memory
if want memory; then
    for d in "${DATASETS[@]}"; do gen "${d%%|*}" >"$workdir/${d%%|*}.resp"; done
    mem_tsv="$rundir/memory.tsv"
    : >"$mem_tsv"
    for ((r = 1; r <= rounds; r++)); do
        for s in kv redis; do
            log "memory round $r: $s"
            start_server "$s"
            port=$PORT pid=$SPID
            for d in "${DATASETS[@]}"; do
                IFS='|' read -r name count _ _ <<<"$d"
                cli "$port" FLUSHALL >/dev/null
                sleep 0.5
                m0=$(used_memory "$port"); r0=$(rss_bytes "$pid")
                timeout 300 redis-cli -h "$host" -p "$port" --pipe <"$workdir/$name.resp" >/dev/null
                sleep 0.5
                m1=$(used_memory "$port"); r1=$(rss_bytes "$pid")
                printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$r" "$name" \
                    "$(awk -v a="$m0" -v b="$m1" -v n="$count" 'BEGIN { printf "%.1f", (b - a) / n }')" \
                    "$(awk -v a="$r0" -v b="$r1" -v n="$count" 'BEGIN { printf "%.1f", (b - a) / n }')" >>"$mem_tsv"
            done
            stop_pid "$pid"
        done
    done
    out ""
    out "memory: bytes per key/element, used_memory (after - before) and RSS (after - before)"
    out "$(printf '%-70s %9s %9s %6s   %9s %9s' 'data set' 'KV' 'redis' 'ratio' 'KV rss' 'redis rss')"
    for d in "${DATASETS[@]}"; do
        IFS='|' read -r name count unit desc <<<"$d"
        kv=$(awk -v n="$name" '$1 == "kv" && $3 == n { print $4 }' "$mem_tsv" | median)
        rd=$(awk -v n="$name" '$1 == "redis" && $3 == n { print $4 }' "$mem_tsv" | median)
        kvr=$(awk -v n="$name" '$1 == "kv" && $3 == n { print $5 }' "$mem_tsv" | median)
        rdr=$(awk -v n="$name" '$1 == "redis" && $3 == n { print $5 }' "$mem_tsv" | median)
        out "$(printf '%-70s %9s %9s %6s   %9s %9s' "$desc (B/$unit)" "$kv" "$rd" "$(ratio "$kv" "$rd")" "$kvr" "$rdr")"
    done
fi

# ------------------------------------------------------------------------------- throughput
TESTS=(
    "hset|HSET hash:__rand_int__ field:__rand_int__ value|100000"
    "hset_one|HSET myhash element:__rand_int__ xxx|100000"
    "sadd|SADD set:__rand_int__ member:__rand_int__|100000"
    "spop|SPOP popset|0"
    "setbit|SETBIT bits:__rand_int__ 1000 1|100000"
    "zadd|ZADD zset:__rand_int__ __rand_int__ member:__rand_int__|100000"
    "zadd_one|ZADD myzset __rand_int__ element:__rand_int__|100000"
)
if want throughput; then
    tp_tsv="$rundir/throughput.tsv"
    : >"$tp_tsv"
    start_server kv; kv_port=$PORT; kv_pid=$SPID
    start_server redis; redis_port=$PORT; redis_pid=$SPID
    tick_us=$((1000000 / $(getconf CLK_TCK)))
    # SPOP pops from one set of 2*n members loaded before each of its runs
    gen_popset() { awk -v n="$1" 'BEGIN { for (k = 0; k < n; k += 100) { s = "*102\r\n$4\r\nSADD\r\n$6\r\npopset\r\n"; for (j = 0; j < 100; j++) { m = sprintf("member:%09d", k + j); s = s "$" length(m) "\r\n" m "\r\n" } printf "%s", s } }'; }
    gen_popset $((requests * 2)) >"$workdir/popset.resp"
    log "throughput: warm-up"
    for p in "$kv_port" "$redis_port"; do
        timeout 300 redis-benchmark -h "$host" -p "$p" -c 50 -P 16 -n 500000 -r 100000 -q \
            HSET warm:__rand_int__ f:__rand_int__ v >/dev/null 2>&1 || true
        cli "$p" FLUSHALL >/dev/null
    done
    for ((r = 1; r <= rounds; r++)); do
        order=(kv redis); ((r % 2 == 0)) && order=(redis kv)
        for t in "${TESTS[@]}"; do
            IFS='|' read -r name command keyspace <<<"$t"
            for s in "${order[@]}"; do
                p=$kv_port; pid=$kv_pid
                [[ $s == redis ]] && p=$redis_port && pid=$redis_pid
                cli "$p" FLUSHALL >/dev/null
                [[ $name == spop ]] && timeout 300 redis-cli -h "$host" -p "$p" --pipe <"$workdir/popset.resp" >/dev/null
                args=(-h "$host" -p "$p" -c 50 -P 16 -n "$requests" --csv)
                [[ $keyspace != 0 ]] && args+=(-r "$keyspace")
                # shellcheck disable=SC2206 # the command's words are the arguments
                args+=($command)
                # (redis-benchmark's __rand_int__ is zero-padded: no good as a bit offset, which Redis parses strictly)
                c0=$(cpu_ticks "$pid")
                rps=$(timeout 600 redis-benchmark "${args[@]}" 2>/dev/null | awk -F'","' 'NR == 2 { print $2 + 0 }') || true
                cpu_us=$(awk -v a="$c0" -v b="$(cpu_ticks "$pid")" -v t="$tick_us" -v n="$requests" 'BEGIN { printf "%.2f", (b - a) * t / n }')
                printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$r" "$name" "${rps:-0}" "$cpu_us" >>"$tp_tsv"
                log "round $r $name $s: $rps rps, $cpu_us us CPU per request"
            done
        done
    done
    out ""
    out "throughput at -P 16 -c 50 -n $requests (requests/s; -r 100000: random names over 100000)"
    out "and the server's CPU time per request (user + system, all threads; less disturbed by machine load)"
    out "$(printf '%-58s %10s %10s %6s   %8s %8s %6s' 'command' 'KV rps' 'redis rps' 'ratio' 'KV us' 'redis us' 'ratio')"
    for t in "${TESTS[@]}"; do
        IFS='|' read -r name command _ <<<"$t"
        kv=$(awk -v n="$name" '$1 == "kv" && $3 == n { print $4 }' "$tp_tsv" | median)
        rd=$(awk -v n="$name" '$1 == "redis" && $3 == n { print $4 }' "$tp_tsv" | median)
        kvc=$(awk -v n="$name" '$1 == "kv" && $3 == n { print $5 }' "$tp_tsv" | median)
        rdc=$(awk -v n="$name" '$1 == "redis" && $3 == n { print $5 }' "$tp_tsv" | median)
        # CPU ratio as redis/KV, so that above 1.0 means KV is cheaper, like the rps ratio
        out "$(printf '%-58s %10s %10s %6s   %8s %8s %6s' "$command" "$kv" "$rd" "$(ratio "$kv" "$rd")" "$kvc" "$rdc" "$(ratio "$rdc" "$kvc")")"
    done
fi
out ""
out "load at end $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$report"
