#!/bin/sh
# Runs before KV and redis-sentinel start in a node pod of the Sentinel layout (init container,
# Sentinel image: sh + redis-cli). It decides whom this node follows and writes
#   $KV_CONF        include of the chart's kv.conf + replica-announce-ip [+ replicaof]
#   $SENTINEL_CONF  a fresh sentinel.conf monitoring that master
#
# The order of the questions is what prevents split brain after parallel starts or a pod-0
# restart: the Sentinels' view first (they know about failovers), then a peer that already
# says it is a master, and only then the bootstrap rule "pod 0 is the master".
#
# Environment (set by the chart): STATEFULSET, HEADLESS_DOMAIN, NODE_COUNT, POD_NAME, POD_IP,
# REDIS_PORT, SENTINEL_PORT, MASTER_SET, QUORUM, DOWN_AFTER_MILLISECONDS, FAILOVER_TIMEOUT,
# PARALLEL_SYNCS, KV_CONF, SENTINEL_CONF, BASE_KV_CONF; REDIS_PASSWORD and SENTINEL_PASSWORD
# when set. ASK_TIMEOUT (seconds per question, default 3).
set -eu

: "${STATEFULSET:?}" "${HEADLESS_DOMAIN:?}" "${NODE_COUNT:?}" "${POD_NAME:?}" "${MASTER_SET:?}"
: "${QUORUM:?}" "${KV_CONF:?}" "${SENTINEL_CONF:?}" "${BASE_KV_CONF:?}"
REDIS_PORT=${REDIS_PORT:-6379}
SENTINEL_PORT=${SENTINEL_PORT:-26379}
POD_IP=${POD_IP:-}
REDIS_PASSWORD=${REDIS_PASSWORD:-}
SENTINEL_PASSWORD=${SENTINEL_PASSWORD:-}
ASK_TIMEOUT=${ASK_TIMEOUT:-3}

ordinal=${POD_NAME##*-}
self="$POD_NAME.$HEADLESS_DOMAIN"

log() {
    printf 'start-node: %s\n' "$*" >&2
}

# cli PASSWORD HOST PORT COMMAND...: the reply in --raw form; nothing when the host does not
# answer. The password travels in REDISCLI_AUTH, not on the command line (ps shows argv).
cli() {
    pw=$1 host=$2 port=$3
    shift 3
    if [ -n "$pw" ]; then
        REDISCLI_AUTH=$pw timeout "$ASK_TIMEOUT" redis-cli -h "$host" -p "$port" --raw "$@" 2>/dev/null || true
    else
        (unset REDISCLI_AUTH; timeout "$ASK_TIMEOUT" redis-cli -h "$host" -p "$port" --raw "$@" 2>/dev/null) || true
    fi
}

peer() {
    printf '%s\n' "$STATEFULSET-$1.$HEADLESS_DOMAIN"
}

# "HOST PORT" when the two lines are a host name and a port number, else nothing.
address() {
    host=$(printf '%s\n' "$1" | sed -n 1p)
    port=$(printf '%s\n' "$1" | sed -n 2p)
    lines=$(printf '%s\n' "$1" | grep -c . || true)
    case $host in '' | *[!A-Za-z0-9.:_-]*) return 0 ;; esac
    case $port in '' | *[!0-9]*) return 0 ;; esac
    [ "$lines" = 2 ] && echo "$host $port"
    return 0
}

# The master most of the answering Sentinels name (ties: the lowest pod number's answer).
sentinels_master() {
    answers=""
    i=0
    while [ "$i" -lt "$NODE_COUNT" ]; do
        if [ "$i" != "$ordinal" ]; then
            a=$(address "$(cli "$SENTINEL_PASSWORD" "$(peer "$i")" "$SENTINEL_PORT" SENTINEL get-master-addr-by-name "$MASTER_SET")")
            if [ -n "$a" ]; then
                log "sentinel of $(peer "$i") names $a"
                answers="$answers$i $a
"
            fi
        fi
        i=$((i + 1))
    done
    [ -n "$answers" ] || return 0
    # count per address, keep the first pod number that named it, most votes then lowest pod wins
    printf '%s' "$answers" | awk '{ k = $2 " " $3; n[k]++; if (!(k in first)) first[k] = $1 }
        END { for (k in n) print n[k], first[k], k }' | sort -k1,1nr -k2,2n | head -n 1 | cut -d' ' -f3-
}

# The first peer whose KV says ROLE master.
peer_master() {
    i=0
    while [ "$i" -lt "$NODE_COUNT" ]; do
        if [ "$i" != "$ordinal" ]; then
            role=$(cli "$REDIS_PASSWORD" "$(peer "$i")" "$REDIS_PORT" ROLE | sed -n 1p)
            if [ "$role" = master ]; then
                echo "$(peer "$i") $REDIS_PORT"
                return 0
            fi
        fi
        i=$((i + 1))
    done
}

is_self() {
    [ "$1" = "$self" ] || [ "$1" = "$POD_NAME" ] || { [ -n "$POD_IP" ] && [ "$1" = "$POD_IP" ]; }
}

# A value for a config file: in double quotes, with \ and " escaped (Redis' config syntax).
quoted() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

master=$(sentinels_master)
if [ -n "$master" ]; then
    why="the Sentinels name $master"
elif master=$(peer_master) && [ -n "$master" ]; then
    why="no Sentinel answered; $master says it is a master"
elif [ "$ordinal" = 0 ]; then
    master="$self $REDIS_PORT"
    why="no Sentinel answered and no peer is a master: pod 0 starts as the master"
else
    master="$(peer 0) $REDIS_PORT"
    why="no Sentinel answered and no peer is a master: following pod 0"
fi
master_host=${master% *}
master_port=${master#* }
if is_self "$master_host"; then
    role=master
    master_host=$self
    master_port=$REDIS_PORT
else
    role=replica
fi
log "$why; starting as $role"

{
    printf '%s\n' "# written by start-node.sh at pod start: $why"
    printf '%s\n' "include $BASE_KV_CONF"
    printf '%s\n' "replica-announce-ip $self"
    printf '%s\n' "replica-announce-port $REDIS_PORT"
    if [ "$role" = replica ]; then
        printf '%s\n' "replicaof $master_host $master_port"
    fi
} > "$KV_CONF"

# A stable Sentinel id per pod: a restarted Sentinel is the same one to its peers, so their
# tables do not fill with the dead ids of earlier runs.
myid=$(printf '%s' "$self" | sha1sum | cut -c1-40)
{
    printf '%s\n' "# written by start-node.sh at pod start: $why"
    printf '%s\n' "port $SENTINEL_PORT"
    printf '%s\n' "sentinel myid $myid"
    printf '%s\n' "sentinel resolve-hostnames yes"
    printf '%s\n' "sentinel announce-hostnames yes"
    printf '%s\n' "sentinel announce-ip $self"
    printf '%s\n' "sentinel announce-port $SENTINEL_PORT"
    printf '%s\n' "sentinel monitor $MASTER_SET $master_host $master_port $QUORUM"
    printf '%s\n' "sentinel down-after-milliseconds $MASTER_SET ${DOWN_AFTER_MILLISECONDS:-60000}"
    printf '%s\n' "sentinel failover-timeout $MASTER_SET ${FAILOVER_TIMEOUT:-180000}"
    printf '%s\n' "sentinel parallel-syncs $MASTER_SET ${PARALLEL_SYNCS:-1}"
    if [ -n "$REDIS_PASSWORD" ]; then
        printf '%s\n' "sentinel auth-pass $MASTER_SET $(quoted "$REDIS_PASSWORD")"
    fi
    if [ -n "$SENTINEL_PASSWORD" ]; then
        printf '%s\n' "requirepass $(quoted "$SENTINEL_PASSWORD")"
        printf '%s\n' "sentinel sentinel-pass $(quoted "$SENTINEL_PASSWORD")"
    fi
} > "$SENTINEL_CONF"
