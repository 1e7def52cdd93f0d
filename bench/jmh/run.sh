#!/usr/bin/env bash
# Runs the JMH benchmarks with the GC profiler (allocation per operation). Extra args go to JMH,
# e.g. bench/jmh/run.sh RingDecode -f 1 -wi 3 -i 5
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
java_home="$(cd "$here/../.." && scripts/jdk.sh)"
exec "$java_home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/target/vigil-bench-0.1.0-SNAPSHOT.jar:$here/target/lib/*" \
  org.openjdk.jmh.Main -prof gc -jvmArgsAppend --enable-native-access=ALL-UNNAMED "$@"
