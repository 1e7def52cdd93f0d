#!/usr/bin/env bash
# Builds what scripts/vm/run.sh boots: a Debian cloud kernel (6.1, BPF LSM, kprobes, BTF) and an
# initramfs holding busybox, a jlink'ed Java runtime, libbpf with its libraries, the Vigil jars
# (from `make build`) and the guest scripts (scripts/vm/guest, scripts/vm/payloads).
#
#   scripts/vm/build-initramfs.sh OUT_DIR      -> OUT_DIR/vmlinuz, OUT_DIR/initrd, OUT_DIR/kernel.txt
#
# Idempotent: downloads and the Java runtime are cached under ${VIGIL_VM_CACHE:-/var/cache/vigil-vm},
# and the initramfs is rebuilt only when one of its inputs changed. Installs missing Debian
# packages (qemu-system-x86, cpio, busybox-static) with apt, so run it as root on a fresh machine.
#
# Environment:
#   VIGIL_VM_CACHE         download and runtime cache (default /var/cache/vigil-vm)
#   VIGIL_VM_SUITE         Debian suite of the kernel (default: the system's sources, bookworm 6.1;
#                          e.g. trixie for 6.12, bullseye for 5.10)
#   VIGIL_VM_KERNEL_PKG    kernel package (default: what linux-image-cloud-amd64 depends on)
#   VIGIL_VM_AOT           0 to leave out the AOT cache (default 1: train one on the host)
#   VIGIL_VM_INITRD_COMPRESS  none (default) or gzip
#   VIGIL_VM_JAVA_MODULES  jlink modules (default: java.base,java.logging,jdk.unsupported plus
#                          what jdeps finds in the jars, without java.desktop)
set -euo pipefail

out="${1:?usage: $0 OUT_DIR}"
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
here="$root/scripts/vm"
cache="${VIGIL_VM_CACHE:-/var/cache/vigil-vm}"
log() { echo "vm-build: $*" >&2; }
die() { echo "vm-build: $*" >&2; exit 1; }

# --- host tools ----------------------------------------------------------------------------------
pkgs=(qemu-system-x86 cpio busybox-static libbpf1)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]}; run as root (or: sudo $0 $*)"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
jdk="$(cd "$root" && scripts/jdk.sh)" || die "no JDK 25 found under /usr/lib/jvm; set JAVA_HOME to a JDK 25"

# --- Vigil jars ----------------------------------------------------------------------------------
lib="$root/vigil-cli/target/lib"
cli_jar="$(ls "$root"/vigil-cli/target/vigil-cli-*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -n1 || true)"
[ -n "$cli_jar" ] && [ -d "$lib" ] || die "Vigil is not built ($root/vigil-cli/target/lib missing); run 'make build' first"

mkdir -p "$cache" "$out"
out="$(cd "$out" && pwd)"

# --- kernel --------------------------------------------------------------------------------------
# The system's apt sources give bookworm's kernel (6.1). VIGIL_VM_SUITE=bullseye|trixie|... uses a
# private sources list and lists directory in the cache, with the same Debian mirror, and leaves
# the system's apt configuration and caches alone.
suite="${VIGIL_VM_SUITE:-}"
apt_opts=()
if [ -n "$suite" ]; then
  mirror="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
              /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  [ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  adir="$cache/apt-$suite"
  mkdir -p "$adir/lists/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$adir/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$adir/sources.list" -o "Dir::Etc::sourceparts=-"
            -o "Dir::State::Lists=$adir/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
  if [ -z "$(ls "$adir/lists" | grep -v '^partial$\|^lock$' || true)" ]; then
    log "apt-get update for $suite ($mirror)"
    apt-get "${apt_opts[@]}" update -qq >&2 || die "apt-get update for $suite failed"
  fi
fi
kernel_pkg="${VIGIL_VM_KERNEL_PKG:-}"
pkg_note="$cache/kernel-pkg${suite:+-$suite}"
find_kernel_pkg() {
  apt-cache "${apt_opts[@]}" depends linux-image-cloud-amd64 2>/dev/null \
    | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }'
}
if [ -z "$kernel_pkg" ]; then
  kernel_pkg="$(find_kernel_pkg)"
  if [ -z "$kernel_pkg" ] && [ -f "$pkg_note" ]; then
    kernel_pkg="$(cat "$pkg_note")"            # offline: the last one we fetched
  fi
  if [ -z "$kernel_pkg" ]; then
    [ "$(id -u)" = 0 ] || die "apt does not list linux-image-cloud-amd64; run 'apt-get update' as root"
    apt-get "${apt_opts[@]}" update -qq
    kernel_pkg="$(find_kernel_pkg)"
  fi
  [ -n "$kernel_pkg" ] || die "no linux-image-*-cloud-amd64 package found (apt-cache depends linux-image-cloud-amd64)"
fi
kdir="$cache/kernel/$kernel_pkg"
if [ ! -f "$kdir/.done" ]; then
  mkdir -p "$cache/debs"
  deb="$(ls "$cache/debs/${kernel_pkg}"_*.deb 2>/dev/null | head -n1 || true)"
  if [ -z "$deb" ]; then
    log "downloading $kernel_pkg"
    # apt-get download writes into the current directory; _apt must be able to enter it.
    chmod 755 "$cache" "$cache/debs"
    (cd "$cache/debs" && apt-get "${apt_opts[@]}" download -q "$kernel_pkg" >/dev/null 2>"$cache/debs/apt.err") \
      || { cat "$cache/debs/apt.err" >&2; die "apt-get download $kernel_pkg failed"; }
    deb="$(ls "$cache/debs/${kernel_pkg}"_*.deb | head -n1)"
    rm -f "$cache/debs/apt.err"
  fi
  log "extracting $(basename "$deb")"
  rm -rf "$kdir" && mkdir -p "$kdir"
  dpkg -x "$deb" "$kdir"
  touch "$kdir/.done"
fi
echo "$kernel_pkg" > "$pkg_note"
vmlinuz="$(ls "$kdir"/boot/vmlinuz-* | head -n1)"
[ -f "$vmlinuz" ] || die "no vmlinuz in $kernel_pkg"
# Everything the tests need (BPF, BTF, LSM, kprobes, cgroup2, 8250 serial, initramfs) is built
# into the cloud kernel, so no modules go into the initramfs but one: crc7 (a lookup table, no
# dependencies, 6 KB), which the smoke payload loads to replay the rule on module loads.
replay_module="$(find "$kdir/lib/modules" -name 'crc7.ko' -o -name 'crc7.ko.xz' 2>/dev/null | head -n1)"

# --- Java runtime (no default CDS archive: the AOT cache made below replaces it) -----------------
jars=("$cli_jar" "$lib"/*.jar)
jar_sums="$(sha256sum "${jars[@]}" | awk '{print $1}' | sha256sum | cut -c1-16)"
if [ -n "${VIGIL_VM_JAVA_MODULES:-}" ]; then
  modules="$VIGIL_VM_JAVA_MODULES"
else
  modcache="$cache/jdeps-$jar_sums"
  if [ ! -f "$modcache" ]; then
    log "jdeps: finding the Java modules the jars need"
    found="$("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
               --class-path "$lib/*" "${jars[@]}" 2>/dev/null | tail -n1)" || found=""
    echo "$found" > "$modcache"
  fi
  # java.desktop (java.beans) is an optional, `requires static` dependency of jackson-databind and
  # snakeyaml and by far the largest module: leave it out.
  modules="$( { echo "java.base,java.logging,jdk.unsupported"; cat "$modcache"; } | tr ',' '\n' \
               | grep -v '^java\.desktop$' | grep -v '^$' | sort -u | paste -sd, -)"
fi
jre_key="$( { "$jdk/bin/java" -version 2>&1; echo "$jdk $modules v2"; } | sha256sum | cut -c1-16)"
jre="$cache/jre-$jre_key"
if [ ! -x "$jre/bin/java" ]; then
  log "jlink: $modules"
  rm -rf "$jre.tmp"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$jre.tmp" >&2
  rm -rf "$jre" && mv "$jre.tmp" "$jre"
fi

# --- up to date? ---------------------------------------------------------------------------------
guest_sums="$(cd "$here" && find guest payloads build-initramfs.sh -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
stamp="kernel=$kernel_pkg jre=$jre_key jars=$jar_sums guest=$guest_sums compress=${VIGIL_VM_INITRD_COMPRESS:-none}"
if [ -f "$out/initrd" ] && [ -f "$out/vmlinuz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  log "up to date: $out/initrd"
  exit 0
fi

# --- initramfs tree ------------------------------------------------------------------------------
tree="$out/rootfs"
rm -rf "$tree"
mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,opt/vigil/lib,vigil}
chmod 1777 "$tree/tmp"

# busybox and its applets (links resolve to the static binary at its guest path /bin/busybox)
cp /bin/busybox "$tree/bin/busybox"
for applet in $("$tree/bin/busybox" --list-full); do
  [ -e "$tree/$applet" ] || ln -s /bin/busybox "$tree/$applet"
done

# Java runtime and jars
cp -a "$jre" "$tree/opt/vigil/jre"
cp "$cli_jar" "$tree/opt/vigil/vigil-cli.jar"
cp "$lib"/*.jar "$tree/opt/vigil/lib/"

# The classpath, jar by jar in a fixed order (an AOT cache checks it; a lib/* wildcard expands in
# directory order, which differs between the host and the guest).
guest_cp="/opt/vigil/vigil-cli.jar"
for j in $(cd "$tree/opt/vigil/lib" && ls *.jar | LC_ALL=C sort); do guest_cp="$guest_cp:/opt/vigil/lib/$j"; done
echo "$guest_cp" > "$tree/opt/vigil/classpath"

# An AOT cache (JEP 483/514) from a training run of the CLI on the host: the same runtime and jars,
# at $tree/opt/vigil instead of /opt/vigil (the JVM matches classpaths by their common prefix).
# Under emulation it saves much of the JVM's start (class loading and linking). Same GC and heap as
# the guest (guest/lib.sh). Without it, or when the JVM finds it stale, the guest runs without.
if [ "${VIGIL_VM_AOT:-1}" = 1 ]; then
  host_cp="$(echo "$guest_cp" | sed "s|/opt/vigil/|$tree/opt/vigil/|g")"
  if "$tree/opt/vigil/jre/bin/java" --enable-native-access=ALL-UNNAMED -Xms32m -Xmx256m -XX:+UseSerialGC \
       -XX:AOTCacheOutput="$tree/opt/vigil/vigil.aot" -Xlog:aot=warning,cds=warning -cp "$host_cp" \
       dev.vigil.cli.Main agent --print-config >/dev/null 2>"$out/aot-training.log"; then
    rm -f "$tree/opt/vigil/vigil.aot.config"
  else
    log "AOT cache training failed (see $out/aot-training.log); the guest starts Java without it"
    rm -f "$tree/opt/vigil/vigil.aot" "$tree/opt/vigil/vigil.aot.config"
  fi
fi

# libbpf and the shared libraries of everything dynamic (java, the JDK's libraries, libbpf),
# at the same paths as on the host, plus the dynamic loader.
libbpf="$(ldconfig -p | awk '$1 == "libbpf.so.1" && /x86-64/ { print $NF; exit }')"
[ -n "$libbpf" ] || die "libbpf.so.1 not found (Debian package libbpf1)"
copy_lib() {
  local f="$1"
  [ -e "$tree$f" ] && return 0
  mkdir -p "$tree$(dirname "$f")"
  cp -L "$f" "$tree$f"
}
copy_lib "$libbpf"
elves=("$libbpf" "$tree/opt/vigil/jre/bin/java")
while IFS= read -r -d '' so; do elves+=("$so"); done < <(find "$tree/opt/vigil/jre" -name '*.so' -print0)
for e in "${elves[@]}"; do
  ldd "$e" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\/[^ ]+ \(0x/ { print $1 }'
done | sort -u | while read -r so; do copy_lib "$so"; done
# A loader cache for dlopen("libbpf.so.1") from Java, built for the guest's own tree.
printf '%s\n' /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib > "$tree/etc/ld.so.conf"
ldconfig -r "$tree" 2>/dev/null || log "ldconfig -r failed; the guest relies on LD_LIBRARY_PATH"

# minimal /etc
echo "root:x:0:0:root:/root:/bin/sh" > "$tree/etc/passwd"
echo "root:x:0:" > "$tree/etc/group"
echo "vigil-vm" > "$tree/etc/hostname"
printf '127.0.0.1 localhost vigil-vm\n::1 localhost\n' > "$tree/etc/hosts"

# guest scripts
cp "$here/guest/init" "$tree/init"
chmod 755 "$tree/init"
cp "$here/guest/lib.sh" "$tree/vigil/lib.sh"
mkdir -p "$tree/vigil/payloads"
cp "$here"/payloads/*.sh "$tree/vigil/payloads/"
echo "$kernel_pkg" > "$tree/vigil/kernel-pkg"
mkdir -p "$tree/vigil/modules"
case "$replay_module" in
  *.ko) cp "$replay_module" "$tree/vigil/modules/crc7.ko" ;;
  *.ko.xz) xz -dc "$replay_module" > "$tree/vigil/modules/crc7.ko" || rm -f "$tree/vigil/modules/crc7.ko" ;;
  *) log "no crc7 module in $kernel_pkg: the module-load replay will say so" ;;
esac

# --- pack ----------------------------------------------------------------------------------------
# Uncompressed by default: the emulated kernel unpacks a plain cpio about 2 s faster than gzip.
compress="${VIGIL_VM_INITRD_COMPRESS:-none}"
case "$compress" in none) pack=(cat) ;; gzip) pack=(gzip -6) ;; *) die "VIGIL_VM_INITRD_COMPRESS: none or gzip" ;; esac
log "packing $(du -sh "$tree" | cut -f1) into initrd ($compress)"
(cd "$tree" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) | "${pack[@]}" > "$out/initrd.tmp"
mv "$out/initrd.tmp" "$out/initrd"
rm -f "$out/initrd.gz"
cp "$vmlinuz" "$out/vmlinuz"
echo "$kernel_pkg" > "$out/kernel.txt"
echo "$stamp" > "$out/stamp"
rm -rf "$tree"
log "built $out/initrd ($(du -h "$out/initrd" | cut -f1)) for $kernel_pkg"
