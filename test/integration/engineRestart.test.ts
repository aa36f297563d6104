// Shiplab's Docker Engine restarts (an upgrade, a crash) while a learner is connected: the
// box keeps running (the engine's live restore), nothing is removed, the box keeps its
// network, and the learner's terminal works again (a new shell if the old one went with the engine's connection).
// This stops and starts the tests' own engine, which this test run started.
import fs from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { ensureLabEngine, labEnginePaths } from "../../server/provision/labEngine.ts";
import type { RemovalReason } from "../../server/sandbox/sandboxManager.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { engineDocker, log, startTestLab, stopTestLab, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let learner: SocketLearner | undefined;

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
});

afterAll(async () => {
  learner?.close();
  await stopTestLab(lab, config);
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("keeps the learner's box and terminal across an engine restart", async () => {
  learner = await openSocketLearner(lab.url);
  const box = lab.sandbox.list()[0];
  const removed: RemovalReason[] = [];
  lab.sandbox.onRemoved((_b, reason) => removed.push(reason));

  const paths = labEnginePaths(config.stateDir);
  const pid = Number(fs.readFileSync(paths.pidfile, "utf8"));
  process.kill(pid, "SIGTERM");
  await until(async () => !alive(pid), 60_000, "the engine to stop");
  await ensureLabEngine(config.stateDir, config.engineDiskBytes, config.boxRuntime, log);

  const info = await engineDocker().getContainer(box.container).inspect();
  expect(info.State.Running).toBe(true);
  expect(lab.sandbox.list().map((b) => b.id)).toEqual([box.id]);
  // Keystrokes work again: the same shell, or (if it went with the engine) a new one.
  await until(async () => (await learner!.echoes(1).catch(() => [])).length === 2, 30_000, "the terminal to echo again");
  const inner = await lab.sandbox.exec(box, ["docker", "info", "--format", "{{.ServerVersion}}"]);
  expect(inner.code).toBe(0);
  // Its link to the box bridge is Shiplab's, not the engine's: it is still there, and the
  // box still reaches the lab gate through it.
  const gate = await lab.sandbox.exec(box, ["bash", "-c", "timeout 3 bash -c 'echo > /dev/tcp/registry.lab/5000' && echo gate-open"]);
  expect(gate.output).toContain("gate-open");
  expect(removed).toEqual([]);
}, 300_000); // the engine may take minutes to answer again (labEngine.ts says why)
