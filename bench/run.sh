#!/usr/bin/env bash
# bench/run.sh — KV against a real redis-server, side by side, on this machine only.
#
# Measures (ratios KV/redis are the point; absolute numbers on a shared box are noise):
#   throughput  redis-benchmark -t ping,set,get,incr,mset,hset,lpush,lpop,lrange_100,sadd,spop,zadd,
#               plus EVALSHA of a small INCR script and of a token-bucket script (SCRIPT LOAD first)
#               -c 50, with -P 1 and -P 16,
#               interleaved KV/redis per test and per repeat, median of the repeats:
#               rps, p50 and p99 latency
#   memory      bytes per key after loading N small string keys (INFO used_memory and
#               process RSS from /proc/PID/status)
#   startup     launch to first PONG: redis-server, KV on the default JDK, KV on JDK 25,
#               KV on JDK 25 with an AOT cache (JEP 483/514 training run)
#   events      PUBLISH fan-out (1 publisher, 50 subscribers), MULTI + 10 SETs + EXEC
#               (bench/multi_exec.py), XADD, XREADGROUP, and SET with keyspace
#               notifications off / KEA without subscriber / KEA with one subscriber
#
# Usage: bench/run.sh [options]      (bench/run.sh --help)
set -euo pipefail

# ------------------------------------------------------------------------------- options
usage() {
    cat <<'EOF'
Usage: bench/run.sh [options]

  --quick              short run: -n 10000, 1 repeat, 100000 keys, 2 launches
  -n N                 requests per redis-benchmark run with -P 1 (default 100000);
                       -P 16 runs get 10 x N so that they last about as long
  -c N                 parallel clients                          (default 50)
  --repeats N          interleaved repeats per test, median taken (default 3)
  --keys N             keys loaded for the memory test           (default 1000000)
  --launches N         launches per variant for the startup test (default 5)
  -r N | --keyspace N  pass -r N to redis-benchmark (random keys over N); default
                       100000, as real traffic spreads over keys (0: redis-benchmark's
                       single key per test, which hides table and GC costs)
  --warmup N           untimed warm-up requests per server before measuring (default
                       2000000, JIT and heap settled; --quick: 20000)
  --only LIST          sections to run, comma separated: throughput,memory,startup,events
                       (default: all); evalsha = the throughput section's two
                       EVALSHA tests alone
  --redis-only         do not build or start KV; measure redis-server alone
  --no-build           do not run ./mvnw package (use the existing jar)
  --jdk25 DIR          JDK 25 home for the startup test
                       (default /usr/lib/jvm/temurin-25-jdk-amd64)
  -h, --help           this text

Environment: JAVA_HOME / PATH pick the default JDK for KV; JAVA_OPTS is passed to KV.
Results: bench/out/bench-<timestamp>.txt (report) and bench/out/bench-<timestamp>/ (raw
data, server logs).
EOF
}

requests=100000
clients=50
repeats=3
keys=1000000
launches=5
keyspace="100000"
warmup=2000000
sections="throughput,memory,startup,events"
with_kv=1
build=1
jdk25="/usr/lib/jvm/temurin-25-jdk-amd64"

need_arg() { [[ $# -ge 2 && -n "$2" ]] || { echo "run.sh: $1 needs a value" >&2; exit 2; }; }
is_count() { [[ "$1" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: '$1' is not a positive number" >&2; exit 2; }; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick)       requests=10000; repeats=1; keys=100000; launches=2; warmup=20000; shift ;;
        -n)            need_arg "$@"; is_count "$2"; requests="$2"; shift 2 ;;
        -c)            need_arg "$@"; is_count "$2"; clients="$2"; shift 2 ;;
        --repeats)     need_arg "$@"; is_count "$2"; repeats="$2"; shift 2 ;;
        --keys)        need_arg "$@"; is_count "$2"; keys="$2"; shift 2 ;;
        --launches)    need_arg "$@"; is_count "$2"; launches="$2"; shift 2 ;;
        -r|--keyspace) need_arg "$@"; is_count "$2"; keyspace="$2"; [[ "$keyspace" == 0 ]] && keyspace=""; shift 2 ;;
        --warmup) need_arg "$@"; is_count "$2"; warmup="$2"; shift 2 ;;
        --only)        need_arg "$@"; sections="$2"; shift 2 ;;
        --redis-only)  with_kv=0; shift ;;
        --no-build)    build=0; shift ;;
        --jdk25)       need_arg "$@"; jdk25="$2"; shift 2 ;;
        -h|--help)     usage; exit 0 ;;
        *)             echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
for s in ${sections//,/ }; do
    case "$s" in throughput|evalsha|memory|startup|events) ;; *) echo "run.sh: unknown section '$s'" >&2; exit 2 ;; esac
done
want() { [[ ",$sections," == *",$1,"* ]]; }

# ------------------------------------------------------------------------------- setup
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%d-%H%M%S)"
outdir="$root/bench/out"
rundir="$outdir/bench-$stamp"
report="$outdir/bench-$stamp.txt"
workdir="$rundir/work"       # cwd of the servers (any files they write land here)
logdir="$rundir/logs"
mkdir -p "$workdir" "$logdir"
raw_tp="$rundir/throughput.tsv"
raw_start="$rundir/startup.tsv"
: > "$report"

host=127.0.0.1                # benchmarks only ever target this machine
jar="$root/target/quarkus-app/quarkus-run.jar"
launcher="$root/bin/kv-server"

for tool in redis-server redis-cli redis-benchmark timeout awk sort; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: '$tool' not found (apt-get install -y redis-server redis-tools)" >&2; exit 1; }
done

user_java_opts="${JAVA_OPTS:-}"
if [[ -n "${JAVA_HOME:-}" ]]; then java17="$JAVA_HOME/bin/java"; else java17="$(command -v java || true)"; fi

log()  { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
out()  { printf '%s\n' "$*" >>"$report"; }   # the report is printed in full at the end
clock_us() { local t=${EPOCHREALTIME/./}; REPLY=$((10#$t)); }   # sets REPLY, no subshell
now_us() { clock_us; echo "$REPLY"; }

# ------------------------------------------------------------------------------- processes
declare -a PIDS=()
USED_PORTS=" "

stop_pid() {                  # stop_pid PID [grace-seconds]: TERM, bounded wait, then KILL
    local pid=$1 grace=${2:-15} i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 20; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop in ${grace}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    local keep=() p
    for p in "${PIDS[@]}"; do [[ "$p" == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

cleanup() {
    local rc=$? p
    for p in "${PIDS[@]}"; do stop_pid "$p" 5; done
    rm -f "$workdir"/load.resp "$rundir"/kv.aot "$rundir"/kv.aot.config   # big, and valid only for this jar
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

free_port() {                 # sets PORT to a port nobody listens on (20000-31999, below the ephemeral range)
    local i p
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12000))
        [[ "$USED_PORTS" == *" $p "* ]] && continue
        port_open "$p" && continue
        if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]]; then continue; fi
        USED_PORTS+="$p "
        PORT=$p
        return 0
    done
    echo "run.sh: no free port found" >&2
    exit 1
}

# wait_pong polls every few milliseconds while a server starts, so neither ping_once nor the loop
# forks: a fork of this shell (or an exec of sleep) costs milliseconds of CPU here (page faults at
# ~11 us each), and three per poll took most of a core from the server being timed (bench/README.md,
# "First PONG, third pass").
nap_fifo="$rundir/nap.fifo"
mkfifo "$nap_fifo"
exec {nap_fd}<>"$nap_fifo"   # nobody writes to it: a read with a timeout is a sleep without a fork
rm -f "$nap_fifo"
nap() { read -r -t "$1" -u "$nap_fd" _ || true; }

ping_once() {                 # one RESP PING over bash's /dev/tcp, in this shell; true on +PONG
    local fd reply=""
    { exec {fd}<>"/dev/tcp/$host/$1"; } 2>/dev/null || return 1
    trap '' PIPE              # a server that closed the socket must not end this script
    # shellcheck disable=SC2016  # literal RESP, "$4" is the bulk length
    if { printf '*1\r\n$4\r\nPING\r\n' >&"$fd"; } 2>/dev/null; then
        IFS= read -r -t 2 -u "$fd" reply 2>/dev/null || true
    fi
    trap - PIPE
    exec {fd}>&-
    [[ "$reply" == "+PONG"* ]]
}

CR=$'\r'
resp_cmd() {                  # resp_cmd PORT ARG...: one RESP command, prints the reply's first line (no CR)
    local port=$1 req a
    shift
    req="*$#$CR"$'\n'
    for a in "$@"; do req+="\$${#a}$CR"$'\n'"$a$CR"$'\n'; done
    (
        exec 3<>"/dev/tcp/$host/$port" || exit 1
        printf '%s' "$req" >&3
        IFS= read -r -t 5 reply <&3 || exit 1
        printf '%s\n' "${reply%"$CR"}"
    ) 2>/dev/null || true
}

inline_cmd() {                # inline_cmd PORT LINE: one inline command, prints the reply's first line
    (
        exec 3<>"/dev/tcp/$host/$1" || exit 1
        printf '%s\r\n' "$2" >&3
        IFS= read -r -t 5 reply <&3 || exit 1
        printf '%s\n' "${reply%"$CR"}"
    ) 2>/dev/null || true
}

wait_pong() {                 # wait_pong PORT PID DEADLINE_S: poll every ~5 ms; false if it dies or times out
    local port=$1 pid=$2 deadline_us i
    clock_us
    deadline_us=$(( REPLY + $3 * 1000000 ))
    for ((i = 0; i < 100000; i++)); do
        ping_once "$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        clock_us
        (( REPLY < deadline_us )) || return 1
        nap 0.005
    done
    return 1
}

start_redis() {               # start_redis PORT LOG: sets SPID
    redis-server --port "$1" --bind "$host" --save "" --appendonly no --daemonize no \
        --dir "$workdir" --logfile "" >"$2" 2>&1 &
    SPID=$!
    PIDS+=("$SPID")
}

start_kv() {                  # start_kv PORT LOG JAVA_HOME|"" EXTRA_JAVA_OPTS: sets SPID
    local port=$1 logf=$2 jhome=$3 extra=$4 hport mport
    free_port; hport=$PORT
    free_port; mport=$PORT
    (
        cd "$workdir"
        if [[ -n "$jhome" ]]; then export JAVA_HOME="$jhome"; fi
        export KV_NO_BUILD=1
        # -Dkv.port as well as --port: KV reads kv.<directive> properties too (lowest
        # precedence), so the port is right even where flag parsing is not (yet) complete
        export JAVA_OPTS="$user_java_opts -Dquarkus.http.port=$hport -Dquarkus.management.port=$mport -Dkv.port=$port $extra"
        exec "$launcher" --port "$port" --save "" --appendonly no
    ) >"$logf" 2>&1 &
    SPID=$!
    PIDS+=("$SPID")
}

must_be_up() {                # must_be_up NAME PORT PID LOG
    if ! wait_pong "$2" "$3" 120; then
        echo "run.sh: $1 did not answer PING on port $2; last lines of $4:" >&2
        tail -n 20 "$4" >&2 || true
        exit 1
    fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fmt()    { awk -v v="$1" -v d="$2" 'BEGIN { if (v == "" || v == "-") print "-"; else printf "%.*f\n", d, v }'; }
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'; }

# ------------------------------------------------------------------------------- header
t_start=$(now_us)
out "KV vs redis-server benchmark  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
out "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
out "redis:   $(redis-server --version | awk '{ print $3 }') (reference, --save \"\" --appendonly no)"
if [[ $with_kv -eq 1 ]]; then
    [[ -n "$java17" && -x "$java17" ]] || { echo "run.sh: no java found (JAVA_HOME or PATH)" >&2; exit 1; }
    out "KV:      $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (+local changes)'), default java: $("$java17" -version 2>&1 | head -n 1)"
    out "         JAVA_OPTS='$user_java_opts'"
else
    out "KV:      not measured (--redis-only)"
fi
out "options: -n $requests -c $clients, repeats $repeats, keys $keys, launches $launches${keyspace:+, -r $keyspace}, sections $sections"
out "raw data and logs: ${rundir#"$root"/}"

if [[ $with_kv -eq 1 ]]; then
    if [[ $build -eq 1 ]]; then
        log "building KV: ./mvnw -B -q package -DskipTests"
        (cd "$root" && timeout 900 ./mvnw -B -q package -DskipTests) >"$logdir/build.log" 2>&1 \
            || { echo "run.sh: build failed, see $logdir/build.log" >&2; tail -n 30 "$logdir/build.log" >&2; exit 1; }
    fi
    [[ -f "$jar" ]] || { echo "run.sh: $jar is missing (build with ./mvnw -B package -DskipTests)" >&2; exit 1; }
fi

servers=(redis)
[[ $with_kv -eq 1 ]] && servers=(kv redis)

# ------------------------------------------------------------------------------- throughput
# redis-benchmark --csv (7.0) prints: "test","rps","avg_latency_ms","min_latency_ms",
#   "p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
# Lua scripts measured with EVALSHA (the same SHA1 on both servers); keys spread with -r like the rest
SCRIPT_INCR="return redis.call('incr', KEYS[1])"
SCRIPT_BUCKET="local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('hmget', KEYS[1], 'tokens', 'ts')
local rate, cap = 0.1, 100
local tokens = tonumber(s[1]) or cap
local ts = tonumber(s[2]) or now
tokens = math.min(cap, tokens + (now - ts) * rate)
local ok = 0
if tokens >= 1 then tokens = tokens - 1 ok = 1 end
redis.call('hset', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('pexpire', KEYS[1], 60000)
return ok"
SHA_INCR=$(printf '%s' "$SCRIPT_INCR" | sha1sum | cut -d' ' -f1)
SHA_BUCKET=$(printf '%s' "$SCRIPT_BUCKET" | sha1sum | cut -d' ' -f1)
script_command() {            # script_command TEST: the redis-benchmark command line of a script test
    case "$1" in
        evalsha_incr)   echo "EVALSHA $SHA_INCR 1 counter:__rand_int__" ;;
        evalsha_bucket) echo "EVALSHA $SHA_BUCKET 1 bucket:__rand_int__" ;;
    esac
}

bench_once() {                # bench_once SERVER PORT REPEAT PIPELINE TEST: appends rows to $raw_tp
    local server=$1 port=$2 rep=$3 pl=$4 test=$5 csv
    local args=(-h "$host" -p "$port" -c "$clients" -n "$(( pl > 1 ? requests * 10 : requests ))" -P "$pl" --csv)
    [[ -n "$keyspace" ]] && args+=(-r "$keyspace")
    local script
    script=$(script_command "$test")
    if [[ -n "$script" ]]; then
        # shellcheck disable=SC2206 # the command's words are the arguments
        args+=($script)
    else
        args+=(-t "$test")
    fi
    if ! csv=$(timeout 300 redis-benchmark "${args[@]}" 2>>"$logdir/redis-benchmark.err"); then
        log "redis-benchmark $test -P $pl against $server failed (see logs/redis-benchmark.err)"
        return 0
    fi
    printf '%s\n' "$csv" | awk -F'","' -v s="$server" -v r="$rep" -v p="$pl" -v name="${script:+$test}" '
        /^"test"/ { next }
        NF >= 7 { gsub(/^"|"$/, ""); split($0, f, "\",\""); printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, r, p, (name != "" ? name : f[1]), f[2], f[5], f[7] }' >>"$raw_tp"
}

if want throughput || want evalsha; then
    log "throughput: starting servers"
    declare -A port_of=()
    free_port; port_of[redis]=$PORT
    start_redis "${port_of[redis]}" "$logdir/throughput-redis.log"; pid_redis=$SPID
    must_be_up redis "${port_of[redis]}" "$pid_redis" "$logdir/throughput-redis.log"
    if [[ $with_kv -eq 1 ]]; then
        free_port; port_of[kv]=$PORT
        start_kv "${port_of[kv]}" "$logdir/throughput-kv.log" "" ""; pid_kv=$SPID
        must_be_up kv "${port_of[kv]}" "$pid_kv" "$logdir/throughput-kv.log"
    fi

    # redis-benchmark counts error replies as answers: check first that each command works,
    # and do not measure (nor warm up) what a server answers with an error
    tests=(ping_inline ping_mbulk set get incr mset hset lpush lpop lrange_100 sadd spop zadd evalsha_incr evalsha_bucket)
    if ! want throughput; then tests=(evalsha_incr evalsha_bucket); fi
    declare -A unsupported=() tests_of=()
    for s in "${servers[@]}"; do
        ok=()
        for t in "${tests[@]}"; do
            case "$t" in
                ping_inline) r=$(inline_cmd "${port_of[$s]}" PING) ;;
                ping_mbulk)  r=$(resp_cmd "${port_of[$s]}" PING) ;;
                set)         r=$(resp_cmd "${port_of[$s]}" SET bench:probe xxx) ;;
                get)         r=$(resp_cmd "${port_of[$s]}" GET bench:probe) ;;
                incr)        r=$(resp_cmd "${port_of[$s]}" INCR bench:probe:counter) ;;
                mset)        r=$(resp_cmd "${port_of[$s]}" MSET bench:probe:1 xxx bench:probe:2 xxx) ;;
                hset)        r=$(resp_cmd "${port_of[$s]}" HSET bench:probe:hash f xxx) ;;
                lpush|lpop|lrange_100) r=$(resp_cmd "${port_of[$s]}" LPUSH bench:probe:list xxx) ;;
                sadd|spop)   r=$(resp_cmd "${port_of[$s]}" SADD bench:probe:set xxx) ;;
                zadd)        r=$(resp_cmd "${port_of[$s]}" ZADD bench:probe:zset 1 xxx) ;;
                evalsha_incr)   r=$(resp_cmd "${port_of[$s]}" SCRIPT LOAD "$SCRIPT_INCR")
                                [[ "$r" == -* ]] || r=$(resp_cmd "${port_of[$s]}" EVALSHA "$SHA_INCR" 1 bench:probe:counter) ;;
                evalsha_bucket) r=$(resp_cmd "${port_of[$s]}" SCRIPT LOAD "$SCRIPT_BUCKET")
                                [[ "$r" == -* ]] || r=$(resp_cmd "${port_of[$s]}" EVALSHA "$SHA_BUCKET" 1 bench:probe:bucket) ;;
            esac
            if [[ -z "$r" || "$r" == -* ]]; then
                unsupported[$s,$t]="${r:-no reply}"
                log "throughput: $s answers $t with '${r:-no reply}': not measured"
            else
                ok+=("$t")
            fi
        done
        tests_of[$s]="${ok[*]}"
    done
    warm_n=$(( warmup / 2 ))
    log "throughput: warm-up (untimed, $warmup requests of SET/GET at -P 16, then -n $requests of each test at -P 1)"
    for s in "${servers[@]}"; do
        timeout 600 redis-benchmark -h "$host" -p "${port_of[$s]}" -c "$clients" -n "$warm_n" -P 16 \
            -t set,get ${keyspace:+-r "$keyspace"} --csv >/dev/null 2>>"$logdir/redis-benchmark.err" || true
        plain=$(tr ' ' '\n' <<< "${tests_of[$s]}" | { grep -v '^evalsha_' || true; } | paste -sd, -)
        if [[ -n "$plain" ]]; then
            timeout 300 redis-benchmark -h "$host" -p "${port_of[$s]}" -c "$clients" -n "$requests" -P 1 \
                -t "$plain" ${keyspace:+-r "$keyspace"} --csv >/dev/null 2>>"$logdir/redis-benchmark.err" || true
        fi
        for t in ${tests_of[$s]}; do
            if [[ "$t" == evalsha_* ]]; then
                # shellcheck disable=SC2046 # the command's words are the arguments
                timeout 300 redis-benchmark -h "$host" -p "${port_of[$s]}" -c "$clients" -n "$requests" -P 1 \
                    ${keyspace:+-r "$keyspace"} --csv $(script_command "$t") >/dev/null 2>>"$logdir/redis-benchmark.err" || true
            fi
        done
    done

    : > "$raw_tp"
    for ((rep = 1; rep <= repeats; rep++)); do
        # alternate who goes first, so that neither side always runs on a "warmer" machine
        order=("${servers[@]}")
        if [[ $with_kv -eq 1 && $((rep % 2)) -eq 0 ]]; then order=(redis kv); fi
        for pl in 1 16; do
            for t in "${tests[@]}"; do
                log "throughput: repeat $rep/$repeats -P $pl $t (${order[*]})"
                for s in "${order[@]}"; do
                    if [[ -z "${unsupported[$s,$t]:-}" ]]; then bench_once "$s" "${port_of[$s]}" "$rep" "$pl" "$t"; fi
                done
            done
        done
    done
    for s in "${servers[@]}"; do
        [[ $s == kv ]] && stop_pid "$pid_kv"
        [[ $s == redis ]] && stop_pid "$pid_redis"
    done

    out ""
    out "== Throughput: redis-benchmark -c $clients -n $requests (-P 16: -n $((requests * 10)))${keyspace:+ -r $keyspace}, median of $repeats interleaved repeats"
    out "   latency in ms; ratio = KV/redis (rps: higher is better for KV; latency: lower is better)"
    hdr=$(printf '%-16s %3s %11s %11s %6s %15s %15s %8s %8s' test P "KV rps" "redis rps" ratio "KV p50/p99" "redis p50/p99" "p50 rat" "p99 rat")
    out "$hdr"
    tp_stat() { awk -F'\t' -v s="$1" -v p="$2" -v t="$3" -v c="$4" '$1 == s && $3 == p && $4 == t { print $c }' "$raw_tp" | median; }
    for pl in 1 16; do
        while IFS= read -r t; do
            [[ -n "$t" ]] || continue
            kr=$(tp_stat kv "$pl" "$t" 5); rr=$(tp_stat redis "$pl" "$t" 5)
            k50=$(tp_stat kv "$pl" "$t" 6); k99=$(tp_stat kv "$pl" "$t" 7)
            r50=$(tp_stat redis "$pl" "$t" 6); r99=$(tp_stat redis "$pl" "$t" 7)
            out "$(printf '%-16s %3s %11s %11s %6s %15s %15s %8s %8s' "$t" "$pl" "$(fmt "$kr" 0)" "$(fmt "$rr" 0)" \
                "$(ratio "$kr" "$rr")" "$(fmt "$k50" 3)/$(fmt "$k99" 3)" "$(fmt "$r50" 3)/$(fmt "$r99" 3)" \
                "$(ratio "$k50" "$r50")" "$(ratio "$k99" "$r99")")"
        done < <(awk -F'\t' -v p="$pl" '$3 == p && !seen[$4]++ { print $4 }' "$raw_tp")
    done
    while IFS= read -r k; do
        if [[ -n "$k" ]]; then out "   not measured on ${k%%,*}: ${k#*,} (probe reply: ${unsupported[$k]})"; fi
    done < <(printf '%s\n' "${!unsupported[@]}" | sort)
fi

# ------------------------------------------------------------------------------- memory
# Keys and values as redis-benchmark makes them with -r: "key:" + 12-digit number, value
# "xxx" (-d 3 default). Loaded as RESP SET commands through redis-cli --pipe.
info_field() { redis-cli -h "$host" -p "$1" INFO "$2" 2>/dev/null | tr -d '\r' | awk -F: -v k="$3" '$1 == k { print $2; exit }'; }
rss_bytes()  { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status" 2>/dev/null || echo "-"; }
per_key()    { awk -v a="$1" -v b="$2" -v n="$keys" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-") print "-"; else printf "%.1f\n", (b - a) / n }'; }

if want memory; then
    log "memory: generating $keys SET commands"
    awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n", i }' >"$workdir/load.resp"
    declare -A mem=()
    for s in "${servers[@]}"; do
        free_port; port=$PORT
        if [[ $s == kv ]]; then start_kv "$port" "$logdir/memory-kv.log" "" ""; else start_redis "$port" "$logdir/memory-redis.log"; fi
        pid=$SPID
        must_be_up "$s" "$port" "$pid" "$logdir/memory-$s.log"
        redis-cli -h "$host" -p "$port" FLUSHALL >/dev/null 2>&1 || true
        sleep 1
        mem[$s,used0]=$(info_field "$port" memory used_memory); mem[$s,rss0]=$(rss_bytes "$pid")
        log "memory: loading $keys keys into $s"
        t0=$(now_us)
        if ! timeout 600 redis-cli -h "$host" -p "$port" --pipe <"$workdir/load.resp" >"$logdir/memory-$s-pipe.log" 2>&1; then
            log "memory: redis-cli --pipe into $s failed: $(tail -n 3 "$logdir/memory-$s-pipe.log")"
        fi
        mem[$s,load_s]=$(awk -v a="$t0" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
        r=$(resp_cmd "$port" DBSIZE)
        if [[ "$r" == :* ]]; then mem[$s,dbsize]=${r#:}; else mem[$s,dbsize]="-"; fi
        r=$(timeout 10 redis-cli -h "$host" -p "$port" GET "$(printf 'key:%012d' $((keys - 1)))" 2>&1 || true)
        if [[ "$r" == xxx ]]; then mem[$s,last]=ok; else mem[$s,last]=MISSING; log "memory: last key on $s: '$r'"; fi
        sleep 1
        mem[$s,used1]=$(info_field "$port" memory used_memory); mem[$s,rss1]=$(rss_bytes "$pid")
        stop_pid "$pid"
    done
    rm -f "$workdir/load.resp"

    out ""
    out "== Memory: $keys keys SET key:NNNNNNNNNNNN (16 bytes) = xxx (3 bytes), as redis-benchmark -r makes them"
    out "   bytes/key = (after - before) / $keys; before = fresh server after FLUSHALL; RSS = VmRSS of the process"
    out "$(printf '%-6s %9s %8s %8s %14s %14s %11s %14s %14s %11s' server dbsize "last key" "load s" "used before" "used after" "used B/key" "RSS before" "RSS after" "RSS B/key")"
    for s in "${servers[@]}"; do
        mem[$s,used_pk]=$(per_key "${mem[$s,used0]}" "${mem[$s,used1]}")
        mem[$s,rss_pk]=$(per_key "${mem[$s,rss0]}" "${mem[$s,rss1]}")
        out "$(printf '%-6s %9s %8s %8s %14s %14s %11s %14s %14s %11s' "$s" "${mem[$s,dbsize]}" "${mem[$s,last]}" "${mem[$s,load_s]}" \
            "${mem[$s,used0]:--}" "${mem[$s,used1]:--}" "${mem[$s,used_pk]}" "${mem[$s,rss0]}" "${mem[$s,rss1]}" "${mem[$s,rss_pk]}")"
    done
    if [[ $with_kv -eq 1 ]]; then
        out "ratio KV/redis: used_memory per key $(ratio "${mem[kv,used_pk]}" "${mem[redis,used_pk]}"), RSS per key $(ratio "${mem[kv,rss_pk]}" "${mem[redis,rss_pk]}"), RSS total after load $(ratio "${mem[kv,rss1]}" "${mem[redis,rss1]}")"
        out "   (KV's RSS is the JVM's: heap as grown by the collector, garbage included; no GC is forced)"
    fi
fi

# ------------------------------------------------------------------------------- startup
# Launch-to-first-PONG: timestamp taken just before the process is started, then a RESP
# PING over /dev/tcp every ~5 ms until +PONG (deadline 60 s). KV is launched through
# bin/kv-server, i.e. exactly as a user starts it.
launch_once() {               # launch_once VARIANT: sets LAUNCH_MS to milliseconds to first PONG, or "-"
    local v=$1 port t0 t1 pid logf="$logdir/startup-$1.log"
    free_port; port=$PORT
    clock_us; t0=$REPLY
    case "$v" in
        redis)       start_redis "$port" "$logf" ;;
        kv-jdk17)    start_kv "$port" "$logf" "" "" ;;
        kv-jdk25)    start_kv "$port" "$logf" "$jdk25" "" ;;
        kv-jdk25-aot) start_kv "$port" "$logf" "$jdk25" "-XX:AOTCache=$aot_cache -XX:AOTMode=on" ;;
    esac
    pid=$SPID
    LAUNCH_CPU_MS="-"; LAUNCH_RSS_MB="-"
    if wait_pong "$port" "$pid" 60; then
        clock_us; t1=$REPLY
        LAUNCH_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }')
        # CPU of all the process' threads (utime + stime, fields 14 and 15) and its peak RSS so far:
        # the launcher exec's the server, so $pid is the server's
        LAUNCH_CPU_MS=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1000 / hz }' "/proc/$pid/stat" 2>/dev/null || echo -)
        LAUNCH_RSS_MB=$(awk '/^VmHWM:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo -)
    else
        log "startup: $v did not answer PING (see ${logf#"$root"/})"
        LAUNCH_MS="-"
    fi
    stop_pid "$pid"
}

if want startup; then
    variants=(redis)
    aot_cache="$rundir/kv.aot"
    aot_note=""
    if [[ $with_kv -eq 1 ]]; then
        variants+=(kv-jdk17)
        if [[ -x "$jdk25/bin/java" ]]; then
            variants+=(kv-jdk25)
            # AOT cache, JDK 25 (JEP 483 + JEP 514 "AOTCacheOutput"): one training run that
            # starts KV, drives the commands the benchmark uses, and exits; the JVM writes
            # the cache on exit. Then -XX:AOTCache=... (-XX:AOTMode=on: fail, not fall back).
            log "startup: AOT training run on JDK 25 -> ${aot_cache#"$root"/}"
            free_port; port=$PORT
            t0=$(now_us)
            start_kv "$port" "$logdir/aot-training.log" "$jdk25" "-XX:AOTCacheOutput=$aot_cache"
            pid=$SPID
            must_be_up kv-aot-training "$port" "$pid" "$logdir/aot-training.log"
            for pl in 1 16; do
                timeout 120 redis-benchmark -h "$host" -p "$port" -c "$clients" -n 20000 -P "$pl" \
                    -t ping,set,get,incr,mset --csv >/dev/null 2>>"$logdir/redis-benchmark.err" || true
            done
            redis-cli -h "$host" -p "$port" INFO >/dev/null 2>&1 || true
            # the data port answers before Quarkus has booted: stop once it has (the cache holds its start too)
            for ((w = 0; w < 600; w++)); do
                grep -q "ready to accept connections" "$logdir/aot-training.log" && break
                sleep 0.1
            done
            stop_pid "$pid" 180          # the cache is assembled at exit, in a child JVM
            aot_train_s=$(awk -v a="$t0" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
            if [[ -s "$aot_cache" ]]; then
                variants+=(kv-jdk25-aot)
                aot_note="AOT cache: $(( $(stat -c %s "$aot_cache") / 1048576 )) MiB, training run + assembly ${aot_train_s}s"
            else
                aot_note="AOT cache: training run produced no cache (see logs/aot-training.log)"
                log "startup: $aot_note"
            fi
        else
            aot_note="JDK 25 not found at $jdk25: JDK 25 variants skipped"
            log "startup: $aot_note"
        fi
    fi

    : > "$raw_start"
    for ((i = 1; i <= launches; i++)); do
        for v in "${variants[@]}"; do
            launch_once "$v"
            log "startup: launch $i/$launches $v: $LAUNCH_MS ms (CPU $LAUNCH_CPU_MS ms, peak RSS $LAUNCH_RSS_MB MB)"
            printf '%s\t%s\t%s\t%s\t%s\n' "$v" "$i" "$LAUNCH_MS" "$LAUNCH_CPU_MS" "$LAUNCH_RSS_MB" >>"$raw_start"
        done
    done

    out ""
    out "== Startup: launch to first PONG, ms, $launches launches per variant (interleaved)"
    [[ -n "$aot_note" ]] && out "   $aot_note"
    out "   CPU: user + system time of the server process until the first PONG (what the machine's load disturbs least)"
    out "$(printf '%-14s %9s %9s %9s %12s %9s %13s' variant median min max "vs redis" "CPU ms" "peak RSS MB")"
    declare -A start_med=()
    for v in "${variants[@]}"; do
        vals=$(awk -F'\t' -v v="$v" '$1 == v && $3 != "-" { print $3 }' "$raw_start")
        start_med[$v]=$(printf '%s\n' "$vals" | awk NF | median)
        mn=$(printf '%s\n' "$vals" | awk NF | sort -g | head -n 1)
        mx=$(printf '%s\n' "$vals" | awk NF | sort -g | tail -n 1)
        cpu=$(awk -F'\t' -v v="$v" '$1 == v && $4 != "-" && $4 != "" { print $4 }' "$raw_start" | median)
        rss=$(awk -F'\t' -v v="$v" '$1 == v && $5 != "-" && $5 != "" { print $5 }' "$raw_start" | median)
        out "$(printf '%-14s %9s %9s %9s %12s %9s %13s' "$v" "$(fmt "${start_med[$v]}" 1)" "$(fmt "$mn" 1)" "$(fmt "$mx" 1)" "$(ratio "${start_med[$v]}" "${start_med[redis]}")x" "$(fmt "$cpu" 0)" "$(fmt "$rss" 1)")"
    done
    if [[ -n "${start_med[kv-jdk25-aot]:-}" ]]; then
        out "AOT effect: JDK 25 + AOT cache / JDK 25 plain = $(ratio "${start_med[kv-jdk25-aot]}" "${start_med[kv-jdk25]}"), / JDK 17 = $(ratio "${start_med[kv-jdk25-aot]}" "${start_med[kv-jdk17]}")"
        # one more (untimed) launch that logs where each class came from
        free_port; port=$PORT
        cl_log="$logdir/aot-class-load.log"
        start_kv "$port" "$logdir/aot-class-load-run.log" "$jdk25" \
            "-XX:AOTCache=$aot_cache -XX:AOTMode=on -Xlog:class+load=info:file=$cl_log"
        pid=$SPID
        if wait_pong "$port" "$pid" 60; then
            cl_all=$(grep -c 'source: ' "$cl_log" || true)
            cl_aot=$(grep -c 'source: shared objects file' "$cl_log" || true)
            out "   classes loaded until first PONG: $cl_all, of which from the AOT cache: $cl_aot ($(awk -v a="$cl_aot" -v b="$cl_all" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'))"
        fi
        stop_pid "$pid"
    fi
fi

# ------------------------------------------------------------------------------- events
# Pub/sub fan-out, transactions, streams and the cost of keyspace notifications. Custom
# redis-benchmark commands (-c 1 for the single publisher), MULTI/EXEC through
# bench/multi_exec.py (redis-benchmark cannot send a transaction as one unit).
ev_bench() {                  # ev_bench PORT ARGS...: prints the rps of one redis-benchmark run
    local port=$1
    shift
    timeout 300 redis-benchmark -h "$host" -p "$port" --csv "$@" 2>>"$logdir/redis-benchmark.err" \
        | awk -F'","' '!/^"test"/ && NF >= 2 { gsub(/"/, "", $2); print $2; exit }'
}

ev_cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

ev_record() {                 # ev_record SERVER REP TEST OPS CMD...: runs CMD (prints ops/s), appends ops/s and server CPU µs/op
    local s=$1 rep=$2 t=$3 ops=$4 pid c0 rps
    shift 4
    pid=${ev_pid[$s]}
    c0=$(ev_cpu_ticks "$pid")
    rps=$("$@") || rps=-
    printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$rep" "$t" "${rps:--}" \
        "$(awk -v a="$c0" -v b="$(ev_cpu_ticks "$pid")" -v hz="$(getconf CLK_TCK)" -v n="$ops" 'BEGIN { printf "%.3f", (b - a) * 1e6 / hz / n }')" >>"$raw_ev"
}

subscribers() {               # subscribers PORT N CMD...: starts N redis-cli subscribers, sets SUB_PIDS
    local port=$1 n=$2 i
    shift 2
    SUB_PIDS=()
    for ((i = 0; i < n; i++)); do
        redis-cli -h "$host" -p "$port" "$@" >/dev/null 2>&1 &
        SUB_PIDS+=("$!")
        PIDS+=("$!")
    done
}

stop_subscribers() { local p; for p in "${SUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; SUB_PIDS=(); }

if want events; then
    log "events: starting servers"
    declare -A ev_port=() ev_pid=()
    free_port; ev_port[redis]=$PORT
    start_redis "${ev_port[redis]}" "$logdir/events-redis.log"; ev_pid[redis]=$SPID
    must_be_up redis "${ev_port[redis]}" "${ev_pid[redis]}" "$logdir/events-redis.log"
    if [[ $with_kv -eq 1 ]]; then
        free_port; ev_port[kv]=$PORT
        start_kv "${ev_port[kv]}" "$logdir/events-kv.log" "" ""; ev_pid[kv]=$SPID
        must_be_up kv "${ev_port[kv]}" "${ev_pid[kv]}" "$logdir/events-kv.log"
    fi
    raw_ev="$rundir/events.tsv"
    : > "$raw_ev"
    fanout=50
    ev_n=$(( requests * 10 ))
    for s in "${servers[@]}"; do
        p=${ev_port[$s]}
        timeout 600 redis-benchmark -h "$host" -p "$p" -c "$clients" -n "$(( warmup / 4 ))" -P 16 -t set,get \
            ${keyspace:+-r "$keyspace"} --csv >/dev/null 2>>"$logdir/redis-benchmark.err" || true
    done
    for ((rep = 1; rep <= repeats; rep++)); do
        order=("${servers[@]}")
        if [[ $with_kv -eq 1 && $((rep % 2)) -eq 0 ]]; then order=(redis kv); fi
        for s in "${order[@]}"; do
            p=${ev_port[$s]}
            log "events: repeat $rep/$repeats on $s"
            redis-cli -h "$host" -p "$p" FLUSHALL >/dev/null
            subscribers "$p" "$fanout" SUBSCRIBE bench:fanout
            for ((i = 0; i < 500; i++)); do
                [[ "$(redis-cli -h "$host" -p "$p" PUBSUB NUMSUB bench:fanout | tail -n 1)" == "$fanout" ]] && break
                sleep 0.01
            done
            ev_record "$s" "$rep" publish_fanout "$requests" ev_bench "$p" -c 1 -P 16 -n "$requests" PUBLISH bench:fanout hello
            stop_subscribers
            ev_record "$s" "$rep" multi_exec_10_sets "$(( requests * 2 / clients * clients ))" \
                timeout 300 python3 "$root/bench/multi_exec.py" "$host" "$p" "$clients" "$(( requests * 2 ))" 16
            ev_record "$s" "$rep" xadd "$ev_n" ev_bench "$p" -c "$clients" -P 16 -n "$ev_n" XADD bench:stream '*' f v
            redis-cli -h "$host" -p "$p" XGROUP CREATE bench:stream g 0 >/dev/null
            ev_record "$s" "$rep" xreadgroup "$ev_n" ev_bench "$p" -c "$clients" -P 16 -n "$ev_n" XREADGROUP GROUP g c COUNT 1 STREAMS bench:stream '>'
            for mode in off kea kea_subscriber; do
                redis-cli -h "$host" -p "$p" CONFIG SET notify-keyspace-events "$([[ $mode == off ]] && echo "" || echo KEA)" >/dev/null
                [[ $mode == kea_subscriber ]] && subscribers "$p" 1 PSUBSCRIBE '__key*__:*'
                sleep 0.2
                ev_record "$s" "$rep" "set_notify_$mode" "$ev_n" ev_bench "$p" -c "$clients" -P 16 -n "$ev_n" ${keyspace:+-r "$keyspace"} -t set
                [[ $mode == kea_subscriber ]] && stop_subscribers
            done
            redis-cli -h "$host" -p "$p" CONFIG SET notify-keyspace-events "" >/dev/null
        done
    done
    [[ $with_kv -eq 1 ]] && stop_pid "${ev_pid[kv]}"
    stop_pid "${ev_pid[redis]}"

    out ""
    out "== Events: median of $repeats interleaved repeats; ratio = KV/redis (higher is better for KV)"
    out "   publish_fanout: PUBLISH rps of 1 publisher (-P 16) to $fanout subscribers (messages delivered = rps x $fanout)"
    out "   multi_exec_10_sets: transactions/s, $clients connections x 16 in flight; xadd, xreadgroup, set_notify_*: -c $clients -P 16 -n $ev_n"
    out "   us/op: the server's CPU time (user + system, all threads) per operation; cpu ratio = KV/redis (lower is better for KV)"
    out "$(printf '%-26s %12s %12s %6s %9s %9s %9s' test "KV" "redis" ratio "KV us/op" "redis" "cpu ratio")"
    ev_stat() { awk -F'\t' -v s="$1" -v t="$2" -v col="$3" '$1 == s && $3 == t && $col != "" && $col != "-" { print $col }' "$raw_ev" | median; }
    for t in publish_fanout multi_exec_10_sets xadd xreadgroup set_notify_off set_notify_kea set_notify_kea_subscriber; do
        kr=- kc=-
        [[ $with_kv -eq 1 ]] && { kr=$(ev_stat kv "$t" 4); kc=$(ev_stat kv "$t" 5); }
        rr=$(ev_stat redis "$t" 4)
        rc=$(ev_stat redis "$t" 5)
        out "$(printf '%-26s %12s %12s %6s %9s %9s %9s' "$t" "$(fmt "$kr" 0)" "$(fmt "$rr" 0)" "$(ratio "$kr" "$rr")" \
            "$(fmt "$kc" 2)" "$(fmt "$rc" 2)" "$(ratio "$kc" "$rc")")"
    done
fi

# ------------------------------------------------------------------------------- summary
out ""
out "total run time: $(awk -v a="$t_start" -v b="$(now_us)" 'BEGIN { printf "%.0f", (b - a) / 1e6 }') s"
out "report: ${report#"$root"/}"
echo
cat "$report"
