#!/bin/bash
# A by-hand trial of the chart's Sentinel layout with real processes, no cluster (docs/ha.md,
# "What has been run"): three "pods" on 127.0.0.2-4 whose DNS names live in a private
# /etc/hosts (this script re-runs itself under `unshare -m`, so it needs root), each running
# redis-server (the stand-in for KV: any server that replicates) and redis-sentinel, both
# configured by helm/kv/files/start-node.sh, behind HAProxy with the chart's rendered
# haproxy.cfg and command. Prints the decisions and the failover times.
#
#   src/test/deploy/sentinel-trial.sh            # needs redis-server, redis-cli, haproxy, python3-yaml, helm
#   SERVER=/path/to/kv-server src/test/deploy/sentinel-trial.sh   # another server binary taking redis.conf
#
# Nothing here runs in the test suite. Ports: random in 20000-40000; never 6379/26379.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
SCRIPT=$ROOT/helm/kv/files/start-node.sh
HELM=${KV_HELM:-$ROOT/target/deploy-tools/helm/helm}
SERVER=${SERVER:-redis-server}
PW=${PW:-'tr ial"pw\x'}
D=redis-headless.apps.svc.cluster.local

if [ "${1:-}" != --inside ]; then
    for tool in redis-server redis-cli haproxy python3 unshare "$HELM"; do
        command -v "$tool" > /dev/null || { echo "missing: $tool" >&2; exit 2; }
    done
    while :; do
        B=$((20000 + RANDOM % 20000))
        ss -ltn | grep -qE ":($B|$((B + 1))|$((B + 2))|$((B + 3))) " || break
    done
    exec unshare -m "$0" --inside "$(mktemp -d)" "$B" $((B + 1)) $((B + 2)) $((B + 3))
fi
T=$2 RP=$3 SP=$4 PX=$5 PXS=$6
export REDISCLI_AUTH=$PW
{ for i in 0 1 2; do echo "127.0.0.$((i + 2)) redis-node-$i.$D"; done; cat /etc/hosts; } > "$T/hosts"
mount --bind "$T/hosts" /etc/hosts

ip() { echo "127.0.0.$(($1 + 2))"; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
decide() {
    local i=$1
    mkdir -p "$T/p$i"
    printf 'port %s\nbind %s\nsave ""\nappendonly no\ndir %s\n' "$RP" "$(ip "$i")" "$T/p$i" > "$T/p$i/base.conf"
    env STATEFULSET=redis-node HEADLESS_DOMAIN=$D NODE_COUNT=3 POD_NAME="redis-node-$i" POD_IP="$(ip "$i")" \
        REDIS_PORT="$RP" SENTINEL_PORT="$SP" MASTER_SET=mymaster QUORUM=2 DOWN_AFTER_MILLISECONDS=1500 \
        FAILOVER_TIMEOUT=10000 PARALLEL_SYNCS=1 KV_CONF="$T/p$i/kv.conf" SENTINEL_CONF="$T/p$i/sentinel.conf" \
        BASE_KV_CONF="$T/p$i/base.conf" REDIS_PASSWORD="$PW" SENTINEL_PASSWORD="$PW" ASK_TIMEOUT=2 \
        sh "$SCRIPT" 2>> "$T/p$i/decide.log"
}
start() {
    local i=$1
    "$SERVER" "$T/p$i/kv.conf" --requirepass "$PW" --masterauth "$PW" > "$T/p$i/server.log" 2>&1 &
    echo $! > "$T/p$i/server.pid"
    redis-server "$T/p$i/sentinel.conf" --sentinel --bind "$(ip "$i")" > "$T/p$i/sentinel.log" 2>&1 &
    echo $! > "$T/p$i/sentinel.pid"
}
kill9() { kill -9 "$(cat "$T/p$1/server.pid")" "$(cat "$T/p$1/sentinel.pid")"; }
roles() { for i in 0 1 2; do printf '%s:%s ' "$i" "$(redis-cli -h "$(ip "$i")" -p "$RP" ROLE 2>/dev/null | head -1)"; done; }
views() {
    for i in 0 1 2; do
        printf '%s:%s ' "$i" "$(redis-cli -h "$(ip "$i")" -p "$SP" SENTINEL get-master-addr-by-name mymaster 2>/dev/null | head -1 | cut -d. -f1)"
    done
}
masters() { roles | grep -o ':master' | wc -l; }
via() { redis-cli -h 127.0.0.1 -p "$PX" "$@" 2>/dev/null; }
named() { redis-cli -h "$(ip "$1")" -p "$SP" SENTINEL get-master-addr-by-name mymaster 2>/dev/null | head -1; }
cleanup() {
    for f in "$T"/p*/*.pid "$T/haproxy.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2> /dev/null; done
}
trap cleanup EXIT

echo "== 1. the three pods start in parallel"
decide 0 & decide 1 & decide 2 & wait
for i in 0 1 2; do tail -1 "$T/p$i/decide.log"; done
for i in 0 1 2; do start "$i"; done
t0=$(now)
for _ in $(seq 1 100); do
    ok=0
    for i in 0 1 2; do
        r=$(redis-cli -h "$(ip "$i")" -p "$SP" SENTINEL replicas mymaster 2>/dev/null | grep -c '^name$')
        s=$(redis-cli -h "$(ip "$i")" -p "$SP" SENTINEL sentinels mymaster 2>/dev/null | grep -c '^name$')
        [ "$r" = 2 ] && [ "$s" = 2 ] && ok=$((ok + 1))
    done
    [ "$ok" = 3 ] && break
    sleep 0.5
done
echo "every Sentinel knows 2 replicas and 2 Sentinels after $(since "$t0") s; roles $(roles); Sentinels name $(views)"

"$HELM" template redis "$ROOT/helm/kv" --namespace apps --set image.repository=acme/kv --set architecture=replication \
    --set sentinel.enabled=true --set replica.containerPorts.redis="$RP" --set sentinel.containerPorts.sentinel="$SP" > "$T/render.yaml"
python3 - "$T" << 'EOF'
import sys, yaml
t = sys.argv[1]
for d in yaml.safe_load_all(open(t + "/render.yaml")):
    if d and d["kind"] == "ConfigMap" and d["metadata"]["name"] == "redis-master-proxy":
        open(t + "/rendered.cfg", "w").write(d["data"]["haproxy.cfg"])
    if d and d["kind"] == "Deployment":
        open(t + "/proxy-cmd.sh", "w").write(d["spec"]["template"]["spec"]["containers"][0]["command"][2])
EOF
# the pods' addresses instead of DNS (HAProxy's resolvers ask DNS servers, not /etc/hosts)
sed -e "s/ resolvers cluster//; s/bind :$RP\$/bind 127.0.0.1:$PX/; s/bind :$SP\$/bind 127.0.0.1:$PXS/" \
    -e "s/ redis-node-0\.[^:]*:/ 127.0.0.2:/; s/ redis-node-1\.[^:]*:/ 127.0.0.3:/; s/ redis-node-2\.[^:]*:/ 127.0.0.4:/" \
    "$T/rendered.cfg" > "$T/haproxy.cfg"
if grep -qE ':(6379|26379)\b' "$T/haproxy.cfg"; then echo "a default port is left in haproxy.cfg" >&2; exit 1; fi
REDIS_PASSWORD=$PW sh -c "$(sed "s#/usr/local/etc/haproxy/haproxy.cfg#$T/haproxy.cfg#" "$T/proxy-cmd.sh")" > "$T/haproxy.log" 2>&1 &
echo $! > "$T/haproxy.pid"
sleep 3
echo "through the proxy: $(via CONFIG GET bind | tail -1)"
redis-cli -h "$(ip 0)" -p "$RP" SET before-failover 1 > /dev/null
redis-cli -h "$(ip 0)" -p "$RP" WAIT 2 2000 > /dev/null

echo "== 2. pod 0 dies (kill -9 of its server and Sentinel)"
kill9 0 2> /dev/null
t0=$(now)
m=""
for _ in $(seq 1 600); do
    m=$(named 1)
    case $m in redis-node-1.* | redis-node-2.*) break ;; esac
    sleep 0.1
done
echo "the Sentinels promoted ${m%%.*} after $(since "$t0") s"
for _ in $(seq 1 300); do [ "$(via SET through-proxy 1)" = OK ] && break; sleep 0.1; done
echo "a write through the proxy succeeded $(since "$t0") s after the kill, on $(via CONFIG GET bind | tail -1)"

echo "== 3. pod 0 restarts"
decide 0
tail -1 "$T/p0/decide.log"
start 0
for _ in $(seq 1 100); do
    redis-cli -h "$(ip 0)" -p "$RP" INFO replication 2>/dev/null | tr -d '\r' | grep -q '^master_link_status:up' && break
    sleep 0.2
done
sleep 3
echo "roles $(roles); Sentinels name $(views); key on pod 0: $(redis-cli -h "$(ip 0)" -p "$RP" GET before-failover)"

echo "== 4. SENTINEL failover, the proxy sampled every 0.1 s"
old=$(via CONFIG GET bind | tail -1)
(for _ in $(seq 1 150); do echo "$(now) $(via CONFIG GET bind | tail -1)"; sleep 0.1; done > "$T/samples") &
sampler=$!
t0=$(now)
redis-cli -h "$(ip 2)" -p "$SP" SENTINEL failover mymaster > /dev/null
for _ in $(seq 1 300); do [ "$(named 2)" != "$m" ] && break; sleep 0.1; done
echo "the Sentinels name ${m%%.*} -> $(named 2 | cut -d. -f1) after $(since "$t0") s"
for _ in $(seq 1 300); do [ "$(masters)" = 1 ] && break; sleep 0.1; done
echo "one node says role:master again after $(since "$t0") s: roles $(roles)"
wait "$sampler"
echo "proxy reached (in order; old master $old): $(awk '{print $2}' "$T/samples" | uniq -c | tr -s ' \n' ' ')"
echo "work directory: $T"
