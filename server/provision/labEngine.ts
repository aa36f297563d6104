// Shiplab's own Docker Engine: a dockerd that Shiplab starts and owns, with its socket,
// data, pidfile and log under the state folder, so boxes get user namespaces
// (--userns-remap) without Shiplab reconfiguring an engine an operator may run. It uses
// the dockerd binary of the installed Docker Engine (Debian's docker.io when missing).
//
// It touches nothing of the host's: no iptables (Shiplab writes the box network's
// firewall itself), no default bridge, containerd namespaces of its own. Its data root is
// a btrfs file system on a sparse loop file, with quotas (engineQuotas.ts), so every box's
// root file system gets a size limit (the btrfs storage driver's `size`), and the engine as
// a whole cannot grow past SHIPLAB_ENGINE_DISK. (XFS project quotas with overlay2 were the first choice;
// this machine's kernel has no quota support for XFS, while btrfs quotas are built in.)
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { isMounted, run } from "../host/run.ts";
import type { Logger } from "../log.ts";
import { ensureQuotas, repairQuotas } from "./engineQuotas.ts";
import { SetupError } from "./setupError.ts";
import { isRunning } from "../host/processes.ts";

export interface LabEngine {
  docker: Docker;
  socketPath: string;
  /** `unix://…`, for the docker CLI (DOCKER_HOST). */
  host: string;
  /** The host user and group that are root inside every box (the remapped root). */
  boxRoot: { uid: number; gid: number };
  /** Makes the per-box disk quotas exact again if the kernel stopped counting. */
  repairQuotas(): Promise<boolean>;
}

export interface LabEnginePaths {
  dir: string;
  socket: string;
  pidfile: string;
  log: string;
  disk: string;
  dataRoot: string;
  /** Sockets of its containerd live here: kept short (unix socket paths are ≤ 107 bytes). */
  execRoot: string;
  /** Names that keep this engine apart from any other on the host. */
  tag: string;
}

export function labEnginePaths(stateDir: string): LabEnginePaths {
  const dir = path.join(stateDir, "engine");
  const tag = crypto.createHash("sha256").update(stateDir).digest("hex").slice(0, 8);
  return {
    dir,
    socket: path.join(dir, "docker.sock"),
    pidfile: path.join(dir, "dockerd.pid"),
    log: path.join(dir, "dockerd.log"),
    disk: path.join(dir, "data.btrfs"),
    dataRoot: path.join(dir, "data"),
    execRoot: `/run/shiplab-${tag}`,
    tag,
  };
}

/**
 * GOGC for this engine's daemons and the shim they start per box, which inherits it: they
 * collect garbage sooner than Go's default (100), for a shim PSS ≈ 1 MiB smaller per box.
 * Not lower: the engine creates every box, and a class arriving keeps it busy.
 */
export const GO_DAEMONS_GOGC = 50;

/**
 * GOGC for each box's own dockerd and containerd (dockerSandbox.ts), idle most of a lesson.
 * Measured on this 2-core host against 50: an idle box ≈ 2.5 MiB smaller (dockerd anonymous
 * 27 → 25.4 MiB, containerd 9 → 8), one after pulls, runs and a build ≈ 8 MiB smaller
 * (dockerd 40 → 32 MiB), for ≈ 5 % more of dockerd's CPU in that work and no change in its
 * time (7.7–9.0 s both). A memory limit (GOMEMLIMIT) was tried too: 20 MiB saved as much
 * idle but made the same work 2.4× slower, as the collector then runs without pause.
 */
export const BOX_DAEMONS_GOGC = 25;

/**
 * The daemon's flags: everything it owns is under paths of its own. `runtimes` are OCI
 * runtimes to offer besides runc (name → binary), e.g. sysbox-runc chosen by an operator.
 */
export function labEngineArgs(p: LabEnginePaths, runtimes: Record<string, string> = {}): string[] {
  return [
    ...Object.entries(runtimes).flatMap(([name, binary]) => ["--add-runtime", `${name}=${binary}`]),
    "--host", `unix://${p.socket}`,
    "--data-root", p.dataRoot,
    "--exec-root", p.execRoot,
    "--pidfile", p.pidfile,
    // Every box's root is an unprivileged user on the host (dockremap's subordinate IDs).
    "--userns-remap", "default",
    "--storage-driver", "btrfs",
    // Plain cgroup paths Shiplab can hand over (a systemd host would default to systemd
    // slices, and refuse a parent that is not one).
    "--exec-opt", "native.cgroupdriver=cgroupfs",
    "--cgroup-parent", `shiplab-${p.tag}`,
    // A host's own containerd may serve this engine too: keep our containers apart.
    "--containerd-namespace", `shiplab-${p.tag}`,
    "--containerd-plugins-namespace", `shiplab-${p.tag}-plugins`,
    // The host's firewall and forwarding stay as the operator set them.
    "--bridge", "none",
    "--iptables=false",
    "--ip-masq=false",
    "--ip-forward=false",
    // The networks it makes (the box bridge) never take 172.17.0.0/16: a box's own Docker
    // gives its default bridge the first of Docker's pools that no route in the box covers,
    // so a box bridge there (an engine's first network after its start takes it; a test run
    // met it) moves the learners' bridges to 172.18, where the lessons, like every Docker
    // guide, say 172.17.0.1. Docker's own default pools, but for that one.
    "--default-address-pool", "base=172.18.0.0/15,size=16",
    "--default-address-pool", "base=172.20.0.0/14,size=16",
    "--default-address-pool", "base=172.24.0.0/13,size=16",
    "--default-address-pool", "base=192.168.0.0/16,size=20",
    // Boxes keep running while the engine restarts (an upgrade, a crash): learners keep
    // their boxes, and their shells come back with Enter.
    "--live-restore",
    "--log-driver", "json-file",
    // A box that floods its own stdout fills a few megabytes, not the host's disk.
    "--log-opt", "max-size=5m",
    "--log-opt", "max-file=2",
  ];
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** The data root: a sparse btrfs file, loop-mounted (created once). */
async function mountDataRoot(p: LabEnginePaths, diskBytes: number, log: Logger): Promise<void> {
  fs.mkdirSync(p.dataRoot, { recursive: true });
  if (await isMounted(p.dataRoot)) return;
  if (!fs.existsSync(p.disk)) {
    log.info(`  creating the engine's disk (${(diskBytes / 1024 ** 3).toFixed(0)} GiB, sparse) at ${p.disk}`);
    fs.closeSync(fs.openSync(p.disk, "w"));
    fs.truncateSync(p.disk, diskBytes);
    await run("mkfs.btrfs", ["-q", "-f", p.disk]);
  } else if (fs.statSync(p.disk).size < diskBytes) {
    // A larger SHIPLAB_ENGINE_DISK than before: grow the file; btrfs grows once mounted.
    fs.truncateSync(p.disk, diskBytes);
  }
  // discard: space freed inside goes back to the host's disk.
  await run("mount", ["-o", "loop,discard", p.disk, p.dataRoot]);
  await run("btrfs", ["filesystem", "resize", "max", p.dataRoot]).catch(() => undefined);
}

/**
 * The engine's disk is sparse: it takes host space only as boxes write. When the host has
 * less free space than the disk could still grow by, a class that fills it would meet I/O
 * errors in every box at once; the operator hears of it at start, not then.
 */
export function warnIfHostDiskShort(p: LabEnginePaths, log: Logger): void {
  try {
    const st = fs.statSync(p.disk);
    const growth = st.size - st.blocks * 512;
    const host = fs.statfsSync(p.dir);
    const free = host.bavail * host.bsize;
    if (growth > free) {
      const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
      log.warn(
        `the engine's disk ${p.disk} may still grow by ${gib(growth)}, but only ${gib(free)} is free on the host: free space there (or, on a new install, set SHIPLAB_ENGINE_DISK lower)`,
      );
    }
  } catch {
    // No disk yet, or no statfs: nothing to compare.
  }
}

/** The flags the running engine was started with, to tell when they are out of date. */
const argsFile = (p: LabEnginePaths) => path.join(p.dir, "dockerd.args");

/** The operator's SHIPLAB_BOX_RUNTIME, when it is not runc: found on PATH or refused. */
async function extraRuntime(runtime: string): Promise<Record<string, string>> {
  if (runtime === "runc") return {};
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(runtime)) throw new SetupError(`SHIPLAB_BOX_RUNTIME=${runtime} is not a runtime name.`);
  try {
    const binary = (await run("sh", ["-c", 'command -v "$1"', "sh", runtime])).trim();
    return { [runtime]: binary };
  } catch {
    throw new SetupError(`SHIPLAB_BOX_RUNTIME=${runtime}, but no ${runtime} is installed: install it, or unset SHIPLAB_BOX_RUNTIME to use runc.`);
  }
}

/** The pid of our engine's dockerd if it still runs (a reused pid after a reboot is not). */
function engineAlive(p: LabEnginePaths): number | undefined {
  try {
    const pid = Number(fs.readFileSync(p.pidfile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (!cmdline[0]?.endsWith("dockerd") || !cmdline.includes(`unix://${p.socket}`)) {
      fs.rmSync(p.pidfile, { force: true });
      return undefined;
    }
    return pid;
  } catch {
    return undefined;
  }
}

/** How long a starting engine may take to answer. */
const ENGINE_ANSWER_MS = 180_000;

/**
 * Stops Shiplab's engine and unmounts its disk (SHIPLAB_ON_STOP=remove, as in Shiplab's
 * container, where nothing outlives the server). Remove the boxes first: with
 * --live-restore the engine would leave them running. Safe when the engine is not running.
 */
export async function stopLabEngine(stateDir: string, log: Logger, timeoutMs = 60_000): Promise<void> {
  const p = labEnginePaths(stateDir);
  const pid = engineAlive(p);
  if (pid) {
    const done = log.step(`stopping Shiplab's Docker Engine (pid ${pid})`);
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + timeoutMs;
    while (isRunning(pid)) {
      if (Date.now() > deadline) {
        log.warn(`Shiplab's engine did not stop within ${timeoutMs / 1000} s; killing it (its log: ${p.log})`);
        process.kill(pid, "SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    done();
  }
  if (await isMounted(p.dataRoot)) {
    await run("umount", [p.dataRoot]).catch((err: Error) => log.warn(`could not unmount the engine's disk ${p.dataRoot}: ${err.message}`));
  }
}

/**
 * Every box's root is the same host user, so each box's session keyring (runc makes one
 * per container, before the box's seccomp profile applies) counts against that one user's
 * key quota: 200 keys by default, so 200 boxes. Raised to fit a large class; never lowered.
 */
function ensureKeyQuota(log: Logger): void {
  const want: Record<string, number> = { maxkeys: 20_000, maxbytes: 2_000_000 };
  for (const [knob, value] of Object.entries(want)) {
    const file = `/proc/sys/kernel/keys/${knob}`;
    try {
      if (Number(fs.readFileSync(file, "utf8")) >= value) continue;
      fs.writeFileSync(file, String(value));
      log.info(`  kernel.keys.${knob} raised to ${value} (one key per box, all boxes one host user)`);
    } catch {
      log.warn(`could not raise kernel.keys.${knob}: more than about 200 boxes at once will fail to start`);
    }
  }
}

/**
 * Starts Shiplab's engine when it does not answer, and waits until it does. Idempotent:
 * a running engine (from an earlier `npm start`) is used as it is, with its boxes.
 */
export async function ensureLabEngine(stateDir: string, diskBytes: number, runtime: string, log: Logger): Promise<LabEngine> {
  const p = labEnginePaths(stateDir);
  const docker = new Docker({ socketPath: p.socket, timeout: 60_000 });
  if (await answers(docker)) {
    const started = fs.existsSync(argsFile(p)) ? fs.readFileSync(argsFile(p), "utf8") : "";
    if (started !== labEngineArgs(p, await extraRuntime(runtime)).join("\n")) {
      log.warn(`Shiplab's engine runs with other settings than this Shiplab would start it with; to apply them, stop it (kill the pid in ${p.pidfile}) and start again`);
    }
    await ensureQuotas(p.dataRoot, log);
    ensureKeyQuota(log);
    return describe(docker, p, runtime);
  }
  if (process.getuid?.() !== 0) {
    throw new SetupError("Shiplab runs its own Docker Engine for the learners' boxes and needs root to start it: run `npm start` as root.");
  }
  const done = log.step("starting Shiplab's Docker Engine (user-namespaced boxes)");
  fs.mkdirSync(p.dir, { recursive: true });
  const args = labEngineArgs(p, await extraRuntime(runtime));
  if (!engineAlive(p)) {
    try {
      await mountDataRoot(p, diskBytes, log);
      await ensureQuotas(p.dataRoot, log);
      warnIfHostDiskShort(p, log);
    } catch (err) {
      const why = (err as Error).message.trim().split("\n").pop();
      throw new SetupError(`Shiplab could not set up its engine's disk ${p.disk} (${why}): it needs loop devices and btrfs on this machine.`);
    }
    // Detached: it outlives this process like a service, so a restarted server adopts boxes.
    const out = fs.openSync(p.log, "a");
    // Its own small environment: never the server's (SHIPLAB_SECRET and the like).
    // GOGC: the engine's containerd starts a shim per box, and each shim inherits it.
    const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", GOGC: String(GO_DAEMONS_GOGC) };
    const child = spawn("dockerd", args, { detached: true, stdio: ["ignore", out, out], env, cwd: p.dir });
    fs.writeFileSync(argsFile(p), args.join("\n"));
    child.once("error", (err) => log.error(`could not start dockerd: ${err.message}`));
    child.unref();
    fs.closeSync(out);
    log.info(`  dockerd started (pid ${child.pid}); its log is ${p.log}`);
  }
  // An engine answers only once it has restored its containers and cleared what removed
  // ones left behind: measured 0.33 s for each stale network sandbox on a 2-core machine,
  // and a restart after a test run's 400 boxes found 183 (64 s). Boxes made since
  // have Docker's networking disabled and leave none, but an upgraded engine may still
  // hold those of older boxes. A wait, not an error.
  const deadline = Date.now() + ENGINE_ANSWER_MS;
  let told = Date.now();
  while (!(await answers(docker))) {
    if (Date.now() > deadline) {
      throw new SetupError(`Shiplab's Docker Engine did not answer within ${ENGINE_ANSWER_MS / 1000} s: read ${p.log} for why.`);
    }
    if (Date.now() - told > 15_000) {
      told = Date.now();
      log.info(`  still waiting for the engine to answer (it restores its containers first); its log is ${p.log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  ensureKeyQuota(log);
  const engine = await describe(docker, p, runtime);
  done();
  return engine;
}

/**
 * The engine as it runs. Refuses one without user namespaces (its boxes' root would be
 * host root), and one that does not offer the runtime asked for (started before it was set).
 */
async function describe(docker: Docker, p: LabEnginePaths, runtime: string): Promise<LabEngine> {
  const info = (await docker.info()) as { SecurityOptions?: string[]; DockerRootDir?: string; Runtimes?: Record<string, unknown> };
  if (info.Runtimes && !(runtime in info.Runtimes)) {
    throw new SetupError(`Shiplab's engine was started without the runtime ${runtime} (SHIPLAB_BOX_RUNTIME): stop it (kill the pid in ${p.pidfile}) and run \`npm start\` again.`);
  }
  // With --userns-remap the data root is <data-root>/<uid>.<gid> of the remapped root.
  const remap = /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir ?? "");
  if (!info.SecurityOptions?.some((o) => o.includes("name=userns")) || !remap || Number(remap[1]) === 0) {
    throw new SetupError(`The engine on ${p.socket} runs without user namespaces: stop it (pid file ${p.pidfile}) and run \`npm start\` again.`);
  }
  return {
    docker,
    socketPath: p.socket,
    host: `unix://${p.socket}`,
    boxRoot: { uid: Number(remap[1]), gid: Number(remap[2]) },
    repairQuotas: () => repairQuotas(p.dataRoot),
  };
}
