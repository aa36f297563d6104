#!/bin/sh
# PID 1 of a Shiplab box: prepares what the box's own Docker daemon needs, then becomes it.
# The server passes the daemon's flags (lab registry address) as arguments, so this file,
# and with it the box image, does not change when an operator moves the registry.
# The box runs in a user namespace with its own cgroup namespace: everything below acts
# on the box's own cgroup, which the host handed to the box's root, and nothing above it.
set -eu

# The host hands the box its cgroup and isolates its network port just after the box
# starts, then says so in /shiplab: nothing below may run before that.
i=0
while [ ! -e /shiplab/.confined ] && [ "$i" -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done

# Names: the box gets no network from Docker, and so no /etc/hosts or /etc/resolv.conf
# from it either (see dockerSandbox.ts). Written before anything here may look a name up,
# and into the box's own disk. The server passes the lab registry's entry.
read -r name < /etc/hostname || name=shiplab
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n%s\n' "$name" "${SHIPLAB_HOSTS:-}" > /etc/hosts
unset SHIPLAB_HOSTS
# A box has no DNS server to ask: the lab registry's name is in /etc/hosts, and anything
# else must fail at once rather than after a resolver time-out.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > /etc/resolv.conf

# The learner's side of the box, as soon as it may run: the server hands the learner their
# prompt once shell.sock is there, and the daemon comes about a second later.
learner_side() {
  # The learner's terminals: each connection to shell.sock is a `bash -l` on a pty, started
  # here, by the box's own init, so it is confined like everything else in the box.
  shiplab-shell-relay /shiplab/shell.sock &
  # The learner's `docker` talks to the server's "under the hood" tap (api.sock), which
  # forwards every request to the daemon (waiting for it while it starts) and shows the
  # learner the REST calls it made.
  ln -sfn /shiplab/api.sock /var/run/docker.sock
}

# The daemon's turn: the server says when (/shiplab/.daemon). A box's containerd and dockerd
# cost more CPU than everything before the prompt (dockerd alone runs about a hundred
# iptables commands); when a class arrives at once, the server lets every waiting learner
# have a prompt first and starts the daemons after, a few at a time, or at once for a box
# whose learner runs `docker`. Not forever: a server that went away meanwhile must not
# leave the box without its daemon.
# bash's `read -t` on a FIFO that nobody writes waits 50 ms without a process of its own:
# thirty boxes waiting with a `sleep` each time would keep two cores busy starting them.
daemons_turn() {
  [ -e /shiplab/.daemon ] && return 0
  rm -f /run/shiplab-daemons-turn && mkfifo /run/shiplab-daemons-turn
  bash -c 'exec 3<>/run/shiplab-daemons-turn
    for ((i = 0; i < 600; i++)); do [ -e /shiplab/.daemon ] && break; read -r -t 0.05 -u 3 _; done' || true
  rm -f /run/shiplab-daemons-turn
}

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  # cgroup v2: our own writable mount; the box's processes move to a leaf ("init") so the
  # box's cgroup may hand its controllers down to the inner daemon's containers.
  umount -l /sys/fs/cgroup 2>/dev/null || true
  mount -t cgroup2 cgroup2 /sys/fs/cgroup
  mkdir -p /sys/fs/cgroup/init
  while read -r pid; do echo "$pid" 2>/dev/null > /sys/fs/cgroup/init/cgroup.procs || true; done < /sys/fs/cgroup/cgroup.procs
  for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" 2>/dev/null > /sys/fs/cgroup/cgroup.subtree_control || true
  done
  # Without controllers to hand down, `docker run -m` in the box would limit nothing.
  [ -n "$(cat /sys/fs/cgroup/cgroup.subtree_control)" ] || echo "shiplab-box-init: no cgroup controllers delegated to this box" >&2
  # Only now: a shell started before the move above could be left in the box's root
  # cgroup, which would then refuse to hand its controllers down.
  learner_side
  daemons_turn
else
  # Moving nothing, mounting only: the shells may start first (the mounts below took
  # 0.3 s of a cold box's start here, and the learner waited for them).
  learner_side
  daemons_turn
  # cgroup v1 (or hybrid): mount each hierarchy the box is in; the cgroup namespace makes
  # the box's own cgroup the root of every mount. Only existing hierarchies can be
  # mounted from a user namespace, so no new one (and no release_agent) can be made.
  umount -l /sys/fs/cgroup 2>/dev/null || true
  mount -t tmpfs -o mode=755,size=64k cgroup /sys/fs/cgroup
  while IFS=: read -r _ controllers _; do
    if [ -z "$controllers" ]; then
      mkdir -p /sys/fs/cgroup/unified
      mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified 2>/dev/null || rmdir /sys/fs/cgroup/unified
      continue
    fi
    dir=${controllers#name=}
    opts=$controllers
    [ "$dir" = "$controllers" ] || opts="none,$controllers"
    mkdir -p "/sys/fs/cgroup/$dir"
    mount -t cgroup -o "$opts" cgroup "/sys/fs/cgroup/$dir" 2>/dev/null || rmdir "/sys/fs/cgroup/$dir"
    # Co-mounted controllers (cpu,cpuacct) are also reachable by each name.
    case $dir in *,*) for c in $(echo "$dir" | tr ',' ' '); do ln -sfn "$dir" "/sys/fs/cgroup/$c"; done ;; esac
  done < /proc/self/cgroup
fi

# /etc/hostname is a file the engine bind-mounts from its own folder, outside the box's
# disk quota: keep its contents, drop the bind, so what a learner writes there counts
# against the box's disk like every other file (as /etc/hosts and /etc/resolv.conf do).
if umount /etc/hostname 2>/dev/null; then printf '%s\n' "$name" > /etc/hostname; fi

# /shiplab is a small host tmpfs: the server reads this box's daemon through the socket here.
rm -f /shiplab/docker.sock /var/run/docker.pid

# containerd first, and dockerd told where it is: a containerd that dockerd starts itself
# is found only after a one-second retry of dockerd's (measured: the daemon answered 1.2 s
# after starting, 0.16 s this way), and that second was most of a cold box's start. This
# is also how a Debian machine runs them: containerd is a service of its own. Its config is
# the one dockerd would write (no CRI plugin, state beside dockerd's).
mkdir -p /run/docker/containerd /etc/shiplab
cat > /etc/shiplab/containerd.toml <<'TOML'
version = 2
root = "/var/lib/docker/containerd/daemon"
state = "/run/docker/containerd/daemon"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/docker/containerd/containerd.sock"
[ttrpc]
  address = "/run/docker/containerd/containerd.sock.ttrpc"
TOML
containerd --config /etc/shiplab/containerd.toml &
i=0
while [ ! -S /run/docker/containerd/containerd.sock ] && [ "$i" -lt 500 ]; do sleep 0.01; i=$((i + 1)); done

# overlay2, not the btrfs driver the box's disk would suggest: btrfs subvolumes would sit
# outside the box's disk quota (and the box's seccomp profile refuses btrfs ioctls).
exec dockerd --host unix:///shiplab/docker.sock --containerd /run/docker/containerd/containerd.sock --storage-driver overlay2 "$@"
