#!/bin/sh
# kv-entrypoint.sh — the container entrypoint of KV's images (JVM, native, native-micro).
#
# Takes redis-server's command line, like the official redis image:
#   docker run IMAGE                                   # the default CMD below
#   docker run IMAGE --requirepass s3cret --appendonly yes
#   docker run IMAGE /etc/kv/kv.conf --port 7000       # config file first, then flags
#   docker run IMAGE redis-server --port 7000          # as with the redis image (also kv-server)
#   docker run IMAGE redis-cli -h some-host ping       # the client (also kv-cli)
#   docker run IMAGE sh                                # any other command is exec'd as is
# The images' default CMD is
#   --bind 0.0.0.0 --dir /data --maxmemory-policy allkeys-lru --protected-mode no
# (arguments given to `docker run` replace it entirely, as with redis). The images also have
# redis-server and redis-cli on the PATH (src/main/docker/redis-server, redis-cli).
#
# The Bitnami redis image's variables, with the same meaning (flags derived from them come
# after the config file and before the command line's flags, so the command line wins):
#   REDIS_PASSWORD (or REDIS_PASSWORD_FILE)  --requirepass
#   ALLOW_EMPTY_PASSWORD   when set: "yes" allows no password, anything else makes a missing
#                          REDIS_PASSWORD a start-up error (unset: the redis image's behaviour)
#   REDIS_AOF_ENABLED      yes|no  --appendonly
#   REDIS_PORT_NUMBER      --port
#   REDIS_DISABLE_COMMANDS FLUSHDB,FLUSHALL  one --rename-command NAME "" each
#   REDIS_EXTRA_FLAGS      more flags, split on whitespace
#
# Memory (one knob): KVAPP_HEAP_PERCENT (default 65) is the heap as a percentage of the
# container's memory limit (cgroup v2 memory.max or v1 memory.limit_in_bytes; the host's
# memory without a limit). That is the ceiling; when maxmemory is set (the last --maxmemory
# flag, else the config file's directive) the heap follows the data instead:
# 4/3 x maxmemory + 64 MiB, if that is less, so a small dataset does not idle in a big heap.
# (KV itself evicts, or refuses writes, once its data passes 3/4 of the heap, whatever
# maxmemory says, so the heap is never exhausted by data.) Direct memory is capped at 10% of it, metaspace at 128 MiB and the
# code cache at 64 MiB, so that with the default heap + direct + metaspace + code cache stay
# inside a limit of 1 GiB or more with room for thread stacks and GC structures. A heap size
# given in JAVA_TOOL_OPTIONS, JAVA_OPTS or JAVA_OPTS_APPEND (-Xmx, -XX:MaxRAMPercentage,
# -XX:MaxRAM, -XX:MaxHeapSize) replaces the knob's (JAVA_TOOL_OPTIONS is read before the command
# line, so the entrypoint leaves the heap alone rather than silently overriding it). The budget
# (limit, heap, the caps, what is left) is logged at start. The heap starts at 8 MiB (-Xms8m,
# unless an initial size is given there) and the JVM hands freed C heap back to the system every
# 5 s (-XX:TrimNativeHeapInterval=5000, glibc JDKs that have it), so an idle server stays small
# (bench/README.md, "What an empty server's RSS is made of").
#
# Collector (bench/README.md, "JVM memory and pauses"): on JDK 25 (the images' JDK, read from
# $JAVA_HOME/release) generational Shenandoah with compact object headers, a young collection
# at least every second (ShenandoahGuaranteedYoungGCInterval=1000), empty heap regions given back
# after a second (ShenandoahUncommitDelay=1000); on older JDKs G1 with
# a periodic collection so an idle heap shrinks. A collector chosen in JAVA_TOOL_OPTIONS or
# JAVA_OPTS_APPEND (-XX:+Use...GC) replaces the default.
#
# Environment of the launcher:
#   KVAPP_BIN          native executable; when set (native images) it is exec'd with NATIVE_OPTS
#   NATIVE_OPTS        replaces the native defaults (-XX:MaximumHeapSizePercent=<knob>, direct cap)
#   KVAPP_JAR          the aot-jar launcher (default /deployments/quarkus-run.jar)
#   JAVA_OPTS          replaces the JVM defaults (heap, direct, metaspace, code cache caps,
#                      -XX:+ExitOnOutOfMemoryError, initial heap, native heap trimming, the collector)
#   JAVA_OPTS_APPEND   appended to JAVA_OPTS (keep the defaults, add your own)
#   KVAPP_AOT_CACHE    JDK 25 AOT cache (default /deployments/kv.aot); used when the file
#                      exists; KVAPP_AOT_CACHE=none disables it
#   KVAPP_CGROUP_DIR   where the cgroup files are read (default /sys/fs/cgroup)
#   JAVA_HOME          java is $JAVA_HOME/bin/java when set, else java from PATH
# None of these is named KV_*: KV reads KV_<DIRECTIVE> environment variables as configuration.
# The script exec's the server, so it runs as PID 1 and gets SIGTERM directly.
set -eu

die() {
    echo "kv-entrypoint: $*" >&2
    exit 1
}

# --- what to run -------------------------------------------------------------------------
if [ "$#" -gt 0 ]; then
    case "$1" in
        redis-server|kv-server)
            shift ;;
        redis-cli|kv-cli)
            shift
            exec kv-cli "$@" ;;
        -*|*.conf) ;;
        *)
            if [ ! -f "$1" ]; then
                exec "$@"
            fi ;;
    esac
fi

# --- Bitnami's variables -> redis-server flags ---------------------------------------------
conf=""
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
    conf="$1"
    shift
fi
user_args=$#

if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
    [ -r "$REDIS_PASSWORD_FILE" ] || die "REDIS_PASSWORD_FILE=$REDIS_PASSWORD_FILE is not readable"
    REDIS_PASSWORD="$(cat "$REDIS_PASSWORD_FILE")"
fi
if [ -n "${ALLOW_EMPTY_PASSWORD+set}" ] && [ "$ALLOW_EMPTY_PASSWORD" != "yes" ] && [ -z "${REDIS_PASSWORD:-}" ]; then
    die "REDIS_PASSWORD is empty or not set and ALLOW_EMPTY_PASSWORD=$ALLOW_EMPTY_PASSWORD: set REDIS_PASSWORD, or ALLOW_EMPTY_PASSWORD=yes to run without a password"
fi
if [ -n "${REDIS_PASSWORD:-}" ]; then
    set -- "$@" --requirepass "$REDIS_PASSWORD"
fi
if [ -n "${REDIS_PORT_NUMBER:-}" ]; then
    set -- "$@" --port "$REDIS_PORT_NUMBER"
fi
case "${REDIS_AOF_ENABLED:-}" in
    "") ;;
    yes|no) set -- "$@" --appendonly "$REDIS_AOF_ENABLED" ;;
    *) die "REDIS_AOF_ENABLED must be yes or no, not '$REDIS_AOF_ENABLED'" ;;
esac
if [ -n "${REDIS_DISABLE_COMMANDS:-}" ]; then
    old_ifs="$IFS"
    IFS=", "
    set -f
    for command in $REDIS_DISABLE_COMMANDS; do
        set -- "$@" --rename-command "$command" ""
    done
    set +f
    IFS="$old_ifs"
fi
if [ -n "${REDIS_EXTRA_FLAGS:-}" ]; then
    set -f
    # shellcheck disable=SC2086  # split on whitespace on purpose, as Bitnami does
    set -- "$@" $REDIS_EXTRA_FLAGS
    set +f
fi
# the command line's own flags go last (they win), the config file first
i=0
while [ "$i" -lt "$user_args" ]; do
    set -- "$@" "$1"
    shift
    i=$((i + 1))
done
if [ -n "$conf" ]; then
    set -- "$conf" "$@"
fi

# --- memory ------------------------------------------------------------------------------
heap_percent="${KVAPP_HEAP_PERCENT:-65}"
case "$heap_percent" in
    ''|*[!0-9]*) die "KVAPP_HEAP_PERCENT must be a whole number of percent, not '$heap_percent'" ;;
esac
if [ "$heap_percent" -lt 10 ] || [ "$heap_percent" -gt 80 ]; then
    die "KVAPP_HEAP_PERCENT=$heap_percent is outside 10..80"
fi

# Files are read with the shell's own `read`, and functions set variables rather than print into
# $(...): each fork and exec is milliseconds in front of the JVM's start (bench/README.md,
# "Where the JVM's creation goes; the launcher's own cost").
memory_limit() {
    cg="${KVAPP_CGROUP_DIR:-/sys/fs/cgroup}"
    limit=""
    if [ -r "$cg/memory.max" ]; then
        read -r v < "$cg/memory.max" || true
        if [ "$v" != "max" ]; then
            limit="$v"
            return
        fi
    elif [ -r "$cg/memory/memory.limit_in_bytes" ]; then
        read -r v < "$cg/memory/memory.limit_in_bytes" || true
        # cgroup v1 reports "no limit" as a huge number
        if [ "$v" -lt 4611686018427387904 ]; then
            limit="$v"
            return
        fi
    fi
    while read -r key value unit; do
        if [ "$key" = "MemTotal:" ]; then
            limit=$((value * 1024))
            return
        fi
    done < /proc/meminfo
}
memory_limit
direct=$((limit / 10))

# redis-server's memory units: k/m/g are powers of 1000, kb/mb/gb of 1024 (any case); sets $bytes
memory_bytes() {
    case "$1" in
        *[!0-9kKmMgGbB]*|'') bytes=0; return ;;
        *[gG][bB]) n="${1%??}"; unit=1073741824 ;;
        *[mM][bB]) n="${1%??}"; unit=1048576 ;;
        *[kK][bB]) n="${1%??}"; unit=1024 ;;
        *[gG]) n="${1%?}"; unit=1000000000 ;;
        *[mM]) n="${1%?}"; unit=1000000 ;;
        *[kK]) n="${1%?}"; unit=1000 ;;
        *[bB]) n="${1%?}"; unit=1 ;;
        *) n="$1"; unit=1 ;;
    esac
    case "$n" in
        ''|*[!0-9]*) bytes=0 ;;
        *) bytes=$((n * unit)) ;;
    esac
}

# maxmemory as the server will see it: the config file's last directive, then the last flag
maxmemory=0
if [ -n "$conf" ] && [ -r "$conf" ]; then
    v="$(awk 'tolower($1) == "maxmemory" && NF >= 2 { m = $2 } END { print m }' "$conf")"
    if [ -n "$v" ]; then
        memory_bytes "$v"
        maxmemory="$bytes"
    fi
fi
prev=""
for arg in "$@"; do
    if [ "$prev" = "--maxmemory" ]; then
        memory_bytes "$arg"
        maxmemory="$bytes"
    fi
    prev="$arg"
done

# the heap option: the knob's share of the limit, or less when maxmemory needs less
heap_opt="-XX:MaxRAMPercentage=$heap_percent"
native_heap_opt="-XX:MaximumHeapSizePercent=$heap_percent"
ceiling_mb=$((limit * heap_percent / 100 / 1048576))
if [ "$maxmemory" -gt 0 ]; then
    wanted_mb=$((maxmemory * 4 / 3 / 1048576 + 64))
    if [ "$wanted_mb" -lt "$ceiling_mb" ]; then
        heap_opt="-Xmx${wanted_mb}m"
        native_heap_opt="$heap_opt"
        echo "kv-entrypoint: heap ${wanted_mb} MiB for maxmemory $maxmemory (4/3 x maxmemory + 64 MiB)" >&2
    else
        echo "kv-entrypoint: heap ${heap_percent}% of the ${limit}-byte limit (${ceiling_mb} MiB);" \
            "maxmemory $maxmemory would want ${wanted_mb} MiB, so KV evicts at 3/4 of the heap" >&2
    fi
fi

sets_heap() {
    case " $* " in
        *" -Xmx"*|*" -XX:MaxRAMPercentage="*|*" -XX:MaxRAM="*|*" -XX:MaxHeapSize="*|*" -XX:MaximumHeapSizePercent="*) return 0 ;;
    esac
    return 1
}

if [ -n "${KVAPP_BIN:-}" ]; then
    native_opts="${NATIVE_OPTS-$native_heap_opt -XX:MaxDirectMemorySize=$direct}"
    # shellcheck disable=SC2086  # option lists are split on whitespace on purpose
    exec "$KVAPP_BIN" $native_opts "$@"
fi

jar="${KVAPP_JAR:-/deployments/quarkus-run.jar}"
[ -f "$jar" ] || die "$jar not found (set KVAPP_JAR)"

if [ -n "${JAVA_HOME:-}" ]; then
    java="$JAVA_HOME/bin/java"
else
    java="java"
fi

# The JDK's feature version (25 for 25.0.3) in $feature and its update (3) in $update, read from
# its release file rather than by starting a JVM; empty and 0 when unknown.
java_feature() {
    feature=""
    update=0
    home="${JAVA_HOME:-}"
    if [ -z "$home" ]; then
        j="$(command -v java 2>/dev/null || true)"
        if [ -n "$j" ]; then
            home="$(dirname "$(dirname "$(readlink -f "$j")")")"
        fi
    fi
    if [ -n "$home" ] && [ -r "$home/release" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in
                JAVA_VERSION=\"[0-9]*)
                    v="${line#JAVA_VERSION=\"}"
                    feature="${v%%[!0-9]*}"
                    v="${v%%\"*}"
                    case "$v" in
                        *.*.*) v="${v#*.*.}"; update="${v%%[!0-9]*}"; update="${update:-0}" ;;
                    esac
                    return ;;
            esac
        done < "$home/release"
    fi
}

sets_initial_heap() {
    case " $* " in
        *" -Xms"*|*" -XX:InitialRAMPercentage="*|*" -XX:InitialHeapSize="*) return 0 ;;
    esac
    return 1
}

uses_musl() {
    for loader in /lib/ld-musl-*; do
        [ -e "$loader" ] && return 0
    done
    return 1
}

chooses_collector() {
    set -f
    # shellcheck disable=SC2048  # option lists are split on whitespace on purpose
    for o in $*; do
        case "$o" in
            -XX:+Use*GC) set +f; return 0 ;;
        esac
    done
    set +f
    return 1
}

if [ -n "${JAVA_OPTS+set}" ]; then
    opts="$JAVA_OPTS"
    echo "kv-entrypoint: JAVA_OPTS replaces the JVM defaults (heap, direct memory, metaspace, code cache, collector)" >&2
else
    opts="-XX:MaxDirectMemorySize=$direct -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"
    heap_mb="$ceiling_mb"
    if sets_heap "${JAVA_TOOL_OPTIONS:-}" "${JAVA_OPTS_APPEND:-}"; then
        heap_mb=""
    else
        opts="$heap_opt $opts"
        case "$heap_opt" in
            -Xmx*) heap_mb="${heap_opt#-Xmx}"; heap_mb="${heap_mb%m}" ;;
        esac
    fi
    # The initial heap is also the floor the collector gives memory back down to: the JVM's
    # minimum, 8 MiB, not its default 1/64 of the limit (an empty server's live heap is ~12 MiB).
    if ! sets_initial_heap "${JAVA_TOOL_OPTIONS:-}" "${JAVA_OPTS_APPEND:-}"; then
        opts="-Xms8m $opts"
    fi
    java_feature
    # The C heap the JVM frees goes back to the system every 5 s (malloc_trim on a thread of its
    # own; glibc keeps it otherwise, and the JIT's arenas peak at 30+ MB during the start): JDK
    # 17.0.9+, 21.0.1+ and 22+, experimental before 23; glibc only (other C libraries: a warning).
    if [ -n "$feature" ] && ! uses_musl && { [ "$feature" -ge 22 ] || { [ "$feature" -eq 21 ] && [ "$update" -ge 1 ]; } \
            || { [ "$feature" -eq 17 ] && [ "$update" -ge 9 ]; }; }; then
        if [ "$feature" -lt 23 ]; then
            opts="$opts -XX:+UnlockExperimentalVMOptions"
        fi
        opts="$opts -XX:TrimNativeHeapInterval=5000"
    fi
    collector="the JVM's default"
    if ! chooses_collector "${JAVA_TOOL_OPTIONS:-}" "${JAVA_OPTS_APPEND:-}"; then
        if [ -n "$feature" ] && [ "$feature" -ge 25 ]; then
            # JDK 25: generational Shenandoah, concurrent, so pauses stay short however many
            # keys the heap holds, and with compressed pointers (ZGC has none: more bytes a
            # key); compact object headers (8 bytes, not 12: the store is many small objects).
            # A young collection at least every second, and regions left empty for a second
            # (ShenandoahUncommitDelay, default 5 minutes) go back to the system: its young
            # cycles otherwise start only when the young generation (all the heap the old one
            # leaves) is nearly full, so the heap swung between the data and -Xmx under
            # overwrites (bench/README.md, issue 18).
            collector="-XX:+UseShenandoahGC -XX:ShenandoahGCMode=generational -XX:+UseCompactObjectHeaders"
            collector="$collector -XX:+UnlockExperimentalVMOptions -XX:ShenandoahUncommitDelay=1000"
            collector="$collector -XX:ShenandoahGuaranteedYoungGCInterval=1000"
        else
            # Older JDKs: G1 (named, or a 1-CPU container gets the serial collector), which
            # only gives memory back after a collection: one a minute while idle, shrinking
            # the heap to at most 30% free.
            collector="-XX:+UseG1GC -XX:G1PeriodicGCInterval=60000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
        fi
        opts="$opts $collector"
    fi
    # What bounds the process: the limit minus these caps is left for thread stacks, GC
    # structures and malloc (the 2 GiB pod: 321 MiB; its RSS peaked at 1496 MiB when full).
    direct_mb=$((direct / 1048576))
    limit_mb=$((limit / 1048576))
    if [ -n "$heap_mb" ]; then
        capped_mb=$((heap_mb + direct_mb + 128 + 64))
        echo "kv-entrypoint: memory limit ${limit_mb} MiB: heap ${heap_mb} + direct ${direct_mb} + metaspace 128" \
            "+ code cache 64 = ${capped_mb} MiB at most, $((limit_mb - capped_mb)) MiB left for threads," \
            "GC structures and malloc; collector: $collector" >&2
    else
        echo "kv-entrypoint: memory limit ${limit_mb} MiB: heap as JAVA_TOOL_OPTIONS/JAVA_OPTS_APPEND set it," \
            "direct ${direct_mb} + metaspace 128 + code cache 64 MiB at most; collector: $collector" >&2
    fi
fi
aot="${KVAPP_AOT_CACHE:-/deployments/kv.aot}"
if [ "$aot" != "none" ] && [ -f "$aot" ]; then
    # AOTMode stays "auto": a cache that does not match this JVM/jar is ignored with a warning.
    opts="$opts -XX:AOTCache=$aot"
fi

# malloc'd memory of the JVM (GC structures, JIT arenas) in transparent huge pages: a quarter fewer
# page faults before the first PONG on JDK 25 (bin/kv-server explains it); an explicit setting stays.
case ":${GLIBC_TUNABLES:-}:" in
    *:glibc.malloc.hugetlb=*) ;;
    *) export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1" ;;
esac
# shellcheck disable=SC2086  # option lists are split on whitespace on purpose
exec "$java" $opts ${JAVA_OPTS_APPEND:-} -jar "$jar" "$@"
