#!/usr/bin/env bash
# Boots the Vigil test VM (Debian's 6.1 cloud kernel under qemu, software emulation) with one
# payload from scripts/vm/payloads and prints its serial console.
#
#   scripts/vm/run.sh PAYLOAD [TIMEOUT_SECONDS]      e.g. scripts/vm/run.sh smoke
#
# Exits with the payload's status (from the console's "VIGIL-VM-END rc=N"), 124 on timeout and
# 125 when the VM ended without that line (boot failure, kernel panic). Builds the initramfs first
# (scripts/vm/build-initramfs.sh; a no-op when nothing changed), so `make build` must have run.
# The console is also saved to $VIGIL_VM_DIR/console-PAYLOAD.log.
#
# Environment:
#   VIGIL_VM_SUITE     Debian suite of the kernel (default bookworm, 6.1; see build-initramfs.sh)
#   VIGIL_VM_DIR       where the kernel and initramfs go (default: <repo>/target/vm[-SUITE])
#   VIGIL_VM_ACCEL     qemu accelerator (default tcg; KVM fails on this project's machines)
#   VIGIL_VM_MEM       guest memory in MiB (default 2048)
#   VIGIL_VM_SMP       guest CPUs (default 2)
#   VIGIL_VM_LSM       the kernel's lsm= list (default lockdown,capability,landlock,bpf)
#   VIGIL_VM_APPEND    extra kernel command line
#   VIGIL_VM_NO_BUILD  set to 1 to boot what is in VIGIL_VM_DIR without rebuilding
set -euo pipefail

payload="${1:?usage: $0 PAYLOAD [TIMEOUT_SECONDS]}"
timeout_s="${2:-600}"
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
dir="${VIGIL_VM_DIR:-$root/target/vm${VIGIL_VM_SUITE:+-$VIGIL_VM_SUITE}}"

[ -f "$root/scripts/vm/payloads/$payload.sh" ] || {
  echo "vm-run: no payload '$payload' in scripts/vm/payloads" >&2; exit 2; }
if [ "${VIGIL_VM_NO_BUILD:-0}" != 1 ]; then
  "$root/scripts/vm/build-initramfs.sh" "$dir"
fi
[ -f "$dir/vmlinuz" ] && [ -f "$dir/initrd" ] || { echo "vm-run: no kernel/initramfs in $dir" >&2; exit 2; }

console="$dir/console-$payload.log"
cmdline="console=ttyS0 panic=-1 loglevel=4 lsm=${VIGIL_VM_LSM:-lockdown,capability,landlock,bpf} vigil.run=$payload ${VIGIL_VM_APPEND:-}"
echo "vm-run: booting $(cat "$dir/kernel.txt" 2>/dev/null) with payload $payload (timeout ${timeout_s}s)" >&2
started=$(date +%s)
set +e
# -no-reboot: a kernel panic (panic=-1 reboots at once) ends qemu instead of looping.
# stdin from /dev/null: the console is output only, and qemu leaves the terminal alone.
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
    -accel "${VIGIL_VM_ACCEL:-tcg}" -cpu max -m "${VIGIL_VM_MEM:-2048}" -smp "${VIGIL_VM_SMP:-2}" \
    -nographic -no-reboot -nic none \
    -kernel "$dir/vmlinuz" -initrd "$dir/initrd" -append "$cmdline" </dev/null \
  | sed -u 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[()][0-9A-Za-z]//g; s/\x1bc//g; s/\r//g' | tee "$console"
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - started ))

rc="$(sed -n 's/^VIGIL-VM-END rc=\([0-9][0-9]*\).*/\1/p' "$console" | tail -n1)"
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
  echo "vm-run: timed out after ${timeout_s}s (console: $console)" >&2
  exit 124
fi
if [ -z "$rc" ]; then
  echo "vm-run: the VM ended without VIGIL-VM-END (qemu status $qemu_rc, ${elapsed}s; console: $console)" >&2
  exit 125
fi
echo "vm-run: payload $payload exited with $rc after ${elapsed}s (console: $console)" >&2
exit "$rc"
