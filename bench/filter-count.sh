#!/usr/bin/env bash
# Kernel-side filtering, counted: the syscall records that reach userspace during an open-heavy
# loop (bench/workloads/loops.c open: openat + read 1 byte + close) with the default rules loaded,
# and with rules.collectAll (every kind the syscalls sensor has). Counts come from the agent's
# metrics (vigil_syscall_records_total{kind,stage}): "received" is what the agent's ring consumer
# decoded, "filtered" what the kernel programs dropped at vigil_syscall_filter. The deltas cover
# the loop and whatever else ran on the machine meanwhile (other processes' opens count too).
#   bench/filter-count.sh [OPEN_N]      (root; after make build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
out=$(mktemp -d)
agent_pid=""
trap '[ -z "$agent_pid" ] || kill "$agent_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
gcc -O2 -static -o "$out/loops" bench/workloads/loops.c
port=$((20000 + $$ % 10000))

# sum of vigil_syscall_records_total over the kinds matching KIND_RE, for one stage
metric() {
  curl -sf "http://127.0.0.1:$port/metrics" | awk -v kre="$1" -v stage="$2" '
    /^vigil_syscall_records_total\{/ {
      match($0, /kind="[^"]*"/); kind = substr($0, RSTART + 6, RLENGTH - 7)
      if ($0 ~ ("stage=\"" stage "\"") && kind ~ kre) sum += $NF
    }
    END { printf "%d\n", sum }'
}

run() { # MODE(default|all)
  local collect=false
  [ "$1" = all ] && collect=true
  cat > "$out/config.yaml" <<CFG
api:
  socket: $out/api-$1.sock
store:
  path: $out/store-$1/events.db
policies:
  dir: $out/policies
metrics:
  enabled: true
  address: "127.0.0.1:$port"
rules:
  collectAll: $collect
CFG
  bin/vigil agent --config "$out/config.yaml" -o /dev/null 2>"$out/agent-$1.log" &
  agent_pid=$!
  for _ in $(seq 150); do grep -q "sensor syscalls attached" "$out/agent-$1.log" 2>/dev/null && break; sleep 0.2; done
  grep -q "sensor syscalls attached" "$out/agent-$1.log" || { echo "agent did not start:"; cat "$out/agent-$1.log"; exit 1; }
  sleep 1
  local r0 f0 o0 a0 r1 f1 o1 a1
  r0=$(metric . received) f0=$(metric . filtered) o0=$(metric '^open_' received) a0=$(metric . sent)
  "$out/loops" open "$n" >/dev/null
  sleep 1 # the agent drains what the loop left in the ring
  r1=$(metric . received) f1=$(metric . filtered) o1=$(metric '^open_' received) a1=$(metric . sent)
  kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=""
  printf "%-22s %10d %16d %16d %16d %18d\n" "$([ "$1" = all ] && echo "collect everything" || echo "default rules")" "$n" \
    $((a1 - a0)) $((r1 - r0)) $((o1 - o0)) $((f1 - f0))
  grep -h "syscall kinds sent" "$out/agent-$1.log" | sed 's/^.*INFO[^:]*: /    /' >&2 || true
}

printf "%-22s %10s %16s %16s %16s %18s\n" "configuration" "opens" "kernel sent" "agent received" "of which opens" "kernel filtered"
run default
run all
