#!/bin/bash
# Builds the root filesystem of a lab host plus the two small images preloaded into every
# host. Runs on the workstation as root; the Node side (../image.ts) imports the results.
#   build-rootfs.sh WORKDIR MIRROR SUITE
# Leaves WORKDIR/rootfs (the host), WORKDIR/service and WORKDIR/registry (image roots).
set -euo pipefail
WORK=$1 MIRROR=$2 SUITE=$3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOTFS=$WORK/rootfs

# What a small Debian server with Docker has; systemd comes later (see setup-chroot.sh).
PACKAGES=docker.io,openssh-server,sudo,iproute2,iptables,procps,ca-certificates,curl,netcat-openbsd,less,busybox-static

debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR"

cp -R "$HERE/rootfs/." "$ROOTFS/"
cp "$HERE/setup-chroot.sh" "$ROOTFS/tmp/setup-chroot.sh"

# Only /proc is mounted, never /dev or /sys: the Node side deletes WORKDIR recursively
# afterwards, and a forgotten bind mount there would take the real /dev with it.
mount -t proc proc "$ROOTFS/proc"
trap 'umount "$ROOTFS/proc" 2>/dev/null || true' EXIT
chroot "$ROOTFS" /bin/bash /tmp/setup-chroot.sh
umount "$ROOTFS/proc"
trap - EXIT
rm -f "$ROOTFS/tmp/setup-chroot.sh"

# Service image: Debian's static busybox (its httpd and nc work here; its wget does not).
SVC=$WORK/service
mkdir -p "$SVC/bin" "$SVC/www" "$SVC/tmp" "$SVC/etc"
cp "$ROOTFS/bin/busybox" "$SVC/bin/busybox"
for applet in $(chroot "$ROOTFS" /bin/busybox --list); do
  [ -e "$SVC/bin/$applet" ] || ln -s busybox "$SVC/bin/$applet"
done
echo 'swarmdeck lab service' > "$SVC/www/index.html"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$SVC/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$SVC/etc/group"
chmod 1777 "$SVC/tmp"

# Registry image: the binary from Debian's docker-registry with the libraries ldd names.
REG=$WORK/registry
mkdir -p "$REG/var/lib/docker-registry" "$REG/etc/docker/registry" "$REG/tmp"
chmod 1777 "$REG/tmp"
( cd "$ROOTFS/tmp" && chroot "$ROOTFS" /bin/sh -c 'cd /tmp && apt-get download docker-registry' )
dpkg-deb -x "$ROOTFS"/tmp/docker-registry_*.deb "$WORK/registry-deb"
rm -f "$ROOTFS"/tmp/docker-registry_*.deb
install -D -m 0755 "$WORK/registry-deb/usr/bin/docker-registry" "$REG/usr/bin/docker-registry"
cp "$HERE/registry-config.yml" "$REG/etc/docker/registry/config.yml"
cp "$WORK/registry-deb/usr/bin/docker-registry" "$ROOTFS/tmp/docker-registry"
for lib in $(chroot "$ROOTFS" ldd /tmp/docker-registry | grep -o '/[^ ]*'); do
  install -D "$ROOTFS$lib" "$REG$lib"
done
rm -f "$ROOTFS/tmp/docker-registry"
cp -a "$ROOTFS/etc/ssl" "$REG/etc/ssl" 2>/dev/null || true
rm -rf "$WORK/registry-deb"

# Smaller image, nothing host-specific baked in.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb
rm -f "$ROOTFS"/etc/ssh/ssh_host_* "$ROOTFS/etc/machine-id" "$ROOTFS/var/lib/dbus/machine-id"
: > "$ROOTFS/etc/machine-id"
