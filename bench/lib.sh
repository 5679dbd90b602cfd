# shellcheck shell=bash
# bench/lib.sh — helpers the bench scripts share (sourced, not run).

# free_port → a random port in 20000-31999 that nothing listens on (below the kernel's ephemeral range,
# where an outgoing connection of a benchmark client could hold a port nobody listens on)
free_port() {
    local p
    while true; do
        p=$(( 20000 + RANDOM % 12000 ))
        ss -ltn | grep -q ":$p " || { echo "$p"; return; }
    done
}

# await_pong PORT [SECONDS] → returns once the server answers PING (loading included); fails after
# SECONDS (default 60)
await_pong() {
    local port="$1" tries=$(( ${2:-60} * 10 ))
    for _ in $(seq 1 "$tries"); do
        [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == "PONG" ]] && return 0
        sleep 0.1
    done
    echo "server on port $port did not answer" >&2; return 1
}

# cpu_ticks PID → clock ticks of CPU (user + system, all threads) the process has used so far
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# median of the numbers on stdin, "-" when there are none
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ratio A B → A/B to two decimals, "-" when A is missing or B is zero
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "-") print "-"; else printf "%.2f\n", a / b }'; }

# start_named_server NAME [JAR [OPTIONS]] → redis-server (NAME redis) or the KV jar JAR on a free port of $host,
# working in $workdir, logging to $workdir/NAME.log; records PORT[NAME], PID[NAME] and PIDS (the
# caller declares them: declare -A PORT=() PID=(); PIDS=()) and waits for its PONG. KV runs with
# $java, $JAVA_OPTS and then OPTIONS (JVM options for this server only), without persistence.
# shellcheck disable=SC2154,SC2034,SC2004 # host, workdir, java and the arrays (associative) are the caller's
start_named_server() {
    local name=$1 port
    port=$(free_port)
    if [[ $name == redis ]]; then
        redis-server --port "$port" --bind "$host" --save "" --appendonly no --daemonize no \
            --dir "$workdir" --logfile "" >"$workdir/$name.log" 2>&1 &
    else
        # shellcheck disable=SC2086 # JAVA_OPTS and OPTIONS are split on whitespace, as bin/kv-server does
        (cd "$workdir" && exec "$java" ${JAVA_OPTS:-} ${3:-} -Dquarkus.http.port=0 -Dquarkus.management.port=0 \
            -jar "$2" --port "$port" --save "" --appendonly no) >"$workdir/$name.log" 2>&1 &
    fi
    PIDS+=("$!"); PID[$name]=$!; PORT[$name]=$port
    await_pong "$port" 120
}

# stop_servers → kills the processes start_named_server recorded in PIDS and waits for them
# shellcheck disable=SC2154 # PIDS is the caller's
stop_servers() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
