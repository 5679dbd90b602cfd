#!/usr/bin/env bash
# bench/memory.sh — memory per key, keys per 2 GiB pod and pauses while loading: KV next to
# redis-server in one run (issue 18).
#
#   bench/memory.sh [--keys "1000000 10000000"] [--jdk JAVA_HOME] [--gc "JVM options"]
#                   [--servers "kv redis"] [--only density|pod] [--pod-maxmemory 1536mb]
#                   [--logs DIR] [--no-build]
#
# density  per N of --keys, each server started on its own, empty: `redis-benchmark -t set -r N
#          -n 3N -d 32 -P 16` (16-byte keys key:000000000123, 32-byte values, two thirds of the
#          SETs overwrite) while bench/latency_probe.py sends 1000 GET/SET a second on a second
#          connection. RSS is the process's Pss (every resident page once). Both servers get --maxmemory = N x 200 bytes (no eviction; KV's heap then
#          follows bin/kv-server's rule). Reported: SET/s of the load, used_memory/key, RSS/key
#          absolute and as growth over the empty server, peak RSS, p99.9 and max of the probe (and
#          p99.9 after the load's first 10 s, once the JIT has compiled the hot path),
#          and for KV the GC pauses (count, longest; -Xlog:gc,gc+phases) and the longest
#          safepoint (-Xlog:safepoint: every stop of the application threads, GC or not).
# pod      a 2 GiB pod: both servers with --maxmemory --pod-maxmemory (default 1536mb, 3/4 of
#          the limit) and allkeys-lru; KV with the JVM options the image's entrypoint
#          (src/main/docker/kv-entrypoint.sh) derives for a 2 GiB cgroup limit and this JDK, plus
#          -XX:MaxRAM=2g so the JVM sizes itself as in the container. Filled with unique keys
#          (redis-cli --pipe, 500k at a time) until evicted_keys > 0, then one more batch;
#          reported: keys held, used_memory, RSS and peak RSS (over 2 GiB = the pod would have
#          been OOM-killed), whether the server still answers.
# --logs   also keeps the probe's trace (probe-trace.log: wall-clock ms and latency of every
#          sample) to line slow samples up with the GC and safepoint logs (wall-clock decorations).
# --jdk    JAVA_HOME for KV (default: java on PATH); --gc  extra JVM options for KV (collector,
#          tuning; in the pod the entrypoint gets them as JAVA_OPTS_APPEND); --servers  which servers to run
#          (comparing JVM options needs redis only once); --logs  keep the servers' logs and the GC
#          and safepoint logs there; --no-build  fail instead of building.
# Needs redis-server, redis-cli, redis-benchmark and python3. Long: 10M keys take minutes per
# server on a shared machine; never part of the test run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/target/quarkus-app/quarkus-run.jar"
keys_list="1000000 10000000"
jdk=""
gc_opts=""
servers="kv redis"
only=""
pod_maxmemory="1536mb"
pod_limit=2147483648
build=1
logs=""
usage="usage: bench/memory.sh [--keys \"N ...\"] [--jdk JAVA_HOME] [--gc \"JVM options\"] [--servers \"kv redis\"] [--only density|pod] [--pod-maxmemory SIZE] [--logs DIR] [--no-build]"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keys) keys_list="$2"; shift 2 ;;
        --jdk) jdk="$2"; shift 2 ;;
        --gc) gc_opts="$2"; shift 2 ;;
        --servers) servers="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --pod-maxmemory) pod_maxmemory="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --logs) logs="$2"; shift 2 ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
[[ -z "$only" || "$only" == density || "$only" == pod ]] || { echo "$usage" >&2; exit 2; }
if [[ ! -f "$jar" ]]; then
    [[ "$build" == 1 ]] || { echo "no $jar and --no-build" >&2; exit 1; }
    (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
java_home="${jdk:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[[ -x "$java_home/bin/java" ]] || { echo "no java in $java_home" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$here/lib.sh"

work="$(mktemp -d)"
pid=""
probe_pid=""
cleanup() {
    [[ -n "$probe_pid" ]] && kill "$probe_pid" 2>/dev/null
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# wall-clock decorations, to line the logs up with the probe's trace
gc_log_opts() { echo "-Xlog:gc,gc+phases=info:file=$1/gc.log:time,uptime,level,tags -Xlog:safepoint=info:file=$1/safepoint.log:time,uptime,level,tags"; }

# start_kv DIR PORT MAXMEMORY: bin/kv-server, heap from maxmemory, $gc_opts and the GC logs
start_kv() {
    local dir="$1" port="$2" maxmemory="$3"
    # shellcheck disable=SC2046  # option lists split on whitespace on purpose
    JAVA_HOME="$java_home" KV_NO_BUILD=1 JAVA_OPTS="$gc_opts $(gc_log_opts "$dir")" \
        "$root/bin/kv-server" --port "$port" --bind 127.0.0.1 --management-port 0 --dir "$dir" \
        --save "" --appendonly no --maxmemory "$maxmemory" > "$dir/server.log" 2>&1 &
    pid=$!
}

start_redis() {
    local dir="$1" port="$2" maxmemory="$3"
    shift 3
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
        --daemonize no --maxmemory "$maxmemory" "$@" > "$dir/server.log" 2>&1 &
    pid=$!
}

stop_server() {
    redis-cli -p "$1" shutdown nosave > /dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    pid=""
}

info_field() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'; }
dbsize() { redis-cli -p "$1" dbsize; }
# status_bytes FIELD: VmHWM (peak RSS) of the server process, in bytes
status_bytes() { awk -v f="$1:" '$1 == f { printf "%.0f\n", $2 * 1024 }' "/proc/$pid/status"; }
# resident_bytes: the process's resident memory counting every page once (Pss; VmRSS counts the
# pages of JDK 17's multi-mapped ZGC heap three times)
resident_bytes() { awk '$1 == "Pss:" { printf "%.0f\n", $2 * 1024 }' "/proc/$pid/smaps_rollup"; }

# gc_pauses DIR → "COUNT MAX_MS" of the GC log's pauses ("Pause ... 1.234ms") and allocation
# stalls (ZGC: the allocating thread, the event loop, waits for the collector)
gc_pauses() {
    grep -Eo '(Pause|Allocation Stall) .* [0-9.]+ms$' "$1/gc.log" 2>/dev/null | grep -Eo '[0-9.]+ms$' | tr -d 'ms' \
        | awk '{ n++; if ($1 > m) m = $1 } END { printf "%d %.1f\n", n, m }'
}
# max_safepoint DIR → "COUNT MAX_MS REACHING_MS NAME" of the longest safepoint (Total: reaching it
# plus the operation; a long "Reaching safepoint" is a runnable thread the OS did not schedule)
max_safepoint() {
    grep -E 'Total: [0-9]+ ns' "$1/safepoint.log" 2>/dev/null | awk '{
        n++; name = $0; sub(/^[^"]*"/, "", name); sub(/".*/, "", name)
        t = $0; sub(/.*Total: /, "", t); t += 0
        r = $0; sub(/.*Reaching safepoint: /, "", r); r += 0
        if (t > m) { m = t; mr = r; mn = name } }
        END { printf "%d %.1f %.1f %s\n", n, m / 1e6, mr / 1e6, (mn == "" ? "-" : mn) }'
}

per_key() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }

declare -A result

# density SERVER N: fills, measures, stores result[SERVER,N,field]
density() {
    local server="$1" n="$2" dir port rss0 used0 rps probe keys used rss hwm
    dir="$work/$server-$n"; mkdir -p "$dir"
    port=$(free_port)
    if [[ "$server" == kv ]]; then start_kv "$dir" "$port" $((n * 200)); else start_redis "$dir" "$port" $((n * 200)); fi
    await_pong "$port" 120 || { tail -5 "$dir/server.log" >&2; exit 1; }
    sleep 1
    rss0=$(resident_bytes); used0=$(info_field "$port" memory used_memory)
    python3 "$here/latency_probe.py" "$port" 1000 ${logs:+"$dir/probe-trace.log"} > "$dir/probe.out" &
    probe_pid=$!
    rps=$(redis-benchmark -p "$port" -t set -r "$n" -n $((n * 3)) -d 32 -P 16 -q 2>/dev/null \
        | tr '\r' '\n' | awk '/^SET: [0-9.]+ requests per second/ { print $2 }' | tail -1)
    kill "$probe_pid"; wait "$probe_pid" 2>/dev/null || true; probe_pid=""
    probe=$(cat "$dir/probe.out")
    keys=$(dbsize "$port"); used=$(info_field "$port" memory used_memory)
    rss=$(resident_bytes); hwm=$(status_bytes VmHWM)
    result[$server,$n,rps]="$rps"
    result[$server,$n,keys]="$keys"
    result[$server,$n,evicted]="$(info_field "$port" stats evicted_keys)"
    result[$server,$n,used]="$(per_key "$used" "$keys")"
    result[$server,$n,rss]="$(per_key "$rss" "$keys")"
    result[$server,$n,growth]="$(per_key $((rss - rss0)) "$keys")"
    result[$server,$n,used0]="$used0"
    result[$server,$n,rss0]="$((rss0 / 1048576))"
    result[$server,$n,hwm]="$((hwm / 1048576))"
    result[$server,$n,p999]="$(sed -n 's/.*p99.9_ms=\([0-9.]*\).*/\1/p' <<< "$probe")"
    result[$server,$n,pmax]="$(sed -n 's/.* max_ms=\([0-9.]*\).*/\1/p' <<< "$probe")"
    result[$server,$n,pwarm]="$(sed -n 's/.*warm_p99.9_ms=\([0-9.]*\).*/\1/p' <<< "$probe")"
    if [[ "$server" == kv ]]; then
        result[$server,$n,gc]="$(gc_pauses "$dir")"
        result[$server,$n,sp]="$(max_safepoint "$dir")"
    else
        result[$server,$n,gc]="- -"; result[$server,$n,sp]="- - - -"
    fi
    stop_server "$port"
    if [[ -n "$logs" ]]; then
        for f in "$dir"/*.log; do cp "$f" "$logs/$server-$n.$(basename "$f")"; done
    fi
    echo "$server $n keys: ${result[$server,$n,rps]} SET/s, ${result[$server,$n,used]} B/key used_memory," \
        "${result[$server,$n,rss]} B/key RSS (${result[$server,$n,growth]} growth), peak RSS ${result[$server,$n,hwm]} MiB," \
        "$probe, GC pauses (count max_ms) ${result[$server,$n,gc]}, safepoints ${result[$server,$n,sp]}" >&2
}

# kv_pod_options DIR → the JVM options the image's entrypoint picks in a 2 GiB pod for this JDK
# (its release file tells the entrypoint the version) with $gc_opts as JAVA_OPTS_APPEND
kv_pod_options() {
    local dir="$1"
    mkdir -p "$dir/cgroup" "$dir/fakejava/bin"
    echo "$pod_limit" > "$dir/cgroup/memory.max"
    if [[ -r "$java_home/release" ]]; then cp "$java_home/release" "$dir/fakejava/"; fi
    # shellcheck disable=SC2016  # the fake java's own script, expanded when it runs
    printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = -jar ] && break; echo "$a"; done\n' > "$dir/fakejava/bin/java"
    chmod +x "$dir/fakejava/bin/java"
    env -u JAVA_OPTS -u JAVA_TOOL_OPTIONS JAVA_HOME="$dir/fakejava" KVAPP_JAR="$jar" KVAPP_CGROUP_DIR="$dir/cgroup" \
        KVAPP_AOT_CACHE=none JAVA_OPTS_APPEND="$gc_opts" sh "$root/src/main/docker/kv-entrypoint.sh" --maxmemory "$pod_maxmemory" 2> "$dir/entrypoint.log" | tr '\n' ' '
}

# pod SERVER: fills a 2 GiB pod's server until it evicts
pod() {
    local server="$1" dir port batch=500000 next=0 evicted=0 extra=1 opts alive
    dir="$work/$server-pod"; mkdir -p "$dir"
    port=$(free_port)
    if [[ "$server" == kv ]]; then
        opts="$(kv_pod_options "$dir")"
        echo "kv pod JVM options: $opts -XX:MaxRAM=$pod_limit ($(cat "$dir/entrypoint.log"))" >&2
        # shellcheck disable=SC2046,SC2086  # option lists split on whitespace on purpose
        "$java_home/bin/java" $opts -XX:MaxRAM=$pod_limit $(gc_log_opts "$dir") -jar "$jar" \
            --port "$port" --bind 127.0.0.1 --management-port 0 --dir "$dir" --save "" --appendonly no \
            --maxmemory "$pod_maxmemory" --maxmemory-policy allkeys-lru > "$dir/server.log" 2>&1 &
        pid=$!
    else
        start_redis "$dir" "$port" "$pod_maxmemory" --maxmemory-policy allkeys-lru
    fi
    await_pong "$port" 120 || { tail -5 "$dir/server.log" >&2; exit 1; }
    local value
    value=$(printf 'v%.0s' $(seq 1 32))
    while [[ "$next" -lt 60000000 ]]; do
        awk -v from="$next" -v to=$((next + batch)) -v v="$value" 'BEGIN {
            for (i = from; i < to; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$32\r\n%s\r\n", i, v }' \
            | redis-cli -p "$port" --pipe > "$dir/pipe.out" 2>&1 || true
        next=$((next + batch))
        kill -0 "$pid" 2>/dev/null || break
        evicted=$(info_field "$port" stats evicted_keys)
        if [[ "${evicted:-0}" -gt 0 ]]; then
            [[ "$extra" -eq 0 ]] && break
            extra=$((extra - 1))
        fi
    done
    if kill -0 "$pid" 2>/dev/null && [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; then alive=yes; else alive=no; fi
    if [[ "$alive" == yes ]]; then
        result[$server,pod,keys]="$(dbsize "$port")"
        result[$server,pod,used]="$(info_field "$port" memory used_memory)"
        result[$server,pod,rss]="$(( $(resident_bytes) / 1048576 ))"
        result[$server,pod,hwm]="$(( $(status_bytes VmHWM) / 1048576 ))"
        result[$server,pod,evicted]="$evicted"
    else
        result[$server,pod,keys]="died"; result[$server,pod,used]="-"; result[$server,pod,rss]="-"
        result[$server,pod,hwm]="-"; result[$server,pod,evicted]="-"
    fi
    result[$server,pod,sent]="$next"
    result[$server,pod,alive]="$alive"
    if [[ "$server" == kv ]]; then result[$server,pod,gc]="$(gc_pauses "$dir")"; else result[$server,pod,gc]="- -"; fi
    [[ "$alive" == yes ]] && stop_server "$port"
    [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
    if [[ -n "$logs" ]]; then
        for f in "$dir"/*.log; do cp "$f" "$logs/$server-pod.$(basename "$f")"; done
    fi
    echo "$server pod: ${result[$server,pod,keys]} keys held after $next sent, used_memory ${result[$server,pod,used]}," \
        "RSS ${result[$server,pod,rss]} MiB (peak ${result[$server,pod,hwm]}), alive $alive" >&2
}

echo "# bench/memory.sh $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# KV: $("$java_home/bin/java" -version 2>&1 | head -1), extra options: ${gc_opts:-none}; $(redis-server --version | cut -d' ' -f1-3)"

if [[ -z "$only" || "$only" == density ]]; then
    for n in $keys_list; do
        for server in $servers; do density "$server" "$n"; done
    done
    echo
    echo "| keys | server | SET/s | used_memory/key | RSS/key (growth) | peak RSS MiB | empty RSS MiB | probe p99.9 (after 10 s) / max ms | GC pauses, longest ms | longest safepoint ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for n in $keys_list; do
        for server in $servers; do
            read -r gcn gcmax <<< "${result[$server,$n,gc]}"
            read -r _ spmax spreach spname <<< "${result[$server,$n,sp]}"
            echo "| ${result[$server,$n,keys]} of $n | $server | ${result[$server,$n,rps]} | ${result[$server,$n,used]} | ${result[$server,$n,rss]} (${result[$server,$n,growth]}) | ${result[$server,$n,hwm]} | ${result[$server,$n,rss0]} | ${result[$server,$n,p999]} (${result[$server,$n,pwarm]}) / ${result[$server,$n,pmax]} | $gcn, $gcmax | $spmax (reaching ${spreach:-}, ${spname:-}) |"
        done
        if [[ "$servers" == *kv* && "$servers" == *redis* ]]; then
            echo "| $n | KV/redis | $(ratio "${result[kv,$n,rps]}" "${result[redis,$n,rps]}") | $(ratio "${result[kv,$n,used]}" "${result[redis,$n,used]}") | $(ratio "${result[kv,$n,rss]}" "${result[redis,$n,rss]}") ($(ratio "${result[kv,$n,growth]}" "${result[redis,$n,growth]}")) | | | $(ratio "${result[kv,$n,p999]}" "${result[redis,$n,p999]}") ($(ratio "${result[kv,$n,pwarm]}" "${result[redis,$n,pwarm]}")) | | |"
        fi
    done
fi

if [[ -z "$only" || "$only" == pod ]]; then
    for server in $servers; do pod "$server"; done
    echo
    echo "2 GiB pod, maxmemory $pod_maxmemory, allkeys-lru:"
    echo "| server | keys held | used_memory | RSS MiB | peak RSS MiB | GC pauses, longest ms | alive |"
    echo "|---|---|---|---|---|---|---|"
    for server in $servers; do
        read -r gcn gcmax <<< "${result[$server,pod,gc]}"
        echo "| $server | ${result[$server,pod,keys]} | ${result[$server,pod,used]} | ${result[$server,pod,rss]} | ${result[$server,pod,hwm]} | $gcn, $gcmax | ${result[$server,pod,alive]} |"
    done
fi
