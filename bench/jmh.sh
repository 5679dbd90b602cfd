#!/usr/bin/env bash
# JMH microbenchmarks of KV's hot paths (src/jmh/java): the request parser and the keyspace.
# Usage: bench/jmh.sh [JMH options, e.g. RespParser -f 1 -wi 2 -i 3]
# Absolute numbers on a shared machine are noise; compare runs of the same machine and state.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -Pjmh test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -q -Pjmh dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
exec java -cp "target/test-classes:target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
