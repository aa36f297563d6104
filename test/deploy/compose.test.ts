// The compose deployment, end to end, as an operator would use it: `npm run image` builds
// Shiplab's image offline into their Docker Engine, `docker-compose up -d` starts it (its
// first start provisions like `npm start`: engine, box image, lab registry), a learner
// gets a prompt in a box where Docker works, and `docker-compose down` leaves nothing on
// the host. "Their" engine is a plain dockerd this test starts and stops; everything lives
// under /var/lib/shiplab-compose-test (kept: the image's debootstrapped base, by recipe
// hash, so a rerun skips debootstrap) and /run/shiplab-compose-test.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { run } from "../../server/host/run.ts";
import { silentLogger } from "../../server/log.ts";
import { REPO_ROOT } from "../../server/paths.ts";
import { ensureCommands } from "../../server/provision/hostPackages.ts";
import { networkNames, removeStaleFirewallRules } from "../../server/sandbox/boxNetwork.ts";
import { startOperatorEngine, mountsBelow, unmountBelow, type OperatorEngine } from "../support/operatorEngine.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { freePort } from "../support/testHost.ts";

const ROOT = "/var/lib/shiplab-compose-test";
const STATE_DIR = path.join(ROOT, "state");
const BASE_CACHE = path.join(ROOT, "cache");
const PROJECT = "shiplab-compose-test";
/** Names the box network's bridge and firewall chains on the host: apart from any other Shiplab's. */
const INSTANCE = "compose-test";
const COMPOSE_FILES = ["docker-compose.yml", "test/deploy/compose.apt-cache.yml"];

let engine: OperatorEngine | undefined;
let env: NodeJS.ProcessEnv;
let url: string;
let logs: ChildProcess | undefined;
let learner: SocketLearner | undefined;
let up = false;
const timings: Record<string, number> = {};

async function timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[phase] = Math.round((Date.now() - t0) / 100) / 10;
  }
}

const compose = (args: string[]) => run("docker-compose", ["-p", PROJECT, ...COMPOSE_FILES.flatMap((f) => ["-f", f]), ...args], { env, cwd: REPO_ROOT });

/** Shows the container's progress (the first start takes minutes) as it comes. */
function streamLogs(): void {
  logs = spawn("docker-compose", ["-p", PROJECT, ...COMPOSE_FILES.flatMap((f) => ["-f", f]), "logs", "--no-color", "-f"], { env, cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] });
  let partial = "";
  logs.stdout!.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) console.log(`[compose] ${line}`);
  });
}

function stopLogs(): void {
  logs?.kill();
  logs = undefined;
}

/** A loop device whose file lies under `dir` (an engine disk still attached). */
function loopDevicesBelow(dir: string): string[] {
  const found: string[] = [];
  for (const dev of fs.readdirSync("/sys/block").filter((d) => d.startsWith("loop"))) {
    const file = `/sys/block/${dev}/loop/backing_file`;
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8").trim().startsWith(`${dir}/`)) found.push(`/dev/${dev}`);
  }
  return found;
}

/** The host's side of a Shiplab that was not stopped cleanly: its bridge, then its firewall chains. */
async function removeHostLeftovers(): Promise<void> {
  const { bridge } = networkNames(INSTANCE);
  if (fs.existsSync(`/sys/class/net/${bridge}`)) await run("ip", ["link", "delete", bridge]).catch(() => undefined);
  await removeStaleFirewallRules();
  for (const dev of loopDevicesBelow(ROOT)) await run("losetup", ["-d", dev]).catch(() => undefined);
}

beforeAll(async () => {
  await ensureCommands({ "docker-compose": "docker-compose" }, silentLogger);
  await removeHostLeftovers();
  engine = await timed("operator engine start", () =>
    startOperatorEngine({ dataRoot: path.join(ROOT, "engine"), runDir: "/run/shiplab-compose-test", name: PROJECT }),
  );
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: engine.host,
    PORT: String(port),
    SHIPLAB_STATE_DIR: STATE_DIR,
    // The tests' lab registry uses 5001 and `npm start`'s 5000: this one takes a free port.
    SHIPLAB_REGISTRY_PORT: String(await freePort()),
    SHIPLAB_INSTANCE: INSTANCE,
    SHIPLAB_WARM_POOL: "0",
  };
  // Reruns find an empty state: the first start's provisioning is what this tests.
  fs.rmSync(STATE_DIR, { recursive: true, force: true });

  await timed("npm run image", () =>
    run(process.execPath, [path.join(REPO_ROOT, "bin", "shiplab.mjs"), "image", "--base-cache", BASE_CACHE], { env, cwd: REPO_ROOT }),
  );
  // Even a failed `up` may leave a container for `down` to remove.
  up = true;
  await timed("docker-compose up -d", () => compose(["up", "-d"]));
  streamLogs();
  await timed("first start (provisioning) until the page answers", async () => {
    const deadline = Date.now() + 15 * 60_000;
    while (!(await fetch(`${url}/`).then((r) => r.ok, () => false))) {
      const status = (await run("docker", ["--host", engine!.host, "inspect", "--format", "{{.State.Status}}", `${PROJECT}_shiplab_1`])).trim();
      if (status !== "running") throw new Error(`Shiplab's container is ${status}:\n${await compose(["logs", "--no-color", "--tail", "30"])}`);
      if (Date.now() > deadline) throw new Error("Shiplab in its container did not serve the page within 15 minutes");
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
}, 20 * 60_000);

afterAll(async () => {
  learner?.close();
  try {
    if (up) await compose(["down"]).catch((err: Error) => console.log(`[compose] down failed: ${err.message}`));
    stopLogs();
    await removeHostLeftovers();
    await engine?.dispose();
    await unmountBelow(ROOT);
  } finally {
    // Only when nothing is mounted or attached there any more; the base cache stays.
    if (mountsBelow(ROOT).length === 0 && loopDevicesBelow(ROOT).length === 0) {
      for (const dir of ["engine", "state"]) fs.rmSync(path.join(ROOT, dir), { recursive: true, force: true });
    } else {
      console.log(`[compose] left ${ROOT} in place: still mounted or attached there`);
    }
    fs.rmSync("/run/shiplab-compose-test", { recursive: true, force: true });
    console.log(`[compose deployment timings, s] ${JSON.stringify(timings)}`);
  }
}, 5 * 60_000);

it("serves the lab: a learner gets a prompt in a box where Docker works, through the lab registry", async () => {
  learner = await timed("learner's prompt", () => openSocketLearner(url, { timeoutMs: 120_000 }));
  let output = "";
  learner.socket.on("term:output", (d: string) => (output += d));
  // The sum is worked out by the box's shell, so the typed line's echo cannot match.
  const done = learner.next<string>("term:output", () => /compose-42/.test(output), 90_000);
  learner.socket.emit("term:input", "docker version --format 'engine {{.Server.Version}}' && docker run --rm busybox echo compose-$((6*7))\r");
  await timed("docker run busybox in the box", () => done);
  expect(output).toMatch(/engine \d+\.\d+\.\d+/);
}, 240_000);

it("stops cleanly: docker-compose down leaves no bridge, firewall chain, loop device or mount on the host", async () => {
  learner?.close();
  learner = undefined;
  await timed("docker-compose down", () => compose(["down"]));
  up = false;
  stopLogs();
  const { bridge, chain } = networkNames(INSTANCE);
  expect(fs.existsSync(`/sys/class/net/${bridge}`)).toBe(false);
  expect(await run("iptables", ["-w", "-S"])).not.toContain(chain);
  expect(await run("iptables", ["-w", "-t", "raw", "-S"])).not.toContain(chain);
  expect(loopDevicesBelow(STATE_DIR)).toEqual([]);
  expect(mountsBelow(STATE_DIR)).toEqual([]);
  expect((await run("docker", ["--host", engine!.host, "ps", "-aq"])).trim()).toBe("");
}, 240_000);
