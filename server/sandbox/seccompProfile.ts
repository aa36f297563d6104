// The seccomp profile a box runs under. A box runs its own dockerd (in a user namespace),
// and Docker's default profile refuses what that daemon needs (mount, unshare, pivot_root…);
// `seccomp=unconfined` would instead open every kernel entry point to an untrusted root.
// So: Docker's default allowlist, plus only what the inner daemon needs, without
// capability conditions (a few calls are allowed only with some arguments).

export type SeccompAction = "SCMP_ACT_ALLOW" | "SCMP_ACT_ERRNO";
export type SeccompOperator =
  | "SCMP_CMP_EQ" | "SCMP_CMP_NE" | "SCMP_CMP_LT" | "SCMP_CMP_LE"
  | "SCMP_CMP_GT" | "SCMP_CMP_GE" | "SCMP_CMP_MASKED_EQ";

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  /**
   * Conditions on the call's arguments. runc ANDs comparisons on different arguments,
   * but when one argument is compared more than once it makes each comparison a rule
   * of its own: they are alternatives (OR). The rules below use only that second form.
   */
  args?: SeccompArg[];
  errnoRet?: number;
  comment?: string;
}

/** The moby seccomp JSON format, as Docker Engine 20.10 reads it (no includes/excludes used). */
export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet: number;
  archMap: { architecture: string; subArchitectures: string[] }[];
  syscalls: SeccompRule[];
}

const EPERM = 1;
const ENOSYS = 38; // the same number on x86 and arm (not on mips, which boxes never run on)

// ---- What Docker's default profile allows every container ----------------------------
// Regrouped by purpose. Docker also allows clock_adjtime; we refuse it (see BOX_SECCOMP_REFUSED).
// Docker no longer allows io_uring_* (its requests bypass seccomp); neither do we.

/** Reading, writing and syncing open files. */
const FILE_IO = [
  "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev",
  "pwritev2", "lseek", "_llseek", "sendfile", "sendfile64", "splice", "tee", "vmsplice",
  "copy_file_range", "readahead", "fadvise64", "fadvise64_64", "fallocate", "truncate",
  "truncate64", "ftruncate", "ftruncate64", "flock", "fsync", "fdatasync", "sync", "syncfs",
  "sync_file_range", "cachestat",
];

/** Opening, closing and duplicating descriptors (files, pipes, in-memory files, eventfds). */
const DESCRIPTORS = [
  "open", "openat", "openat2", "creat", "close", "close_range", "dup", "dup2", "dup3",
  "fcntl", "fcntl64", "pipe", "pipe2", "memfd_create", "memfd_secret", "eventfd",
  "eventfd2",
];

/** Walking and changing the file tree: names, links, modes, owners, times, mount info. */
const FILE_TREE = [
  "access", "faccessat", "faccessat2", "stat", "stat64", "lstat", "lstat64", "fstat",
  "fstat64", "fstatat64", "newfstatat", "statx", "statfs", "statfs64", "fstatfs", "fstatfs64",
  "chdir", "fchdir", "getcwd", "getdents", "getdents64", "mkdir", "mkdirat", "rmdir", "mknod",
  "mknodat", "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat", "rename",
  "renameat", "renameat2", "readlink", "readlinkat", "chmod", "fchmod", "fchmodat",
  "fchmodat2", "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
  "umask", "utime", "utimes", "utimensat", "utimensat_time64", "futimesat",
  "name_to_handle_at", "statmount", "listmount",
];

/** Extended attributes (overlayfs and file capabilities live there). */
const XATTRS = [
  "getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr", "fsetxattr",
  "setxattrat", "listxattr", "llistxattr", "flistxattr", "listxattrat", "removexattr",
  "lremovexattr", "fremovexattr", "removexattrat",
];

/** Waiting for many descriptors at once, and watching files change. */
const EVENTS = [
  "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64",
  "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait",
  "epoll_wait_old", "epoll_pwait", "epoll_pwait2", "inotify_init", "inotify_init1",
  "inotify_add_watch", "inotify_rm_watch", "fanotify_mark",
];

/** Linux native asynchronous I/O (the older io_* interface, which seccomp can still see). */
const ASYNC_IO = [
  "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
  "io_pgetevents_time64",
];

/** Mapping, protecting and locking memory. */
const MEMORY = [
  "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync",
  "mlock", "mlock2", "mlockall", "munlock", "munlockall", "remap_file_pages", "membarrier",
  "pkey_alloc", "pkey_free", "pkey_mprotect", "map_shadow_stack", "mseal",
];

/** Creating, running, waiting for and limiting processes and threads. */
const PROCESSES = [
  "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid",
  "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
  "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "futex", "futex_time64",
  "futex_waitv", "futex_wait", "futex_wake", "futex_requeue", "prctl", "seccomp", "capget",
  "capset", "getrlimit", "setrlimit", "ugetrlimit", "prlimit64", "getrusage", "times",
  "pidfd_open", "pidfd_send_signal", "process_mrelease", "getcpu", "restart_syscall",
  "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "uretprobe",
];

/** CPU scheduling and I/O priority. */
const SCHEDULING = [
  "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr",
  "sched_getparam", "sched_setparam", "sched_getscheduler", "sched_setscheduler",
  "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
  "sched_rr_get_interval_time64", "getpriority", "setpriority", "ioprio_get", "ioprio_set",
];

/** Sending, blocking and handling signals. */
const SIGNALS = [
  "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
  "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
  "rt_sigtimedwait_time64", "sigaltstack", "sigprocmask", "sigreturn", "signalfd",
  "signalfd4", "pause", "alarm",
];

/** Reading and changing user and group ids (within the box's user namespace). */
const IDENTITY = [
  "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32",
  "getresuid", "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32",
  "setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid",
  "setregid32", "setresuid", "setresuid32", "setresgid", "setresgid32", "setfsuid",
  "setfsuid32", "setfsgid", "setfsgid32", "setgroups", "setgroups32",
];

/** Reading clocks, sleeping and timers (adjtimex only reads: setting the clock needs CAP_SYS_TIME). */
const TIME = [
  "time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres",
  "clock_getres_time64", "clock_nanosleep", "clock_nanosleep_time64", "nanosleep", "adjtimex",
  "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
  "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
  "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
];

/** Using sockets once made (socket() itself has its own rule below). */
const NETWORK = [
  "accept", "accept4", "bind", "connect", "listen", "getsockname", "getpeername",
  "getsockopt", "setsockopt", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom",
  // Not socketcall: the old 32-bit x86 multiplexer hides its arguments from seccomp, so
  // it would get round the address-family rule below (current i386 libcs call socket()).
  "recvmsg", "recvmmsg", "recvmmsg_time64", "shutdown", "socketpair",
];

/** System V and POSIX message queues, semaphores and shared memory. */
const IPC = [
  "ipc", "msgget", "msgctl", "msgsnd", "msgrcv", "semget", "semctl", "semop", "semtimedop",
  "semtimedop_time64", "shmget", "shmctl", "shmat", "shmdt", "mq_open", "mq_unlink",
  "mq_notify", "mq_getsetattr", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive",
  "mq_timedreceive_time64",
];

/** The machine's name and state, and randomness. */
const SYSTEM_INFO = ["uname", "sysinfo", "getrandom"];

/** Tracing one's own processes: Docker allows these from kernel 4.8 (before, ptrace could skip seccomp). */
const TRACING = ["ptrace", "process_vm_readv", "process_vm_writev"];

/** Per-architecture calls Docker allows on x86 and arm only (a name the CPU lacks is skipped). */
const ARCH_SPECIFIC = [
  "arch_prctl", "modify_ldt", "get_thread_area", "set_thread_area", // x86
  "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls", // arm
];

// ---- What only the box needs ----------------------------------------------------------

/**
 * Calls Docker allows only to containers with a capability the box keeps (mostly
 * CAP_SYS_ADMIN), or never (pivot_root, keyctl), that the box's dockerd, containerd,
 * runc and BuildKit use. Allowed here whatever the box's capabilities are.
 */
export const INNER_DAEMON_SYSCALLS: readonly string[] = [
  // Mounting image layers (overlayfs), /proc, /sys, cgroups and volumes for inner containers.
  "mount", "umount", "umount2",
  // The new mount API: runc 1.2+ and util-linux 2.39+ mount through it; mount_setattr makes
  // read-only-recursive and id-mapped mounts.
  "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
  // runc moves an inner container onto its root filesystem.
  "pivot_root",
  // BuildKit, dpkg and runc (without pivot_root) change root.
  "chroot",
  // Creating and entering namespaces: runc for each container, dockerd for network sandboxes.
  "unshare", "setns",
  // Any clone flags: runc creates a container's namespaces with clone (clone3 answers ENOSYS).
  "clone",
  // runc gives an inner container its own hostname (and NIS domain).
  "sethostname", "setdomainname",
  // Inner Docker grants these to containers run with SYS_PTRACE (debugging lessons); they
  // pass the same ptrace access check as ptrace, so they cannot leave the box's PID namespace.
  "kcmp", "pidfd_getfd", "process_madvise",
  // NUMA memory policy: inner Docker grants it to containers with CAP_SYS_NICE, which the box keeps.
  "mbind", "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node",
  // Inner Docker grants it to containers with CAP_SYS_ADMIN (file-access monitors).
  "fanotify_init",
];

// ---- Calls allowed only with some arguments -------------------------------------------

/** personality(): Linux, 32-bit Linux, with or without UNAME26, or a query (0xffffffff). */
const PERSONALITIES = [0x0, 0x0008, 0x20000, 0x20008, 0xffffffff];

/**
 * socket(): the address families Docker allows. Refused: AF_ALG (38: the kernel's crypto
 * API, an attack surface no container needs), AF_VSOCK (40: talks to the host and VMs),
 * and any family newer than AF_MCTP (45), until someone looks at it.
 */
const AF_ALG = 38;
const SOCKET_FAMILY_RULES: SeccompArg[] = [
  { index: 0, value: AF_ALG, op: "SCMP_CMP_LT" }, // AF_UNIX, AF_INET, AF_NETLINK, AF_PACKET, AF_INET6…
  ...[39, 41, 42, 43, 44, 45].map((family): SeccompArg => ({ index: 0, value: family, op: "SCMP_CMP_EQ" })),
];

/**
 * ioctl(): every request but btrfs's (type byte 0x94). A box's disk is a btrfs subvolume
 * with a quota; a subvolume or snapshot made inside it (BTRFS_IOC_SUBVOL_CREATE needs no
 * privilege) would sit outside that quota. Seccomp has no "masked not-equal", so the rule
 * says it bit by bit: the request's type byte differs from 0x94 in at least one bit.
 * (cp --reflink=auto, which uses FICLONE of the same type, falls back to a plain copy.)
 */
export const BTRFS_IOCTL_TYPE = 0x94;
const IOCTL_NOT_BTRFS: SeccompArg[] = [...Array(8).keys()].map((bit) => {
  const mask = 1 << (8 + bit);
  const btrfsHasBit = (BTRFS_IOCTL_TYPE >> bit) & 1;
  return { index: 1, value: mask, valueTwo: btrfsHasBit ? 0 : mask, op: "SCMP_CMP_MASKED_EQ" };
});

/** The unconditional groups, each becoming one ALLOW rule of the profile. */
const ALLOW_GROUPS: Record<string, readonly string[]> = {
  "file I/O": FILE_IO,
  descriptors: DESCRIPTORS,
  "file tree": FILE_TREE,
  "extended attributes": XATTRS,
  events: EVENTS,
  "asynchronous I/O": ASYNC_IO,
  memory: MEMORY,
  processes: PROCESSES,
  scheduling: SCHEDULING,
  signals: SIGNALS,
  identity: IDENTITY,
  time: TIME,
  network: NETWORK,
  IPC: IPC,
  "system info": SYSTEM_INFO,
  tracing: TRACING,
  "architecture-specific": ARCH_SPECIFIC,
  "the inner Docker daemon": INNER_DAEMON_SYSCALLS,
};

/** The kernel keyring calls, answered ENOSYS. */
export const KEYRING_CALLS = ["keyctl", "add_key", "request_key"] as const;

/** Every name the profile allows (personality, socket and ioctl only with some arguments). */
export const BOX_SECCOMP_ALLOWED: readonly string[] = [
  ...Object.values(ALLOW_GROUPS).flat(),
  "personality",
  "socket",
  "ioctl",
].sort();

/** Never allowed: ways into the kernel or the host that neither the box nor its daemon needs. */
export const BOX_SECCOMP_REFUSED: readonly string[] = [
  // Loading kernels and modules.
  "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
  "create_module", "query_module", "get_kernel_syms",
  // Opening any file by handle: the classic way out of a container ("shocker").
  "open_by_handle_at",
  // eBPF, perf and userfaultfd: large kernel attack surfaces, behind the box's user namespace or not.
  "bpf", "perf_event_open", "userfaultfd",
  // Raw hardware access.
  "iopl", "ioperm", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
  // Host-wide state: power, swap, accounting, the clock, the kernel log, quotas.
  "reboot", "swapon", "swapoff", "acct", "settimeofday", "stime", "clock_settime",
  "clock_settime64", "clock_adjtime", "clock_adjtime64", "syslog", "lookup_dcookie",
  "quotactl", "quotactl_fd",
  // Obsolete calls nothing current uses.
  "uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old", "nfsservctl",
];

/** A fresh profile: the caller may change it without touching the next box's. */
export function boxSeccompProfile(): SeccompProfile {
  return {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: EPERM,
    archMap: [
      { architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
      { architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"] },
    ],
    syscalls: [
      ...Object.entries(ALLOW_GROUPS).map(([group, names]): SeccompRule => ({
        names: [...names],
        action: "SCMP_ACT_ALLOW",
        comment: group,
      })),
      {
        names: ["personality"],
        action: "SCMP_ACT_ALLOW",
        args: PERSONALITIES.map((value): SeccompArg => ({ index: 0, value, op: "SCMP_CMP_EQ" })),
        comment: "personality: any one of these values",
      },
      {
        names: ["socket"],
        action: "SCMP_ACT_ALLOW",
        args: SOCKET_FAMILY_RULES.map((arg) => ({ ...arg })),
        comment: "socket: any one of these address families",
      },
      {
        names: ["ioctl"],
        action: "SCMP_ACT_ALLOW",
        args: IOCTL_NOT_BTRFS.map((arg) => ({ ...arg })),
        comment: "ioctl: any request whose type is not btrfs's",
      },
      {
        // glibc 2.34+ tries clone3 first and falls back to clone only on ENOSYS (EPERM
        // would fail every new thread); clone3's flags sit in memory seccomp cannot read.
        names: ["clone3"],
        action: "SCMP_ACT_ERRNO",
        errnoRet: ENOSYS,
        comment: "clone3: not implemented, so callers use clone",
      },
      {
        // Every box's root is the same host user, and the kernel's key quota is per host
        // user (kernel.keys.maxkeys): keys made in one box would use up every box's. runc
        // skips its session keyring when the calls answer ENOSYS (and only then).
        names: [...KEYRING_CALLS],
        action: "SCMP_ACT_ERRNO",
        errnoRet: ENOSYS,
        comment: "keyrings: not implemented, so runc goes without a session keyring",
      },
    ],
  };
}

/** The HostConfig.SecurityOpt entry: the Engine API takes the profile's JSON, not a path. */
export function boxSeccompOpt(): string {
  return "seccomp=" + JSON.stringify(boxSeccompProfile());
}
