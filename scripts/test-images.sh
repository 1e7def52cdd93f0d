#!/usr/bin/env bash
# Builds the local test images the container tests use. No registry is reachable here, so
# images come from rootfs trees on this machine. Idempotent: safe to run on every CI start.
#
#   localhost/vigil-test/busybox:latest   busybox-static plus applet symlinks
#
# Also makes sure podman can start containers here: this sandbox lacks CAP_SYS_RESOURCE,
# so podman's default rlimits must be switched off in containers.conf.
set -euo pipefail

IMAGE=localhost/vigil-test/busybox:latest
CONF=/etc/containers/containers.conf
PODMAN=(podman --runtime runc)

log() { printf 'test-images: %s\n' "$*" >&2; }

ensure_containers_conf() {
    if [[ -f "$CONF" ]] && grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$CONF"; then
        return
    fi
    mkdir -p "$(dirname "$CONF")"
    if [[ -f "$CONF" ]] && grep -Eq '^[[:space:]]*\[containers\][[:space:]]*$' "$CONF"; then
        # Insert right below the existing [containers] table header so the key lands in it.
        sed -i '/^[[:space:]]*\[containers\][[:space:]]*$/a default_ulimits = []' "$CONF"
    else
        printf '\n[containers]\ndefault_ulimits = []\n' >>"$CONF"
    fi
    log "wrote default_ulimits = [] to $CONF"
}

find_busybox() {
    local candidate
    for candidate in /bin/busybox /usr/bin/busybox; do
        if [[ -x "$candidate" ]] && file -L "$candidate" 2>/dev/null | grep -q 'statically linked'; then
            echo "$candidate"
            return
        fi
    done
    # `file` may be missing; fall back to any busybox and trust it is the static build.
    command -v busybox || { log "busybox-static is not installed"; exit 1; }
}

build_busybox_image() {
    if "${PODMAN[@]}" image exists "$IMAGE"; then
        log "$IMAGE already present"
        return
    fi
    local busybox rootfs
    busybox=$(find_busybox)
    rootfs=$(mktemp -d /tmp/vigil-busybox-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' RETURN
    mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var,run}
    chmod 1777 "$rootfs/tmp"
    cp "$busybox" "$rootfs/bin/busybox"
    # --install -s creates links where the applets belong, relative to the chroot.
    chroot "$rootfs" /bin/busybox --install -s
    [[ -e "$rootfs/bin/sh" ]] || ln -s busybox "$rootfs/bin/sh"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    tar -C "$rootfs" -c . | "${PODMAN[@]}" import --quiet --change 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
    log "built $IMAGE"
}

ensure_containers_conf
build_busybox_image
