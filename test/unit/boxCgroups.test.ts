// Tests parsing /proc cgroup and mountinfo text, mapping cgroups to host dirs, delegation ownership and hostRootOf.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cgroupDirs,
  delegateCgroups,
  hostRootOf,
  parseCgroupMounts,
  parseProcCgroup,
} from "../../server/sandbox/boxCgroups.ts";

const HYBRID_PROC_CGROUP = [
  "12:pids:/shiplab-ab/123",
  "9:name=systemd:/shiplab-ab/123",
  "4:memory:/process_api/x/shiplab-ab/123",
  "2:cpu,cpuacct:/shiplab-ab/123",
  "0::/shiplab-ab/123",
  "",
].join("\n");

const PURE_V2_PROC_CGROUP = "0::/system.slice/docker-123.scope\n";

/** A hybrid host's mountinfo: v1 hierarchies plus the v2 one at /sys/fs/cgroup/unified. */
const HYBRID_MOUNTINFO = [
  "26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
  "25 23 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
  "35 25 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate",
  "36 25 0:31 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd",
  "40 25 0:35 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct",
  "41 25 0:36 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:7 master:1 - cgroup cgroup rw,memory",
  "42 25 0:37 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids",
  "",
].join("\n");

const PURE_V2_MOUNTINFO = [
  "26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
  "28 26 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 none rw,nsdelegate,memory_recursiveprot",
  "",
].join("\n");

describe("parseProcCgroup", () => {
  it("parses a cgroup v1 hybrid /proc/<pid>/cgroup", () => {
    expect(parseProcCgroup(HYBRID_PROC_CGROUP)).toEqual([
      { controllers: "pids", path: "/shiplab-ab/123" },
      { controllers: "name=systemd", path: "/shiplab-ab/123" },
      { controllers: "memory", path: "/process_api/x/shiplab-ab/123" },
      { controllers: "cpu,cpuacct", path: "/shiplab-ab/123" },
      { controllers: "", path: "/shiplab-ab/123" },
    ]);
  });

  it("parses a pure v2 /proc/<pid>/cgroup", () => {
    expect(parseProcCgroup(PURE_V2_PROC_CGROUP)).toEqual([{ controllers: "", path: "/system.slice/docker-123.scope" }]);
  });

  it("keeps colons inside the path", () => {
    expect(parseProcCgroup("0::/a:b/c\n")).toEqual([{ controllers: "", path: "/a:b/c" }]);
  });
});

describe("parseCgroupMounts", () => {
  it("keeps only cgroup and cgroup2 mounts, with their super options", () => {
    expect(parseCgroupMounts(HYBRID_MOUNTINFO)).toEqual([
      { fstype: "cgroup2", root: "/", mountPoint: "/sys/fs/cgroup/unified", options: ["rw", "nsdelegate"] },
      { fstype: "cgroup", root: "/", mountPoint: "/sys/fs/cgroup/systemd", options: ["rw", "xattr", "name=systemd"] },
      { fstype: "cgroup", root: "/", mountPoint: "/sys/fs/cgroup/cpu,cpuacct", options: ["rw", "cpu", "cpuacct"] },
      { fstype: "cgroup", root: "/", mountPoint: "/sys/fs/cgroup/memory", options: ["rw", "memory"] },
      { fstype: "cgroup", root: "/", mountPoint: "/sys/fs/cgroup/pids", options: ["rw", "pids"] },
    ]);
  });

  it("reads the fields right when optional fields come before the separator", () => {
    const [m] = parseCgroupMounts(
      "41 25 0:36 /a /mnt/memory rw,nosuid,relatime shared:7 master:1 propagate_from:2 - cgroup cgroup rw,memory\n",
    );
    expect(m).toEqual({ fstype: "cgroup", root: "/a", mountPoint: "/mnt/memory", options: ["rw", "memory"] });
  });

  it("unescapes octal escapes in the root and mount point", () => {
    const [m] = parseCgroupMounts(
      "50 25 0:40 /box\\040one /mnt/my\\040cgroups\\011tab rw,relatime - cgroup2 cgroup2 rw\n",
    );
    expect(m.root).toBe("/box one");
    expect(m.mountPoint).toBe("/mnt/my cgroups\ttab");
  });

  it("finds nothing when there are no cgroup mounts", () => {
    const text = [
      "26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
      "27 26 0:22 / /dev/shm rw,nosuid,nodev shared:2 - tmpfs tmpfs rw",
    ].join("\n");
    expect(parseCgroupMounts(text)).toEqual([]);
  });
});

describe("cgroupDirs", () => {
  it("maps each hybrid line to <mountpoint>/<path>", () => {
    const dirs = cgroupDirs(parseProcCgroup(HYBRID_PROC_CGROUP), parseCgroupMounts(HYBRID_MOUNTINFO));
    expect(dirs).toEqual([
      { dir: "/sys/fs/cgroup/pids/shiplab-ab/123", v2: false },
      { dir: "/sys/fs/cgroup/systemd/shiplab-ab/123", v2: false },
      { dir: "/sys/fs/cgroup/memory/process_api/x/shiplab-ab/123", v2: false },
      { dir: "/sys/fs/cgroup/cpu,cpuacct/shiplab-ab/123", v2: false },
      { dir: "/sys/fs/cgroup/unified/shiplab-ab/123", v2: true },
    ]);
  });

  it("matches co-mounted cpu,cpuacct to the mount holding both controllers", () => {
    const mounts = parseCgroupMounts(
      [
        "39 25 0:34 / /cg/cpuset rw - cgroup cgroup rw,cpuset",
        "40 25 0:35 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct",
      ].join("\n"),
    );
    expect(cgroupDirs([{ controllers: "cpu,cpuacct", path: "/b" }], mounts)).toEqual([{ dir: "/cg/cpu,cpuacct/b", v2: false }]);
  });

  it("needs every controller of a line in the one mount", () => {
    const mounts = parseCgroupMounts("40 25 0:35 / /cg/cpu rw - cgroup cgroup rw,cpu\n");
    expect(cgroupDirs([{ controllers: "cpu,cpuacct", path: "/b" }], mounts)).toEqual([]);
  });

  it("matches name=systemd to the named hierarchy", () => {
    const mounts = parseCgroupMounts(HYBRID_MOUNTINFO);
    expect(cgroupDirs([{ controllers: "name=systemd", path: "/user.slice/s" }], mounts)).toEqual([
      { dir: "/sys/fs/cgroup/systemd/user.slice/s", v2: false },
    ]);
  });

  it("maps the v2 line on a pure v2 host", () => {
    const dirs = cgroupDirs(parseProcCgroup(PURE_V2_PROC_CGROUP), parseCgroupMounts(PURE_V2_MOUNTINFO));
    expect(dirs).toEqual([{ dir: "/sys/fs/cgroup/system.slice/docker-123.scope", v2: true }]);
  });

  it("makes paths relative to a mount whose root is not /", () => {
    const mounts = parseCgroupMounts("60 25 0:40 /a /cg rw - cgroup2 cgroup2 rw\n");
    expect(cgroupDirs([{ controllers: "", path: "/a/b" }], mounts)).toEqual([{ dir: "/cg/b", v2: true }]);
    expect(cgroupDirs([{ controllers: "", path: "/a" }], mounts)).toEqual([{ dir: "/cg", v2: true }]);
  });

  it("skips a path outside the mount's root", () => {
    const mounts = parseCgroupMounts("60 25 0:40 /a /cg rw - cgroup2 cgroup2 rw\n");
    expect(cgroupDirs([{ controllers: "", path: "/c/d" }], mounts)).toEqual([]);
    expect(cgroupDirs([{ controllers: "", path: "/ab" }], mounts)).toEqual([]);
  });

  it("skips a hierarchy with no mount", () => {
    const mounts = parseCgroupMounts("41 25 0:36 / /cg/memory rw - cgroup cgroup rw,memory\n");
    const lines = parseProcCgroup(["7:blkio:/x", "5:cpu,cpuacct:/x", "4:memory:/x", "0::/x"].join("\n"));
    expect(cgroupDirs(lines, mounts)).toEqual([{ dir: "/cg/memory/x", v2: false }]);
  });
});

// Ownership changes need root; the uid/gid below differ from the files' first owner.
const IS_ROOT = process.getuid?.() === 0;
const NEW_UID = 12345;
const NEW_GID = 23456;

describe.skipIf(!IS_ROOT)("delegateCgroups", () => {
  let tmp: string;
  const PID = 4242;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "boxcgroups-"));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Writes the fake /proc: <procRoot>/<pid>/cgroup and <procRoot>/self/mountinfo. */
  function fakeProc(procCgroup: string, mountinfo: string): string {
    const procRoot = path.join(tmp, "proc");
    fs.mkdirSync(path.join(procRoot, String(PID)), { recursive: true });
    fs.mkdirSync(path.join(procRoot, "self"), { recursive: true });
    fs.writeFileSync(path.join(procRoot, String(PID), "cgroup"), procCgroup);
    fs.writeFileSync(path.join(procRoot, "self", "mountinfo"), mountinfo);
    return procRoot;
  }

  /** Makes a cgroup directory with the given (empty) control files, owned by the current user. */
  function cgroupDir(dir: string, files: string[]): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(dir, f), "");
  }

  /** Every path under `root` (itself included) owned by NEW_UID:NEW_GID, relative to `root`. */
  function delegatedUnder(root: string): string[] {
    const out: string[] = [];
    const walk = (p: string) => {
      const st = fs.statSync(p);
      if (st.uid === NEW_UID) {
        expect(st.gid).toBe(NEW_GID);
        out.push(path.relative(root, p) || ".");
      } else {
        expect(st.uid).toBe(process.getuid!());
      }
      if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    };
    walk(root);
    return out.sort();
  }

  const V1_FILES = ["cgroup.procs", "tasks", "cgroup.clone_children", "notify_on_release"];
  const V2_FILES = ["cgroup.procs", "cgroup.threads", "cgroup.subtree_control", "cgroup.controllers", "cgroup.type"];

  it("gives a hybrid box its own directories and delegation files only", () => {
    const cg = path.join(tmp, "sys fs cgroup"); // a space, escaped as \040 in mountinfo
    const esc = cg.replaceAll(" ", "\\040");
    const mountinfo = [
      "26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
      `25 23 0:24 / ${esc} ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755`,
      `35 25 0:30 / ${esc}/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate`,
      `36 25 0:31 / ${esc}/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd`,
      `40 25 0:35 / ${esc}/cpu,cpuacct rw,nosuid shared:15 - cgroup cgroup rw,cpu,cpuacct`,
      `41 25 0:36 / ${esc}/memory rw,nosuid shared:7 master:1 - cgroup cgroup rw,memory`,
      `42 25 0:37 / ${esc}/pids rw,nosuid - cgroup cgroup rw,pids`,
    ].join("\n");
    const procRoot = fakeProc(HYBRID_PROC_CGROUP, mountinfo);

    for (const h of ["systemd", "cpu,cpuacct", "pids"]) {
      cgroupDir(path.join(cg, h, "shiplab-ab"), V1_FILES);
    }
    cgroupDir(path.join(cg, "memory", "process_api", "x", "shiplab-ab"), [...V1_FILES, "memory.limit_in_bytes"]);
    cgroupDir(path.join(cg, "unified", "shiplab-ab"), [...V2_FILES, "memory.max", "pids.max"]);
    cgroupDir(path.join(cg, "systemd", "shiplab-ab", "123"), V1_FILES);
    cgroupDir(path.join(cg, "cpu,cpuacct", "shiplab-ab", "123"), [...V1_FILES, "cpu.shares", "cpu.cfs_quota_us"]);
    cgroupDir(path.join(cg, "memory", "process_api", "x", "shiplab-ab", "123"), [
      ...V1_FILES,
      "memory.limit_in_bytes",
      "memory.memsw.limit_in_bytes",
    ]);
    cgroupDir(path.join(cg, "unified", "shiplab-ab", "123"), [...V2_FILES, "memory.max", "pids.max", "cpu.max"]);
    // pids/shiplab-ab/123 is missing: the box's pids cgroup went away or was never made.

    const result = delegateCgroups(PID, NEW_UID, NEW_GID, procRoot);

    expect(result.dirs).toEqual([
      path.join(cg, "pids/shiplab-ab/123"),
      path.join(cg, "systemd/shiplab-ab/123"),
      path.join(cg, "memory/process_api/x/shiplab-ab/123"),
      path.join(cg, "cpu,cpuacct/shiplab-ab/123"),
      path.join(cg, "unified/shiplab-ab/123"),
    ]);
    const v1Box = [".", "cgroup.procs", "tasks"];
    const v2Box = [".", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"];
    expect(delegatedUnder(path.join(cg, "systemd/shiplab-ab"))).toEqual(v1Box.map((p) => path.join("123", p)).sort());
    expect(delegatedUnder(path.join(cg, "cpu,cpuacct/shiplab-ab"))).toEqual(v1Box.map((p) => path.join("123", p)).sort());
    expect(delegatedUnder(path.join(cg, "memory/process_api/x/shiplab-ab"))).toEqual(
      v1Box.map((p) => path.join("123", p)).sort(),
    );
    expect(delegatedUnder(path.join(cg, "unified/shiplab-ab"))).toEqual(v2Box.map((p) => path.join("123", p)).sort());
    // Nothing else in the tree changed owner, and the missing directory was not made.
    expect(delegatedUnder(path.join(cg, "pids"))).toEqual([]);
    expect(fs.existsSync(path.join(cg, "pids/shiplab-ab/123"))).toBe(false);
    expect(fs.statSync(path.join(cg, "memory/process_api/x/shiplab-ab/123/memory.limit_in_bytes")).uid).not.toBe(NEW_UID);
    expect(fs.statSync(path.join(cg, "unified/shiplab-ab/123/memory.max")).uid).not.toBe(NEW_UID);
    expect(fs.statSync(path.join(cg, "unified/shiplab-ab/123/pids.max")).uid).not.toBe(NEW_UID);
    expect(fs.statSync(path.join(cg, "unified/shiplab-ab")).uid).not.toBe(NEW_UID);
  });

  it("gives a box on a pure v2 host its directory and the three v2 delegation files", () => {
    const cg = path.join(tmp, "cgroup");
    const procRoot = fakeProc(
      PURE_V2_PROC_CGROUP,
      [
        "26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
        `28 26 0:26 / ${cg} rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`,
      ].join("\n"),
    );
    cgroupDir(path.join(cg, "system.slice"), [...V2_FILES, "memory.max", "pids.max"]);
    cgroupDir(path.join(cg, "system.slice", "docker-123.scope"), [...V2_FILES, "memory.max", "pids.max", "cpu.max", "io.max", "cgroup.max.descendants", "cgroup.max.depth"]);

    const result = delegateCgroups(PID, NEW_UID, NEW_GID, procRoot);

    const box = path.join(cg, "system.slice/docker-123.scope");
    expect(result.dirs).toEqual([box]);
    // How many cgroups the box may make below its own is capped, in files it does not own.
    expect(fs.readFileSync(path.join(box, "cgroup.max.descendants"), "utf8")).toBe("1000");
    expect(fs.readFileSync(path.join(box, "cgroup.max.depth"), "utf8")).toBe("16");
    expect(fs.statSync(path.join(box, "cgroup.max.descendants")).uid).toBe(process.getuid!());
    expect(delegatedUnder(cg)).toEqual(
      ["", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"].map((f) => path.join("system.slice/docker-123.scope", f)).sort(),
    );
    for (const f of ["memory.max", "pids.max", "cgroup.controllers"]) {
      expect(fs.statSync(path.join(box, f)).uid).toBe(process.getuid!());
    }
    expect(fs.statSync(path.join(cg, "system.slice")).uid).toBe(process.getuid!());
    expect(fs.statSync(path.join(cg, "system.slice", "cgroup.procs")).uid).toBe(process.getuid!());
  });

  it("skips a delegation file the kernel does not offer", () => {
    const cg = path.join(tmp, "cgroup");
    const procRoot = fakeProc("0::/box\n", `28 26 0:26 / ${cg} rw - cgroup2 cgroup2 rw\n`);
    cgroupDir(path.join(cg, "box"), ["cgroup.procs", "memory.max"]);

    expect(() => delegateCgroups(PID, NEW_UID, NEW_GID, procRoot)).not.toThrow();

    expect(delegatedUnder(cg)).toEqual(["box", "box/cgroup.procs"]);
    expect(fs.existsSync(path.join(cg, "box", "cgroup.threads"))).toBe(false);
  });
});

describe("hostRootOf", () => {
  let tmp: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "boxcgroups-root-"));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function maps(pid: number, uidMap: string, gidMap: string): void {
    fs.mkdirSync(path.join(tmp, String(pid)));
    fs.writeFileSync(path.join(tmp, String(pid), "uid_map"), uidMap);
    fs.writeFileSync(path.join(tmp, String(pid), "gid_map"), gidMap);
  }

  it("reads the host ids of root from the kernel's padded maps", () => {
    maps(77, "         0     100000      65536\n", "         0     200000      65536\n");
    expect(hostRootOf(77, tmp)).toEqual({ uid: 100000, gid: 200000 });
  });

  it("finds the row that maps 0 among several", () => {
    maps(78, "      1000     101000          1\n         0     100000       1000\n", "         0     100000      65536\n");
    expect(hostRootOf(78, tmp)).toEqual({ uid: 100000, gid: 100000 });
  });

  it("throws when no row maps 0", () => {
    maps(79, "         1     100001      65535\n", "         0     100000      65536\n");
    expect(() => hostRootOf(79, tmp)).toThrow(/process 79 has no root in its uid_map/);
  });

  it("throws when the gid map has no root either", () => {
    maps(80, "         0     100000      65536\n", "");
    expect(() => hostRootOf(80, tmp)).toThrow(/gid_map/);
  });
});
