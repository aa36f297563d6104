#!/bin/sh
# Builds the box's root file system offline, from Debian's packages only.
# Usage: build-rootfs.sh WORKDIR MIRROR_URL
# Leaves WORKDIR/box.tar (the box), WORKDIR/debian-slim.tar (a bare Debian, used to seed
# debian:trixie-slim in the lab registry) and WORKDIR/gcc.tar (that Debian with gcc and
# libc headers: the lab's gcc image, the build stage of the multistage lesson). Run as root.
# The box is Debian 13 (trixie) whatever the host runs: learners meet the Docker they will
# meet at work (Engine 26, BuildKit by default, buildx, Compose v2), not bookworm's 20.10.
set -eu
work=$1
mirror=$2
root="$work/rootfs"
suite=trixie
# trixie's packages, kept apart from the host's own apt cache (bookworm) but kept between
# builds, so a rebuild of the box downloads nothing it already has.
cache=${SHIPLAB_BOX_APT_CACHE:-/var/cache/shiplab/apt-$suite}
packages="docker.io docker-cli docker-buildx docker-compose curl gcc libc6-dev busybox-static vim-tiny nano-tiny procps iproute2 iptables less ca-certificates bash-completion"

step() { echo "::step:: $*"; }

cleanup() {
  for m in proc dev/pts dev var/cache/apt/archives; do
    umount "$root/$m" 2>/dev/null || true
  done
}
trap cleanup EXIT

rm -rf "$root"
mkdir -p "$root"

step "debootstrap minbase $suite"
mkdir -p "$cache/partial"
debootstrap --variant=minbase --cache-dir="$cache" "$suite" "$root" "$mirror"

step "snapshot bare Debian"
tar -C "$root" --numeric-owner -cf "$work/debian-slim.tar" .

printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind "$cache" "$root/var/cache/apt/archives"
install_packages() { chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; }

step "install gcc, snapshot the gcc image"
install_packages gcc libc6-dev
tar -C "$root" --numeric-owner --exclude='./proc/*' --exclude='./dev/*' --exclude='./var/cache/apt/archives/*' \
  --exclude='./var/lib/apt/lists/*' --exclude=./usr/sbin/policy-rc.d -cf "$work/gcc.tar" .

step "install box packages"
install_packages $packages

step "build the shell relay"
# Compiled by the box's own gcc, against the box's own libc.
cp "$(dirname "$0")/shell-relay.c" "$root/tmp/shell-relay.c"
chroot "$root" gcc -O2 -Wall -o /usr/local/sbin/shiplab-shell-relay /tmp/shell-relay.c
rm -f "$root/tmp/shell-relay.c"
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
