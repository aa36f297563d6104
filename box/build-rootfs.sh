#!/bin/sh
# Builds the box's root file system offline, from Debian's packages only.
# Usage: build-rootfs.sh WORKDIR MIRROR_URL
# Leaves WORKDIR/box.tar (the box) and WORKDIR/debian-slim.tar (a bare Debian, used
# to seed debian:bookworm-slim in the lab registry). Run as root.
set -eu
work=$1
mirror=$2
root="$work/rootfs"
packages="docker.io gcc libc6-dev busybox-static vim-tiny nano-tiny procps iproute2 iptables less ca-certificates bash-completion"

step() { echo "::step:: $*"; }

cleanup() {
  for m in proc dev/pts dev var/cache/apt/archives; do
    umount "$root/$m" 2>/dev/null || true
  done
}
trap cleanup EXIT

rm -rf "$root"
mkdir -p "$root"

step "debootstrap minbase bookworm"
# Reuse the host's package cache: Docker Engine's own packages are already there.
debootstrap --variant=minbase --cache-dir=/var/cache/apt/archives bookworm "$root" "$mirror"

step "snapshot bare Debian"
tar -C "$root" --numeric-owner -cf "$work/debian-slim.tar" .

step "install box packages"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages
cleanup

step "configure box"
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/log/"*.log
install -m 0755 "$(dirname "$0")/box-init.sh" "$root/usr/local/sbin/shiplab-box-init"
install -m 0644 "$(dirname "$0")/profile.sh" "$root/etc/profile.d/shiplab.sh"
echo shiplab > "$root/etc/hostname"

step "pack box"
tar -C "$root" --numeric-owner -cf "$work/box.tar" .
rm -rf "$root"
step "done"
