# smoke: the real agent on this kernel. Starts `vigil agent -o /tmp/events.json`, waits for the
# process sensor, runs `/bin/echo vigil-vm-token` three times, stops the agent with SIGTERM and
# prints the agent log and the events that mention the token.
# Escape protection in LSM mode, with a policy that guards this (host) guest's processes: an
# exec of a binary named by a policy rule and an open of /etc/shadow must fail with EPERM from
# the agent's LSM programs while the shell that tried lives on; the results are printed in the
# "escape" section and the alerts land in the events file.
# The default rule "Kernel Module Loaded", which this project's host kernel cannot replay (no module
# support): insmod of the kernel package's crc7.ko (full paths: busybox sh runs applets it names
# without an exec) (the policy lets the host load modules, with an
# alert, instead of the default block), then lsmod as its neighbour; the results are in the "module"
# section, the alerts and those two execs in "module-events".
# Exit status: 0 when the sensor attached, the agent stopped and an exec event has the token.
guest_info
start=$(date +%s)
mkdir -p /var/lib/vigil/policies
cat > /var/lib/vigil/policies/vm-host.yaml <<'YAML'
apiVersion: vigil.dev/v1alpha1
kind: RuntimePolicy
metadata: {name: vm-host}
spec:
  selector: {host: true}
  escape:
    commands: {action: alert}
    hostFiles: {action: off, sensitive: block}
    privilegedOps: {module: alert}
    extraCommands:
      - {name: vm-forbidden, binaries: [vigil-forbidden], action: block}
YAML
cp /bin/busybox /tmp/vigil-forbidden
[ -f /etc/shadow ] || { mkdir -p /etc; echo 'root:*:19000:0:99999:7:::' > /etc/shadow; }
agent_start -o /tmp/events.json
if ! wait_log 'sensor process attached' 300; then
  agent_stop 10
  show_file agent.log "$VIGIL_AGENT_LOG"
  show_file agent.stdout /tmp/agent.stdout
  exit 3
fi
echo "vigil-vm: process sensor attached after $(($(date +%s) - start)) s"
agent_wait_running 300 || { agent_stop 10; show_file agent.log "$VIGIL_AGENT_LOG"; exit 3; }
echo "vigil-vm: agent running after $(($(date +%s) - start)) s"
for i in 1 2 3; do /bin/echo vigil-vm-token; done
wait_log 'escape guard ready' 60 || true
section_begin escape
/tmp/vigil-forbidden true 2>&1; echo "forbidden-exec rc=$?"
cat /etc/shadow >/dev/null 2>/tmp/cat.err; echo "shadow-open rc=$? $(cat /tmp/cat.err)"
rm -f /etc/shadow 2>/tmp/rm.err; echo "shadow-unlink rc=$? $(cat /tmp/rm.err)"
[ -f /etc/shadow ] && echo "shadow still there"
echo "shell survived"
section_end escape
section_begin module
if [ -f /vigil/modules/crc7.ko ]; then
  /sbin/insmod /vigil/modules/crc7.ko 2>&1; echo "module-insmod rc=$?"
  grep -q '^crc7 ' /proc/modules && echo "module crc7 loaded"
else
  echo "module-insmod no module in the image"
fi
/sbin/lsmod >/dev/null 2>&1; echo "module-lsmod rc=$?"
section_end module
# The ring is read without wakeups, on a poll interval: give the pipeline time to write.
sleep 3
agent_stop 60
show_file agent.log "$VIGIL_AGENT_LOG"
show_file agent.stdout /tmp/agent.stdout
section_begin events
grep vigil-vm-token /tmp/events.json
grep '"type":"alert"' /tmp/events.json | grep -e vm-forbidden -e /etc/shadow
section_end events
section_begin module-events
grep -e '"process_exec".*"args":\["/sbin/insmod"' -e '"process_exec".*"args":\["/sbin/lsmod"' -e '"rule":"Kernel Module Loaded"' -e 'escape.kernel_module_load' /tmp/events.json
section_end module-events
echo "vigil-vm: events file has $(wc -l < /tmp/events.json) lines"
grep -q '"process_exec".*vigil-vm-token' /tmp/events.json || exit 4
grep -q 'stopped;' "$VIGIL_AGENT_LOG" || exit 5
exit 0
