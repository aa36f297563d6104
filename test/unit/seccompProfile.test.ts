import { describe, expect, it } from "vitest";
import {
  BOX_SECCOMP_ALLOWED,
  BOX_SECCOMP_REFUSED,
  INNER_DAEMON_SYSCALLS,
  boxSeccompOpt,
  boxSeccompProfile,
  type SeccompProfile,
} from "../../server/sandbox/seccompProfile.ts";

const EPERM = 1;
const ENOSYS = 38;

/**
 * What the filter answers for one call, as runc builds it: the call's rule matches if it
 * has no conditions; comparisons on different arguments must all hold; comparisons
 * repeated on one argument are alternatives (runc adds each as a rule of its own).
 */
function answer(profile: SeccompProfile, name: string, args: number[] = []): { action: string; errno?: number } {
  const compare = (op: string, arg: number, value: number, valueTwo = 0): boolean => {
    switch (op) {
      case "SCMP_CMP_EQ": return arg === value;
      case "SCMP_CMP_NE": return arg !== value;
      case "SCMP_CMP_LT": return arg < value;
      case "SCMP_CMP_LE": return arg <= value;
      case "SCMP_CMP_GT": return arg > value;
      case "SCMP_CMP_GE": return arg >= value;
      case "SCMP_CMP_MASKED_EQ": return Number(BigInt(arg) & BigInt(value)) === valueTwo;
      default: throw new Error(`unknown operator ${op}`);
    }
  };
  for (const rule of profile.syscalls.filter((r) => r.names.includes(name))) {
    const conds = rule.args ?? [];
    const indexes = conds.map((c) => c.index);
    const repeated = new Set(indexes).size < indexes.length;
    const hits = conds.map((c) => compare(c.op, args[c.index] ?? 0, c.value, c.valueTwo));
    const matches = conds.length === 0 || (repeated ? hits.some(Boolean) : hits.every(Boolean));
    if (matches) return { action: rule.action, errno: rule.errnoRet };
  }
  return { action: profile.defaultAction, errno: profile.defaultErrnoRet };
}

const allowed = (name: string, args?: number[]) => answer(boxSeccompProfile(), name, args).action === "SCMP_ACT_ALLOW";

describe("boxSeccompProfile", () => {
  const profile = boxSeccompProfile();
  const allowRules = profile.syscalls.filter((r) => r.action === "SCMP_ACT_ALLOW");
  const allowNames = allowRules.flatMap((r) => r.names);

  it("refuses anything not listed with EPERM", () => {
    expect(profile.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(profile.defaultErrnoRet).toBe(EPERM);
    expect(answer(profile, "no_such_call")).toEqual({ action: "SCMP_ACT_ERRNO", errno: EPERM });
  });

  it("allows none of the refused calls", () => {
    expect(BOX_SECCOMP_REFUSED.length).toBeGreaterThan(30);
    for (const name of BOX_SECCOMP_REFUSED) {
      expect(allowNames, name).not.toContain(name);
      expect(BOX_SECCOMP_ALLOWED, name).not.toContain(name);
      expect(answer(profile, name), name).toEqual({ action: "SCMP_ACT_ERRNO", errno: EPERM });
    }
  });

  it("allows what the inner daemon and ordinary programs need", () => {
    const needed = [
      "mount", "umount2", "pivot_root", "unshare", "setns",
      "sethostname", "clone", "openat", "read", "write", "execve", "socket",
    ];
    for (const name of needed) expect(allowNames, name).toContain(name);
    for (const name of needed.filter((n) => n !== "socket")) expect(allowed(name), name).toBe(true);
  });

  it("answers the keyring calls ENOSYS (runc then goes without), and refuses socketcall", () => {
    for (const name of ["keyctl", "add_key", "request_key"]) expect(answer(profile, name), name).toEqual({ action: "SCMP_ACT_ERRNO", errno: ENOSYS });
    expect(allowed("socketcall")).toBe(false);
  });

  it("lets clone take any flags, the namespace ones included", () => {
    const CLONE_NEWNS = 0x20000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000;
    expect(allowed("clone", [CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET])).toBe(true);
  });

  it("answers clone3 with ENOSYS, so glibc falls back to clone", () => {
    expect(answer(profile, "clone3")).toEqual({ action: "SCMP_ACT_ERRNO", errno: ENOSYS });
    expect(allowNames).not.toContain("clone3");
  });

  it("keeps Docker's limits on personality", () => {
    for (const value of [0x0, 0x0008, 0x20000, 0x20008, 0xffffffff]) expect(allowed("personality", [value]), String(value)).toBe(true);
    const READ_IMPLIES_EXEC = 0x0400000, ADDR_NO_RANDOMIZE = 0x0040000;
    expect(allowed("personality", [READ_IMPLIES_EXEC])).toBe(false);
    expect(allowed("personality", [ADDR_NO_RANDOMIZE])).toBe(false);
  });

  it("opens sockets of ordinary families but not AF_ALG or AF_VSOCK", () => {
    const AF_UNIX = 1, AF_INET = 2, AF_NETLINK = 16, AF_PACKET = 17, AF_INET6 = 10;
    for (const family of [AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET]) expect(allowed("socket", [family]), String(family)).toBe(true);
    const AF_ALG = 38, AF_VSOCK = 40, AF_MAX = 46;
    for (const family of [AF_ALG, AF_VSOCK, AF_MAX]) expect(allowed("socket", [family]), String(family)).toBe(false);
  });

  it("has no includes or excludes: every rule means the same whatever the box's capabilities", () => {
    for (const rule of profile.syscalls) {
      expect(rule, rule.names.join(",")).not.toHaveProperty("includes");
      expect(rule, rule.names.join(",")).not.toHaveProperty("excludes");
    }
  });

  it("names each allowed call in one rule only", () => {
    const seen = new Set<string>();
    const twice = allowNames.filter((n) => seen.has(n) || !seen.add(n));
    expect(twice).toEqual([]);
  });

  it("lists in BOX_SECCOMP_ALLOWED exactly what its ALLOW rules name", () => {
    expect([...BOX_SECCOMP_ALLOWED]).toEqual([...new Set(allowNames)].sort());
    for (const name of INNER_DAEMON_SYSCALLS) expect(BOX_SECCOMP_ALLOWED, name).toContain(name);
  });

  it("allows terminal and socket ioctls but no btrfs ioctl (a subvolume would escape the disk quota)", () => {
    const TCGETS = 0x5401, TIOCSWINSZ = 0x5414, SIOCGIFFLAGS = 0x8913, FIONREAD = 0x541b, FS_IOC_GETFLAGS = 0x80086601;
    for (const req of [TCGETS, TIOCSWINSZ, SIOCGIFFLAGS, FIONREAD, FS_IOC_GETFLAGS]) {
      expect(allowed("ioctl", [3, req]), req.toString(16)).toBe(true);
    }
    const SUBVOL_CREATE = 0x5000940e, SNAP_CREATE_V2 = 0x50009417, SUBVOL_CREATE_V2 = 0x50009418, FICLONE = 0x40049409;
    for (const req of [SUBVOL_CREATE, SNAP_CREATE_V2, SUBVOL_CREATE_V2, FICLONE]) {
      expect(allowed("ioctl", [3, req]), req.toString(16)).toBe(false);
    }
  });

  it("maps x86_64 and aarch64 with their 32-bit siblings", () => {
    expect(profile.archMap).toContainEqual({ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] });
    expect(profile.archMap).toContainEqual({ architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"] });
  });

  it("gives a new object each call", () => {
    const a = boxSeccompProfile();
    a.syscalls[0].names.push("kexec_load");
    a.syscalls.push({ names: ["bpf"], action: "SCMP_ACT_ALLOW" });
    expect(boxSeccompProfile()).toEqual(profile);
    expect(allowed("kexec_load")).toBe(false);
  });
});

describe("boxSeccompOpt", () => {
  it("is the profile's JSON behind seccomp=, and reads back as the same profile", () => {
    const opt = boxSeccompOpt();
    expect(opt.startsWith("seccomp={")).toBe(true);
    expect(JSON.parse(opt.slice("seccomp=".length))).toEqual(boxSeccompProfile());
  });
});
