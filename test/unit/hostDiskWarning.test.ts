// The start-up warning when the engine's sparse disk could outgrow the host's free space.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { labEnginePaths, warnIfHostDiskShort } from "../../server/provision/labEngine.ts";
import type { Logger } from "../../server/log.ts";

let state: string;
let warnings: string[];
const log: Logger = { info() {}, warn: (m) => warnings.push(m), error() {}, step: () => () => {} };

beforeEach(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-diskwarn-"));
  fs.mkdirSync(path.join(state, "engine"));
  warnings = [];
});
afterEach(() => fs.rmSync(state, { recursive: true, force: true }));

function sparseDisk(bytes: number): void {
  const p = labEnginePaths(state);
  fs.closeSync(fs.openSync(p.disk, "w"));
  fs.truncateSync(p.disk, bytes);
}

it("warns when the disk may grow past the host's free space", () => {
  const free = fs.statfsSync(state);
  sparseDisk(free.bavail * free.bsize + 1024 ** 4); // a terabyte more than is free
  warnIfHostDiskShort(labEnginePaths(state), log);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/may still grow by .* GiB, but only .* GiB is free/);
});

it("stays quiet when the host has room, or when there is no disk yet", () => {
  warnIfHostDiskShort(labEnginePaths(state), log);
  sparseDisk(1024 ** 2);
  warnIfHostDiskShort(labEnginePaths(state), log);
  expect(warnings).toEqual([]);
});
