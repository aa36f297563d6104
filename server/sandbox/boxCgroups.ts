// Hands a box its own cgroup, and nothing above it, so the inner Docker daemon can make
// cgroups for the learner's containers (and `docker run -m` really limits them) while the
// box's own limits stay out of its reach.
//
// The box's root is an unprivileged host user (the engine's --userns-remap range), so the
// host gives that user the box's cgroup directory and the files that move processes
// between cgroups — never the limit files (memory.limit_in_bytes, pids.max, …) and never
// a parent directory. Children the box makes are its own; the kernel keeps them inside
// the parent's limits.
import fs from "node:fs";
import path from "node:path";

export interface CgroupLine {
  /** Controllers of a v1 hierarchy ("cpu", "name=systemd"); "" for the v2 hierarchy. */
  controllers: string;
  path: string;
}

/** Parses /proc/<pid>/cgroup. */
export function parseProcCgroup(text: string): CgroupLine[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [, controllers, ...rest] = line.split(":");
      return { controllers, path: rest.join(":") };
    });
}

interface CgroupMount {
  fstype: "cgroup" | "cgroup2";
  mountPoint: string;
  /** For v1: the controllers (or name=) in its super options. */
  options: string[];
  /** The cgroup path this mount shows as its root (a cgroup namespace shows "/"). */
  root: string;
}

/** Cgroup mounts from /proc/self/mountinfo. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!right) continue;
    const [fstype, , superOptions = ""] = right.split(" ");
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    const fields = left.split(" ");
    mounts.push({ fstype, root: unescape(fields[3]), mountPoint: unescape(fields[4]), options: superOptions.split(",") });
  }
  return mounts;
}

const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Host directories of a process's cgroups, one per hierarchy this host has mounted. */
export function cgroupDirs(lines: CgroupLine[], mounts: CgroupMount[]): { dir: string; v2: boolean }[] {
  const dirs: { dir: string; v2: boolean }[] = [];
  for (const { controllers, path: cgPath } of lines) {
    const v2 = controllers === "";
    const wanted = controllers.split(",");
    const mount = mounts.find((m) =>
      v2 ? m.fstype === "cgroup2" : m.fstype === "cgroup" && wanted.every((c) => m.options.includes(c)),
    );
    if (!mount) continue;
    // A mount that shows a sub-tree (root other than "/") holds paths relative to it.
    const rel = mount.root === "/" ? cgPath : path.posix.relative(mount.root, cgPath);
    if (rel.startsWith("..")) continue;
    dirs.push({ dir: path.join(mount.mountPoint, rel), v2 });
  }
  return dirs;
}

/**
 * cgroup v2 only: how many cgroups a box may make below its own, and how deep. Host-owned
 * files, so the box cannot raise them; an inner daemon needs a few per container.
 * (v1 has no such limit: there, a box could make many empty cgroups — a known limit.)
 */
export const V2_DESCENDANT_LIMITS = { "cgroup.max.descendants": "1000", "cgroup.max.depth": "16" } as const;

/** What the box's root gets in its own cgroup directory: never a limit file. */
export const DELEGATED_FILES = {
  v1: ["cgroup.procs", "tasks"],
  v2: ["cgroup.procs", "cgroup.threads", "cgroup.subtree_control"],
} as const;

export interface Delegation {
  dirs: string[];
}

/**
 * Gives uid:gid the box's cgroup directories (of process `pid`) and their delegation
 * files. On v2 the box then enables its controllers for its children itself (box-init),
 * after moving its own processes to a leaf, as v2 requires.
 */
export function delegateCgroups(pid: number, uid: number, gid: number, procRoot = "/proc"): Delegation {
  const lines = parseProcCgroup(fs.readFileSync(path.join(procRoot, String(pid), "cgroup"), "utf8"));
  const mounts = parseCgroupMounts(fs.readFileSync(path.join(procRoot, "self", "mountinfo"), "utf8"));
  const dirs = cgroupDirs(lines, mounts);
  for (const { dir, v2 } of dirs) {
    if (!fs.existsSync(dir)) continue;
    if (v2) {
      for (const [file, value] of Object.entries(V2_DESCENDANT_LIMITS)) {
        if (fs.existsSync(path.join(dir, file))) fs.writeFileSync(path.join(dir, file), value);
      }
    }
    fs.chownSync(dir, uid, gid);
    for (const f of v2 ? DELEGATED_FILES.v2 : DELEGATED_FILES.v1) {
      const file = path.join(dir, f);
      if (fs.existsSync(file)) fs.chownSync(file, uid, gid);
    }
  }
  return { dirs: dirs.map((d) => d.dir) };
}

/** The host uid and gid that are root inside a process's user namespace. */
export function hostRootOf(pid: number, procRoot = "/proc"): { uid: number; gid: number } {
  const first = (file: string) => {
    const text = fs.readFileSync(path.join(procRoot, String(pid), file), "utf8");
    const row = text
      .split("\n")
      .map((l) => l.trim().split(/\s+/).map(Number))
      .find((r) => r.length === 3 && r[0] === 0);
    if (!row) throw new Error(`process ${pid} has no root in its ${file}`);
    return row[1];
  };
  return { uid: first("uid_map"), gid: first("gid_map") };
}
