#!/bin/bash
# Runs inside the debootstrap'd root (chroot) to turn it into a lab server image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

# No service may start inside the chroot (they would run on the workstation).
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
apt-get install -y --no-install-recommends systemd systemd-sysv dbus
rm -f /usr/sbin/policy-rc.d

# The account the app logs in with: key (or password on one host) set at first boot.
useradd --create-home --shell /bin/bash --groups docker,sudo ops
usermod --password '*' ops
chmod 0440 /etc/sudoers.d/ops
chmod 0755 /usr/local/lib/swarmdeck-lab/*.sh

# A container has no consoles, clocks or disks to look after, and no network to update from.
systemctl mask getty@tty1.service console-getty.service systemd-timesyncd.service \
  apt-daily.timer apt-daily-upgrade.timer fstrim.timer e2scrub_all.timer e2scrub_reap.service \
  systemd-pstore.service \
  systemd-remount-fs.service dev-hugepages.mount sys-kernel-debug.mount \
  sys-kernel-tracing.mount sys-fs-fuse-connections.mount 2>/dev/null || true
systemctl enable ssh.service docker.service containerd.service lab-firstboot.service lab-preload.service
systemctl set-default multi-user.target
