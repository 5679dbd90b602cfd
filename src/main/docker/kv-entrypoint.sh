#!/bin/sh
# kv-entrypoint.sh — the container entrypoint of KV's images (JVM, native, native-micro).
#
# Takes redis-server's command line, like the official redis image:
#   docker run IMAGE                                   # the default CMD below
#   docker run IMAGE --requirepass s3cret --appendonly yes
#   docker run IMAGE /etc/kv/kv.conf --port 7000       # config file first, then flags
#   docker run IMAGE kv-cli -h some-host ping          # run the client instead
#   docker run IMAGE sh                                # any other command is exec'd as is
# The images' default CMD is
#   --bind 0.0.0.0 --dir /data --maxmemory-policy allkeys-lru --protected-mode no
# (arguments given to `docker run` replace it entirely, as with redis).
#
# Environment:
#   KVAPP_BIN           native executable; when set (native images) it is exec'd with NATIVE_OPTS
#   NATIVE_OPTS      options for the native executable (default: -XX:MaximumHeapSizePercent=70,
#                    native-image's max heap as a percentage of the container memory)
#   KVAPP_JAR           the fast-jar launcher (default /deployments/quarkus-run.jar)
#   JAVA_OPTS        JVM options; default: container-aware heap and fail fast on OOM:
#                    -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError
#   JAVA_OPTS_APPEND appended to JAVA_OPTS (keep the defaults, add your own)
#   KVAPP_AOT_CACHE     JDK 25 AOT cache (default /deployments/kv.aot); used when the file exists;
#                    KVAPP_AOT_CACHE=none disables it
#   JAVA_HOME        java is $JAVA_HOME/bin/java when set, else java from PATH
# None of these is named KV_*: KV reads KV_<DIRECTIVE> environment variables as configuration
# and refuses to start on one it does not know.
# The script exec's the server, so it runs as PID 1 and gets SIGTERM directly.
set -eu

# A first argument that is neither an option nor a config file is a command of its own.
if [ "$#" -gt 0 ]; then
    case "$1" in
        -*|*.conf) ;;
        kv-cli)
            shift
            exec kv-cli "$@" ;;
        *)
            if [ ! -f "$1" ]; then
                exec "$@"
            fi ;;
    esac
fi

if [ -n "${KVAPP_BIN:-}" ]; then
    # shellcheck disable=SC2086  # option lists are split on whitespace on purpose
    exec "$KVAPP_BIN" ${NATIVE_OPTS--XX:MaximumHeapSizePercent=70} "$@"
fi

jar="${KVAPP_JAR:-/deployments/quarkus-run.jar}"
if [ ! -f "$jar" ]; then
    echo "kv-entrypoint: $jar not found (set KVAPP_JAR)" >&2
    exit 1
fi

if [ -n "${JAVA_HOME:-}" ]; then
    java="$JAVA_HOME/bin/java"
else
    java="java"
fi

opts="${JAVA_OPTS--XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError}"
aot="${KVAPP_AOT_CACHE:-/deployments/kv.aot}"
if [ "$aot" != "none" ] && [ -f "$aot" ]; then
    # AOTMode stays "auto": a cache that does not match this JVM/jar is ignored with a warning.
    opts="$opts -XX:AOTCache=$aot"
fi

# shellcheck disable=SC2086  # option lists are split on whitespace on purpose
exec "$java" $opts ${JAVA_OPTS_APPEND:-} -jar "$jar" "$@"
