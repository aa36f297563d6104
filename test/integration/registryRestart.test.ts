// The lab registry process dies while learners work: the next pull in a box says so (not
// "no Internet"), and Shiplab starts the registry again by itself. A registry of this
// test's own (its own port, the shared storage), so no other test loses theirs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import { startShiplab, type Shiplab } from "../../server/main.ts";
import { REGISTRY_DOWN_MESSAGE } from "../../server/registry/labGate.ts";
import { LabRegistry } from "../../server/registry/labRegistry.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { freePort, log, removeTestObjects, sh, testConfig, testHost, until } from "../support/testHost.ts";

const RESTART_DELAY_MS = 4000;
let registry: LabRegistry;
let lab: Shiplab | undefined;
let config: Readonly<Config>;
let dir: string;
let box: Box;

beforeAll(async () => {
  const host = await testHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-registry-"));
  // The seeded images, read through a second registry process of this test's own.
  fs.symlinkSync(path.join(host.registry.dirPath, "data"), path.join(dir, "data"));
  registry = new LabRegistry(dir, await freePort(), log, RESTART_DELAY_MS);
  await registry.start();
  config = testConfig();
  lab = await startShiplab(config, { ...host, registry }, log);
  ({ box } = await lab.sandbox.acquire("4e9000000000000a"));
});

afterAll(async () => {
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    registry?.dispose();
    await removeTestObjects(config.instance);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it("says the registry is down to a pulling learner, and starts it again", async () => {
  expect((await sh(box.container, "docker pull -q busybox")).code).toBe(0);
  const pid = registry.pid;
  expect(pid).toBeGreaterThan(0);
  process.kill(pid!, "SIGKILL"); // the process this test started

  const down = await sh(box.container, "docker pull hello-world 2>&1");
  expect(down.code).not.toBe(0);
  expect(down.out).toContain(REGISTRY_DOWN_MESSAGE);

  await until(async () => (await registry.answers()) && registry.pid !== pid, RESTART_DELAY_MS + 20_000, "the registry to be started again");
  const again = await sh(box.container, "docker pull hello-world && docker run --rm hello-world");
  expect(again.code).toBe(0);
  expect(again.out).toContain("Hello from Docker");
});
