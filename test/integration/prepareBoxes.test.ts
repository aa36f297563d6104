// A teacher's "prepare boxes" on the real engine: the pool warms that many boxes, learners
// take them as they arrive (no refill beyond what was asked), and boxes nobody took go
// when their time is up, back to the usual pool size.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import type { DockerSandbox } from "../../server/sandbox/dockerSandbox.ts";
import { sandboxFor } from "../support/sandboxFor.ts";
import { startTestLab, stopTestLab, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let sandbox: DockerSandbox;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  sandbox = await sandboxFor(lab, config, { warmPool: 0, reapIntervalMs: 500 });
  await sandbox.start();
});

afterAll(async () => {
  await sandbox?.destroyAll();
  await sandbox?.dispose();
  await stopTestLab(lab, config);
});

const pooled = () => sandbox.list().filter((b) => !b.learnerId);

describe("prepared boxes", () => {
  it("warms the count asked, hands them to arriving learners, and refills no more than asked", async () => {
    expect(sandbox.prepare(2, 120_000)).toBe(2);
    await until(async () => pooled().length === 2 || undefined, 90_000, "two prepared boxes");
    const ready = new Set(pooled().map((b) => b.id));
    const { box } = await sandbox.acquire("9e9a000000000001");
    expect(ready.has(box.id)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    // One was asked for and taken: one is left, none is started to replace it.
    expect(pooled().length).toBe(1);
  });

  it("lets prepared boxes nobody took go when their time is up", async () => {
    expect(sandbox.prepare(3, 25_000)).toBe(3);
    await until(async () => pooled().length === 3 || undefined, 90_000, "three prepared boxes");
    await until(async () => pooled().length === 0 || undefined, 60_000, "the prepared boxes to go after their time");
    // The learner's box stays.
    expect(sandbox.boxOf("9e9a000000000001")).toBeDefined();
  });
});
