# shellcheck shell=bash
# bench/lib.sh — helpers the bench scripts share (sourced, not run).

# free_port → a random port in 20000-59999 that nothing listens on
free_port() {
    local p
    while true; do
        p=$(( 20000 + RANDOM % 40000 ))
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
