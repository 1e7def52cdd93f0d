# smoke: the real agent on this kernel. Starts `vigil agent -o /tmp/events.json`, waits for the
# process sensor, runs `/bin/echo vigil-vm-token` three times, stops the agent with SIGTERM and
# prints the agent log and the events that mention the token.
# Exit status: 0 when the sensor attached, the agent stopped and an exec event has the token.
guest_info
start=$(date +%s)
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
# The ring is read without wakeups, on a poll interval: give the pipeline time to write.
sleep 3
agent_stop 60
show_file agent.log "$VIGIL_AGENT_LOG"
show_file agent.stdout /tmp/agent.stdout
section_begin events
grep vigil-vm-token /tmp/events.json
section_end events
echo "vigil-vm: events file has $(wc -l < /tmp/events.json) lines"
grep -q '"process_exec".*vigil-vm-token' /tmp/events.json || exit 4
grep -q 'stopped;' "$VIGIL_AGENT_LOG" || exit 5
exit 0
