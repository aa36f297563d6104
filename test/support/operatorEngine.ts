// A plain Docker Engine of a test's own, standing for the operator's engine that
// `docker-compose` drives. Its socket, data, exec root, pid file and containerd namespace
// are its own, and it touches no firewall and makes no bridge (what runs on it uses the
// host's network), so it cannot reach any other engine or container on this host. It is
// stopped by its pid only, and the mounts it leaves are unmounted.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { run } from "../../server/host/run.ts";
import { isRunning } from "../../server/host/processes.ts";

export interface OperatorEnginePaths {
  /** Its --data-root (images, containers). */
  dataRoot: string;
  /** Socket, exec root, pid file and log: kept short (unix socket paths are ≤ 107 bytes). */
  runDir: string;
  /** Its containerd namespace. */
  name: string;
}

export interface OperatorEngine {
  /** `unix://…`, for DOCKER_HOST. */
  host: string;
  pid: number;
  /** Stops it and unmounts what it left; idempotent. */
  dispose(): Promise<void>;
}

const files = (p: OperatorEnginePaths) => ({
  socket: path.join(p.runDir, "docker.sock"),
  pidfile: path.join(p.runDir, "dockerd.pid"),
  log: path.join(p.runDir, "dockerd.log"),
});

/** The pid of a dockerd on this engine's socket (one an earlier, crashed run left), if any. */
function leftPid(p: OperatorEnginePaths): number | undefined {
  const { pidfile, socket } = files(p);
  try {
    const pid = Number(fs.readFileSync(pidfile, "utf8").trim());
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmdline[0]?.endsWith("dockerd") && cmdline.includes(`unix://${socket}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after `graceMs` (long enough for containers' own stop timeouts). */
async function stopPid(pid: number, graceMs = 150_000): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Mount points at or below `dir`, deepest first. */
export function mountsBelow(dir: string): string[] {
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .reverse();
}

/** Unmounts everything at or below `dir` (an engine's data-root and netns binds). */
export async function unmountBelow(dir: string): Promise<void> {
  for (const m of mountsBelow(dir)) await run("umount", ["-l", m]).catch(() => undefined);
}

/** The engine's cgroup parent in every hierarchy, once empty (rmdir refuses one in use). */
function removeCgroupParent(name: string): void {
  // cgroup v1: one folder per hierarchy; v2: one folder at the root.
  const dirs = [path.join("/sys/fs/cgroup", name), ...fs.readdirSync("/sys/fs/cgroup").map((h) => path.join("/sys/fs/cgroup", h, name))];
  for (const dir of dirs) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // not there (or not a hierarchy)
    }
  }
}

/**
 * Starts the engine on an empty data root: one a crashed run left on the same socket is
 * stopped first, and what it held removed (a container it would start again included).
 */
export async function startOperatorEngine(p: OperatorEnginePaths): Promise<OperatorEngine> {
  const { socket, pidfile, log } = files(p);
  const stale = leftPid(p);
  if (stale) await stopPid(stale);
  await unmountBelow(p.runDir);
  await unmountBelow(p.dataRoot);
  fs.rmSync(p.dataRoot, { recursive: true, force: true });
  fs.mkdirSync(p.runDir, { recursive: true });
  fs.mkdirSync(p.dataRoot, { recursive: true });
  const out = fs.openSync(log, "w");
  const args = [
    "--host", `unix://${socket}`,
    "--data-root", p.dataRoot,
    "--exec-root", path.join(p.runDir, "exec"),
    "--pidfile", pidfile,
    "--containerd-namespace", p.name,
    "--containerd-plugins-namespace", `${p.name}-plugins`,
    // Its containers' cgroups under a parent of its own, removed with it.
    "--exec-opt", "native.cgroupdriver=cgroupfs",
    "--cgroup-parent", p.name,
    // What runs here uses the host's network: no bridge, no firewall rules of its own.
    "--bridge", "none",
    "--iptables=false",
    "--ip-masq=false",
    "--ip-forward=false",
  ];
  const child = spawn("dockerd", args, { detached: true, stdio: ["ignore", out, out], cwd: p.runDir });
  fs.closeSync(out);
  child.unref();
  const pid = child.pid!;
  let disposed: Promise<void> | undefined;
  const engine: OperatorEngine = {
    host: `unix://${socket}`,
    pid,
    dispose: () =>
      (disposed ??= (async () => {
        await stopPid(pid);
        await unmountBelow(p.runDir);
        await unmountBelow(p.dataRoot);
        removeCgroupParent(p.name);
      })()),
  };
  const docker = new Docker({ socketPath: socket, timeout: 5_000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await docker.ping();
      return engine;
    } catch {
      if (!isRunning(pid) || Date.now() > deadline) {
        await engine.dispose();
        throw new Error(`the test's Docker Engine did not start:\n${fs.readFileSync(log, "utf8").split("\n").slice(-15).join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
