#!/usr/bin/env bash
# Installs what building and running Vigil needs on Debian 12, and with --test what the test
# suite needs too. Idempotent: installs only missing packages. Run as root.
set -euo pipefail

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

build_pkgs=(clang llvm libbpf-dev libbpf1 bpftool make maven)
# gcc + libc6-dev build the static escape-replay helper; e2fsprogs and mount make the stand-in block device;
# iperf3 and python3 drive the network tests' traffic.
test_pkgs=(podman runc busybox-static iproute2 procps gcc libc6-dev e2fsprogs mount iperf3 python3)

pkgs=("${build_pkgs[@]}")
[ "$want_tests" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run as root (or: sudo $0 $*)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The JDK: Java 25 is required for the FFM API as Vigil uses it; Debian 12 ships only 17.
jdk="$(scripts/jdk.sh)" || {
  echo "setup: no JDK 25 found under /usr/lib/jvm (expected /usr/lib/jvm/temurin-25-jdk-amd64); set JAVA_HOME to a JDK 25" >&2
  exit 1
}
echo "setup: JDK $jdk" >&2

[ -r /sys/kernel/btf/vmlinux ] || { echo "setup: this kernel has no BTF (/sys/kernel/btf/vmlinux); Vigil needs CONFIG_DEBUG_INFO_BTF" >&2; exit 1; }

if [ "$want_tests" = 1 ]; then
  # Rootless rlimit raising fails here (no CAP_SYS_RESOURCE); containers keep the host's limits.
  conf=/etc/containers/containers.conf
  if ! grep -qs '^default_ulimits' "$conf"; then
    mkdir -p /etc/containers
    if grep -qs '^\[containers\]' "$conf"; then
      sed -i 's/^\[containers\]/[containers]\ndefault_ulimits = []/' "$conf"
    else
      printf '[containers]\ndefault_ulimits = []\n' >> "$conf"
    fi
  fi
  if [ -x scripts/test-images.sh ]; then scripts/test-images.sh; fi
fi
