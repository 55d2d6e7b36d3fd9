#!/bin/bash
# Per-host setup on every boot, from /etc/swarmdeck-lab/host.env (copied in by the lab
# before the first start). Idempotent: a restarted host keeps its key and login.
set -euo pipefail
CONF=/etc/swarmdeck-lab/host.env
[ -r "$CONF" ] || exit 0
# shellcheck disable=SC1090
. "$CONF"

# A host key of its own, made on the host as a fresh install would.
if [ ! -s /etc/ssh/ssh_host_ed25519_key ]; then
  ssh-keygen -q -t ed25519 -N '' -C "root@$(hostname)" -f /etc/ssh/ssh_host_ed25519_key
fi

install -d -o ops -g ops -m 0700 /home/ops/.ssh
if [ "${LAB_AUTH:-key}" = password ]; then
  printf 'ops:%s\n' "$LAB_PASSWORD" | chpasswd
  rm -f /home/ops/.ssh/authorized_keys
  printf 'PasswordAuthentication yes\nAuthenticationMethods password\n' \
    > /etc/ssh/sshd_config.d/10-lab-auth.conf
else
  install -o ops -g ops -m 0600 /etc/swarmdeck-lab/authorized_keys /home/ops/.ssh/authorized_keys
  rm -f /etc/ssh/sshd_config.d/10-lab-auth.conf
fi
