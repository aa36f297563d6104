#!/bin/sh
# Builds the base of Shiplab's own image offline, from Debian's packages only: Debian
# trixie (whose Node.js is 20) with every program Shiplab runs besides node: its own
# Docker Engine, the lab registry, debootstrap for the box image, iptables for the box
# firewall, btrfs for the engine's disk.
# Usage: build-rootfs.sh WORKDIR MIRROR_URL
# Leaves WORKDIR/server-base.tar. Run as root.
set -eu
work=$1
mirror=$2
root="$work/rootfs"
# docker-cli: trixie ships the CLI apart from docker.io. adduser and passwd: dockerd makes
# its dockremap user (--userns-remap). debian-archive-keyring and gpgv: debootstrap checks
# the box's Debian. tini: the container's init, which reaps what the engine leaves.
# iproute2 and util-linux's nsenter: Shiplab links each box to the box bridge itself.
packages="nodejs docker.io docker-cli docker-registry debootstrap debian-archive-keyring gpgv iptables iproute2 btrfs-progs ca-certificates adduser passwd util-linux mount procps tini"

step() { echo "::step:: $*"; }

cleanup() {
  for m in proc dev/pts dev var/cache/apt/archives; do
    umount "$root/$m" 2>/dev/null || true
  done
}
trap cleanup EXIT

rm -rf "$root"
mkdir -p "$root"

step "debootstrap minbase trixie"
# Reuse the host's package cache, as the box image does.
debootstrap --variant=minbase --cache-dir=/var/cache/apt/archives trixie "$root" "$mirror"

step "install Shiplab's run-time packages"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages
cleanup

step "check Node.js"
major=$(chroot "$root" node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Debian trixie's Node.js is $major; Shiplab needs 20 or newer" >&2
  exit 1
fi

step "clean up"
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/log/"*.log

step "pack"
tar -C "$root" --numeric-owner -cf "$work/server-base.tar" .
rm -rf "$root"
step "done"
