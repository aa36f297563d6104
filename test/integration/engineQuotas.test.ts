// The engine's disk quotas on a real btrfs file system of the test's own (a small sparse
// loop file): simple quotas where the kernel has them, limits enforced, and an engine disk
// made with full qgroups (an earlier Shiplab) switched over with its boxes' limits kept.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureQuotas, kernelHasSimpleQuotas, parseQgroupLimits, repairQuotas } from "../../server/provision/engineQuotas.ts";
import { run } from "../../server/host/run.ts";
import { log } from "../support/testHost.ts";

let dir: string;
let mnt: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-quotas-"));
  mnt = path.join(dir, "mnt");
  fs.mkdirSync(mnt);
  const disk = path.join(dir, "disk.btrfs");
  fs.closeSync(fs.openSync(disk, "w"));
  fs.truncateSync(disk, 1024 ** 3);
  await run("mkfs.btrfs", ["-q", "-f", disk]);
  await run("mount", ["-o", "loop", disk, mnt]);
});

afterEach(async () => {
  await run("umount", [mnt]).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes up to `mib` MiB into a file; returns how many MiB the file system took. */
async function fill(file: string, mib: number): Promise<number> {
  await run("sh", ["-c", `dd if=/dev/zero of="$1" bs=1M count=${mib} conv=fsync 2>/dev/null; true`, "sh", file]);
  return Math.round(fs.statSync(file).size / 1024 ** 2);
}

async function subvolumeWithLimit(name: string, limit: string): Promise<string> {
  const sub = path.join(mnt, name);
  await run("btrfs", ["subvolume", "create", sub]);
  await run("btrfs", ["qgroup", "limit", limit, sub]);
  return sub;
}

describe("the engine's quotas", () => {
  it("are simple quotas where the kernel has them, and a limit stops a writer", async () => {
    const mode = await ensureQuotas(mnt, log);
    expect(mode).toBe(kernelHasSimpleQuotas() ? "squota" : "qgroup");
    const sub = await subvolumeWithLimit("box", "20M");
    expect(await fill(path.join(sub, "big"), 60)).toBeLessThanOrEqual(21);
    // Idempotent: a second call (a server restart) changes nothing.
    expect(await ensureQuotas(mnt, log)).toBe(mode);
    expect(await repairQuotas(mnt)).toBe(false);
  });

  it.runIf(kernelHasSimpleQuotas())("switch a disk from full qgroups to simple quotas and keep each box's limit", async () => {
    await run("btrfs", ["quota", "enable", mnt]);
    const sub = await subvolumeWithLimit("old-box", "30M");
    expect(await ensureQuotas(mnt, log)).toBe("squota");
    const uuid = (await run("findmnt", ["-n", "-o", "UUID", "--target", mnt])).trim();
    expect(fs.readFileSync(`/sys/fs/btrfs/${uuid}/qgroups/mode`, "utf8").trim()).toBe("squota");
    expect(await fill(path.join(sub, "big"), 80)).toBeLessThanOrEqual(31);
  });
});

describe("parseQgroupLimits", () => {
  it("reads each subvolume's limit on referenced bytes, skipping those without one", () => {
    const table = [
      "Qgroupid    Referenced    Exclusive  Max referenced   Path",
      "--------    ----------    ---------  --------------   ----",
      "0/5              16384        16384            none   <toplevel>",
      "0/256         52396032     52396032        52428800   a",
      "0/257         41955328     41955328            none   b",
      "1/100                0            0         1048576   <0 member qgroups>",
    ].join("\n");
    expect([...parseQgroupLimits(table)]).toEqual([["0/256", 52428800]]);
  });
});
