// Test fixtures over the real thing: Shiplab's own Docker Engine, the real box image, the
// real lab registry (started once by globalSetup, shared by every file), and Shiplab
// itself started on port 0 under an instance name of its own.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import Docker from "dockerode";
import { loadConfig, type Config } from "../../server/config.ts";
import { consoleLogger, silentLogger } from "../../server/log.ts";
import { startShiplab, type Shiplab } from "../../server/main.ts";
import { provision, type Provisioned } from "../../server/provision/index.ts";
import { labEnginePaths } from "../../server/provision/labEngine.ts";
import { LABEL } from "../../server/sandbox/labels.ts";
import { removeBoxDir } from "../../server/sandbox/boxSocketDir.ts";
import { stateDbFile } from "../../server/store/stateDb.ts";

export const log = process.env.SHIPLAB_TEST_VERBOSE ? consoleLogger("test") : silentLogger;

export function testConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  return loadConfig(process.env, {
    port: 0,
    bind: "127.0.0.1",
    instance: `t${crypto.randomBytes(4).toString("hex")}`,
    warmPool: 0,
    boxMemoryBytes: 768 * 1024 ** 2,
    boxDiskBytes: 4 * 1024 ** 3,
    ...overrides,
  });
}

/** A client of Shiplab's own engine (the tests' state folder's), where boxes run. */
export function engineDocker(): Docker {
  return new Docker({ socketPath: labEnginePaths(testConfig().stateDir).socket });
}

let host: Provisioned | undefined;
/** Everything provisioned: fast, since globalSetup already built and seeded it all. */
export async function testHost(): Promise<Provisioned> {
  host ??= await provision(testConfig(), log);
  return host;
}

export async function startTestLab(overrides: Partial<Config> = {}): Promise<{ lab: Shiplab; config: Readonly<Config> }> {
  const config = testConfig(overrides);
  const lab = await startShiplab(config, await testHost(), log);
  return { lab, config };
}

/** Stops a test lab and removes its boxes, network, state database and anything else it labelled; safe when it never started. */
export async function stopTestLab(lab: Shiplab | undefined, config: Readonly<Config> | undefined): Promise<void> {
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    if (config) {
      await removeTestObjects(config.instance);
      removeStateDb(config.stateDir, config.instance);
    }
  }
}

/** A test lab's SQLite file and its journal files. */
export function removeStateDb(stateDir: string, instance: string): void {
  const file = stateDbFile(stateDir, instance);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

/** State databases of test labs that ended a day ago or more without stopTestLab (a killed run). */
export function removeStaleTestDbs(): void {
  const { stateDir } = testConfig();
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : []) {
    const m = /^progress-(t[0-9a-f]{8})\.sqlite$/.exec(name);
    if (m && fs.statSync(path.join(stateDir, name)).mtimeMs < dayAgo) removeStateDb(stateDir, m[1]);
  }
}

/** Runs a shell command inside a box (as the learner would) and returns its output and exit code. */
export async function sh(container: string, script: string, timeoutMs = 120_000): Promise<{ code: number; out: string }> {
  const docker = engineDocker();
  const exec = await docker.getContainer(container).exec({
    Cmd: ["bash", "-lc", script],
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    WorkingDir: "/root",
  });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  let out = "";
  stream.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out: ${script}\n${out}`)), timeoutMs);
    stream.on("end", () => {
      clearTimeout(t);
      resolve();
    });
  });
  // The exit code is only final once the stream has ended.
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, out };
}

/** Removes every container, network and volume a test labelled, whatever happened. */
export async function removeTestObjects(instance?: string): Promise<void> {
  const run = `${LABEL.test}=${testConfig().testRun}`;
  await removeLabelled(instance ? [run, `${LABEL.instance}=${instance}`] : [run]);
}

/**
 * Whether a run's label value names a run that has ended: `run-<pid>` (vitest.config.ts)
 * whose process is gone. A named run (a developer's SHIPLAB_TEST_RUN) is never judged
 * ended, nor one whose pid another process has taken since: both are left alone.
 */
export function runHasEnded(run: string, isAlive = (pid: number) => processExists(pid)): boolean {
  const pid = /^run-(\d+)$/.exec(run)?.[1];
  return pid !== undefined && !isAlive(Number(pid));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes what earlier runs that ended without their clean-up (killed, or the machine
 * stopped) left behind. Each run removes its own at its end; this catches the rest at the
 * next run's start. Returns how many objects went.
 */
export function removeEndedRunsObjects(): Promise<number> {
  return removeLabelled([LABEL.test], (labels) => runHasEnded(labels?.[LABEL.test] ?? ""));
}

/**
 * Removes the containers, then networks, then volumes that match the label filter (and
 * `chosen`, when given); one that cannot be removed is left. Returns how many went.
 */
async function removeLabelled(label: string[], chosen: (labels: Record<string, string> | undefined) => boolean = () => true): Promise<number> {
  const docker = engineDocker();
  const filters = { label };
  let removed = 0;
  const count = () => void removed++;
  for (const c of await docker.listContainers({ all: true, filters })) {
    if (chosen(c.Labels)) await docker.getContainer(c.Id).remove({ force: true, v: true }).then(count, () => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) {
    if (chosen(n.Labels)) await docker.getNetwork(n.Id).remove().then(count, () => undefined);
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) if (chosen(v.Labels ?? undefined)) await docker.getVolume(v.Name).remove().then(count, () => undefined);
  return removed;
}

/** Unmounts and deletes box disks whose box is gone (a test killed half-way). */
export async function removeTestDisks(): Promise<void> {
  const boxes = path.join(testConfig().stateDir, "boxes");
  if (!fs.existsSync(boxes)) return;
  const docker = engineDocker();
  const live = new Set((await docker.listContainers({ all: true, filters: { label: [LABEL.box] } })).map((c) => c.Labels[LABEL.box]));
  for (const instance of fs.readdirSync(boxes)) {
    for (const id of fs.readdirSync(path.join(boxes, instance))) {
      if (!live.has(id)) await removeBoxDir(path.join(boxes, instance, id));
    }
  }
}

/** A TCP port free on loopback right now (for a server a test starts). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export { until } from "./until.ts";
