# Helpers for VM payloads (sourced by /init before the payload, busybox sh).

VIGIL_HOME=/opt/vigil
VIGIL_JAVA="$VIGIL_HOME/jre/bin/java"
# Emulated CPUs are slow: C1 only, a small serial heap, no perf data file. GC and heap match the
# AOT cache's training run in build-initramfs.sh.
VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:---enable-native-access=ALL-UNNAMED -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData}"
[ -f "$VIGIL_HOME/vigil.aot" ] && VIGIL_JAVA_OPTS="$VIGIL_JAVA_OPTS -XX:AOTCache=$VIGIL_HOME/vigil.aot"
VIGIL_CP="$(cat "$VIGIL_HOME/classpath")"
VIGIL_AGENT_PID=
VIGIL_AGENT_LOG=/tmp/agent.log

# section NAME: prints NAME's text between markers the host-side test can cut out.
section_begin() { echo "--- BEGIN $1 ---"; }
section_end() { echo "--- END $1 ---"; }
show_file() { section_begin "$1"; cat "$2" 2>/dev/null; section_end "$1"; }

# vigil CMD ARGS...: runs the vigil command in the foreground (the JVM replaces the shell).
vigil_exec() {
  # shellcheck disable=SC2086
  exec "$VIGIL_JAVA" $VIGIL_JAVA_OPTS -cp "$VIGIL_CP" dev.vigil.cli.Main "$@"
}
vigil() { (vigil_exec "$@"); }

# agent_start ARGS...: starts `vigil agent ARGS...` in the background, log in $VIGIL_AGENT_LOG.
agent_start() {
  # The background subshell execs the JVM, so $! is the agent's own pid (signals reach it).
  (vigil_exec agent "$@") >/tmp/agent.stdout 2>"$VIGIL_AGENT_LOG" &
  VIGIL_AGENT_PID=$!
  echo "vigil-vm: agent started, pid $VIGIL_AGENT_PID"
}

# wait_log PATTERN SECONDS: waits until the agent log has a line matching PATTERN (grep -E).
# Fails early when the agent exits.
wait_log() {
  i=0
  while [ "$i" -lt $(($2 * 10)) ]; do
    grep -qE "$1" "$VIGIL_AGENT_LOG" 2>/dev/null && return 0
    kill -0 "$VIGIL_AGENT_PID" 2>/dev/null || { grep -qE "$1" "$VIGIL_AGENT_LOG" && return 0; echo "vigil-vm: agent exited before logging '$1'"; return 1; }
    sleep 0.1
    i=$((i + 1))
  done
  echo "vigil-vm: no '$1' in the agent log after $2 s"
  return 1
}

# agent_wait_running [SECONDS]: waits until the agent logs "running" (every sensor attached, the
# API serving), default at most 300 s.
agent_wait_running() {
  wait_log 'AgentCommand: running' "${1:-300}"
}

# agent_stop [SECONDS]: SIGTERM, then waits (SIGKILL after SECONDS, default 60); sets AGENT_RC.
agent_stop() {
  AGENT_RC=
  [ -n "$VIGIL_AGENT_PID" ] || return 0
  kill -TERM "$VIGIL_AGENT_PID" 2>/dev/null
  i=0
  while kill -0 "$VIGIL_AGENT_PID" 2>/dev/null && [ "$i" -lt $((${1:-60} * 10)) ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 "$VIGIL_AGENT_PID" 2>/dev/null; then
    echo "vigil-vm: agent did not stop after SIGTERM; killing it"
    kill -KILL "$VIGIL_AGENT_PID" 2>/dev/null
  fi
  wait "$VIGIL_AGENT_PID"
  AGENT_RC=$?
  echo "vigil-vm: agent exited with status $AGENT_RC"
  VIGIL_AGENT_PID=
}

# guest_info: the kernel facts the agent depends on.
guest_info() {
  section_begin guest
  echo "kernel: $(uname -r)"
  echo "cmdline: $(cat /proc/cmdline)"
  echo "lsm: $(cat /sys/kernel/security/lsm 2>/dev/null)"
  echo "btf: $(ls -l /sys/kernel/btf/vmlinux 2>&1)"
  echo "cpus: $(grep -c ^processor /proc/cpuinfo) mem: $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"
  section_end guest
}

# uptime_ms: milliseconds since boot (busybox date has no %N).
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
