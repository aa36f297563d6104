#!/bin/sh
# PID 1 of a Shiplab box: prepares what the box's own Docker daemon needs, then becomes it.
# The server passes the daemon's flags (lab registry address) as arguments, so this file,
# and with it the box image, does not change when an operator moves the registry.
set -eu

# The inner daemon wants a writable cgroup hierarchy of its own.
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true

# A box has no DNS server to ask: the lab registry's name is in /etc/hosts, and anything
# else must fail at once rather than after a resolver time-out (Docker's embedded DNS on an
# internal network makes every unknown name take ten seconds).
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /etc/resolv.conf

# /shiplab is a host folder: the server reads this box's daemon through the socket here.
mkdir -p /shiplab
rm -f /shiplab/docker.sock /var/run/docker.pid

exec dockerd --host unix:///var/run/docker.sock --host unix:///shiplab/docker.sock "$@"
