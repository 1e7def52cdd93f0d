#!/usr/bin/env bash
# Whole-system overhead of the agent on syscall-heavy loops, as ratios from one run: rounds
# alternate without and with the agent (same machine, same minute), and the median of each is
# compared. Absolute times on a shared VM are noise; ratios measured side by side are not.
# "agent jvm" is the agent JVM's CPU time per loop iteration (its cost on another core, JIT
# compilation included); "event thread" is the ring consumer thread's share of it. Both are
# counted in 10 ms ticks, so short loops round them coarsely.
# With WHERE=container the loops run inside a podman container (the test image), where the
# escape protections are in force: the exec guard judges every exec and the file guard every
# open, so the ratio is the cost of the protections as well as of the process events.
#   bench/overhead.sh [ROUNDS] [EXEC_N] [OPEN_N] [WRITE_N]      (root; after make build)
#   WHERE=container bench/overhead.sh ...
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5} exec_n=${2:-3000} open_n=${3:-300000} write_n=${4:-1000000}
out=$(mktemp -d)
ctr=""
trap 'kill $agent_pid 2>/dev/null || true; [ -z "$ctr" ] || podman rm -f -t 0 "$ctr" >/dev/null; rm -rf "$out"' EXIT
gcc -O2 -static -o "$out/loops" bench/workloads/loops.c
agent_pid=""
if [ "${WHERE:-host}" = container ]; then
  scripts/test-images.sh >/dev/null
  ctr=vigil-bench-$$
  podman --runtime runc run -d --name "$ctr" -v "$out/loops:/loops:ro" localhost/vigil-test/busybox:latest sleep 100000 >/dev/null
fi
loops() { if [ -n "$ctr" ]; then podman exec "$ctr" /loops "$@"; else "$out/loops" "$@"; fi; }

start_agent() {
  bin/vigil agent -o /dev/null 2>"$out/agent.log" &
  agent_pid=$!
  for _ in $(seq 100); do grep -q "sensor process attached" "$out/agent.log" 2>/dev/null && return; sleep 0.2; done
  echo "agent did not start:"; cat "$out/agent.log"; exit 1
}
# utime + stime of the agent JVM, in clock ticks (USER_HZ = 100)
agent_ticks() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
# the same for the agent's event thread alone (ring consumer, decode, enrich, output)
ring_ticks() { for t in /proc/$agent_pid/task/*; do grep -q '^vigil-ring' "$t/comm" && awk '{print $14 + $15}' "$t/stat"; done; }
stop_agent() { kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=""; }

for r in $(seq "$rounds"); do
  for w in exec open write; do
    n=$exec_n; [ "$w" = open ] && n=$open_n; [ "$w" = write ] && n=$write_n
    echo "$w base $(loops "$w" "$n")" >> "$out/results"
  done
  start_agent
  loops exec 5000 >/dev/null # the agent JIT-compiles its event path in the first seconds; measure after
  sleep 1
  for w in exec open write; do
    n=$exec_n; [ "$w" = open ] && n=$open_n; [ "$w" = write ] && n=$write_n
    before=$(agent_ticks) ring_before=$(ring_ticks)
    result=$(loops "$w" "$n")
    sleep 0.3 # the agent drains what the loop left in the ring
    echo "$w agent $result $(( ($(agent_ticks) - before) * 10000000 / n )) $(( ($(ring_ticks) - ring_before) * 10000000 / n ))" >> "$out/results"
  done
  stop_agent
done
grep -h "lost:" "$out/agent.log" || true
python3 - "$out/results" "$ctr" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print("loops ran " + ("in a container (escape protections in force)" if sys.argv[2] else "on the host"))
print(f"{'workload':8} {'base cpu ns/it':>15} {'with agent':>11} {'cpu ratio':>10} {'wall ratio':>11} {'agent jvm ns/it':>16} {'event thread ns/it':>19}")
for w in ("exec", "open", "write"):
    b = [r for r in rows if r[0] == w and r[1] == "base"]
    a = [r for r in rows if r[0] == w and r[1] == "agent"]
    bc, ac = statistics.median(float(r[2]) for r in b), statistics.median(float(r[2]) for r in a)
    bw, aw = statistics.median(float(r[3]) for r in b), statistics.median(float(r[3]) for r in a)
    own = statistics.median(float(r[4]) for r in a)
    ring = statistics.median(float(r[5]) for r in a)
    print(f"{w:8} {bc:15.0f} {ac:11.0f} {ac / bc:9.2f}x {aw / bw:10.2f}x {own:16.0f} {ring:19.0f}")
PY
