#!/usr/bin/env bash
# Throughput overhead of Vigil's TC programs on an allowed iperf3 TCP flow, as a ratio.
#
# A test namespace behind a veth plays the container; iperf3 runs between it and the host side.
# Rounds alternate without / with the programs attached (same run, same machine state), in both
# directions; the programs evaluate a policy whose rules all miss, so every packet takes the full
# path (endpoint, LPM lookup, rule scan, counters). Also reports the programs' own run time per
# packet from kernel.bpf_stats_enabled. Needs root, iperf3, python3 and a built tree
# (mvn install -DskipTests). Usage: bench/net-overhead.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-5}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
NS=vigil-bench-$$
HIF=vnb$$h
HIF=${HIF:0:15}
JACKSON=$(find "${M2:-$HOME/.m2}" /work/m2-net -name 'jackson-annotations-*.jar' 2>/dev/null | head -1 || true)
CP=vigil-net/target/classes:vigil-kernel/target/classes${JACKSON:+:$JACKSON}

cleanup() {
  [ -n "${TOOL_PID:-}" ] && kill "$TOOL_PID" 2>/dev/null || true
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${STATS_WAS:-}" ] && sysctl -q kernel.bpf_stats_enabled="$STATS_WAS" || true
  ip link del "$HIF" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$NS"
ip link add "$HIF" type veth peer name eth0 netns "$NS"
ip addr add 10.78.0.1/24 dev "$HIF"
ip link set "$HIF" up
ip netns exec "$NS" ip addr add 10.78.0.2/24 dev eth0
ip netns exec "$NS" ip link set eth0 up
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" iperf3 -s -B 10.78.0.2 -p 5299 >/dev/null 2>&1 &
SERVER_PID=$!
sleep 0.5

# bits/s received, one run; $1: "" (host -> namespace, the container's ingress) or -R (its egress)
measure() {
  iperf3 -c 10.78.0.2 -p 5299 -t "$SECS" -O 1 -J $1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])'
}

attach() {
  coproc TOOL { exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" bench/NetOverhead.java "$HIF"; }
  TOOL_PID=$TOOL_PID
  read -r line <&"${TOOL[0]}"
  [ "$line" = attached ] || { echo "attach failed: $line" >&2; exit 1; }
}

detach() {
  exec {TOOL[1]}>&-
  wait "$TOOL_PID" || true
  TOOL_PID=
}

declare -A sum
for dir in in eg; do sum[$dir-without]=0; sum[$dir-with]=0; done
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
for r in $(seq "$ROUNDS"); do
  a=$(measure ""); b=$(measure -R)
  attach
  sysctl -q kernel.bpf_stats_enabled=1
  c=$(measure ""); d=$(measure -R)
  stats=$(bpftool prog show -j | python3 -c '
import json,sys
for p in json.load(sys.stdin):
    if p.get("name","").startswith("vigil_net_tc") and p.get("run_cnt"):
        print("%s %d packets %.0f ns/packet" % (p["name"], p["run_cnt"], p["run_time_ns"] / p["run_cnt"]))')
  sysctl -q kernel.bpf_stats_enabled="$STATS_WAS"
  detach
  printf 'round %d: ingress without %.0f with %.0f bit/s; egress without %.0f with %.0f bit/s\n' "$r" "$a" "$c" "$b" "$d"
  printf '  %s\n' "$stats"
  sum[in-without]=$(python3 -c "print(${sum[in-without]} + $a)"); sum[in-with]=$(python3 -c "print(${sum[in-with]} + $c)")
  sum[eg-without]=$(python3 -c "print(${sum[eg-without]} + $b)"); sum[eg-with]=$(python3 -c "print(${sum[eg-with]} + $d)")
done
python3 - "${sum[in-without]}" "${sum[in-with]}" "${sum[eg-without]}" "${sum[eg-with]}" "$ROUNDS" <<'PY'
import sys
iw, ih, ew, eh, n = map(float, sys.argv[1:])
print("container ingress: %.2f Gbit/s without, %.2f with, ratio with/without %.3f" % (iw / n / 1e9, ih / n / 1e9, ih / iw))
print("container egress:  %.2f Gbit/s without, %.2f with, ratio with/without %.3f" % (ew / n / 1e9, eh / n / 1e9, eh / ew))
PY
