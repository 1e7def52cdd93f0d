# info: the guest's kernel facts and how long the Java runtime and the vigil CLI take to start
# here (no BPF). Exit status 0 when both ran.
guest_info
t0=$(uptime_ms)
"$VIGIL_JAVA" -version 2>&1 || exit 3
echo "vigil-vm: AOT cache: $( [ -f "$VIGIL_HOME/vigil.aot" ] && "$VIGIL_JAVA" $VIGIL_JAVA_OPTS -Xlog:aot=info -cp "$VIGIL_CP" dev.vigil.cli.Main --version 2>&1 | grep -m1 -iE "opened aot|unable|disabl|mismatch" || echo none)"
t1=$(uptime_ms)
vigil agent --print-config >/tmp/config.yaml || exit 4
t2=$(uptime_ms)
echo "vigil-vm: java -version plus vigil --version $((t1 - t0)) ms, vigil agent --print-config $((t2 - t1)) ms ($(wc -l < /tmp/config.yaml) lines)"
exit 0
