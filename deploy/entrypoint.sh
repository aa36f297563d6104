#!/bin/sh
# Entry point of Shiplab's image (deploy/Dockerfile), under tini. Readies the kernel
# interfaces Shiplab's own engine writes, then runs the Shiplab command given (`start`).
set -eu

# A container that is not --privileged has parts of /proc and /sys masked or read-only,
# and /sys and its cgroups read-only. Shiplab needs them as the host has them, as
# `privileged: true` or `--security-opt systempaths=unconfined` would give (compose cannot
# pass the latter: the Engine API takes it as MaskedPaths and ReadonlyPaths): its engine
# makes a cgroup per box, Shiplab writes /proc/sys (the box bridge's IPv6, the kernel's key
# quota) and isolates each box's bridge port in /sys, and the kernel lets a box (in a user
# namespace) mount its own /proc and /sys only where nothing of them is hidden.
# docker-compose.yml gives the container CAP_SYS_ADMIN and no AppArmor profile for this.
awk '$5 ~ /^\/proc\// || $5 == "/sys/firmware" { print $5 }' /proc/self/mountinfo | sort -r | while read -r mnt; do
  umount "$mnt"
done
if awk '$5 == "/sys" && $6 ~ /^ro(,|$)/ { found = 1 } END { exit !found }' /proc/self/mountinfo; then
  mount -o remount,rw /sys
fi
awk '$9 ~ /^cgroup2?$/ && $6 ~ /^ro(,|$)/ { print $5 }' /proc/self/mountinfo | while read -r mnt; do
  mount -o remount,bind,rw "$mnt"
done

# The box firewall goes into the tables the host uses: Debian's default iptables-nft,
# unless the host's rules are in the legacy tables (then both sets would be in force, and
# an operator listing the host's rules would not see Shiplab's).
legacy=$(iptables-legacy-save 2>/dev/null | grep -c '^-' || true)
nft=$(iptables-nft-save 2>/dev/null | grep -c '^-' || true)
if [ "${legacy:-0}" -gt "${nft:-0}" ]; then
  update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy
fi

cd /opt/shiplab
# malloc as `npm start` runs the server: at most two arenas, and big blocks always mapped
# on their own (bin/serverEnv.mjs says why),
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
# and V8's young generation held to 2 MiB per semi-space, unless the operator set their own.
case " ${NODE_OPTIONS:-} " in
  *" --max-semi-space-size"*) ;;
  *) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--max-semi-space-size=2" ;;
esac
# The server compiled to JavaScript (npm run image builds dist/server): no tsx at run time.
exec node dist/server/cli.mjs "$@"
