// Each box limit holds against a learner who attacks it from their root shell, and the
// box's neighbour stays unharmed. Small limits keep every attack short on a 2-core machine.
// (How fast the neighbour's keystrokes echo meanwhile is measured by `npm run bench`.)
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { cgroupDirs, parseCgroupMounts, parseProcCgroup } from "../../server/sandbox/boxCgroups.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { engineDocker, sh, startTestLab, stopTestLab, until } from "../support/testHost.ts";
import { runProbe } from "./probes.ts";

const MiB = 1024 ** 2;
const docker = engineDocker();
let lab: Shiplab;
let config: Readonly<Config>;
let neighbour: Box;

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ boxPids: 200, boxMemoryBytes: 512 * MiB, boxDiskBytes: 2048 * MiB }));
  neighbour = (await lab.sandbox.acquire("11e1900000000000")).box;
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

/** The neighbour's shell and daemon still answer. */
async function neighbourIsFine(): Promise<void> {
  const r = await sh(neighbour.container, "docker info --format '{{.ServerVersion}}' && echo neighbour-alive", 60_000);
  expect(r.out).toContain("neighbour-alive");
}

/** A file of the box's cgroup in one hierarchy, as the host sees it. */
async function boxCgroupFile(box: Box, controller: string, file: string): Promise<string> {
  const pid = (await docker.getContainer(box.container).inspect()).State.Pid;
  const lines = parseProcCgroup(fs.readFileSync(`/proc/${pid}/cgroup`, "utf8")).filter(
    (l) => l.controllers.split(",").includes(controller) || l.controllers === "",
  );
  const dirs = cgroupDirs(lines, parseCgroupMounts(fs.readFileSync("/proc/self/mountinfo", "utf8")));
  for (const { dir } of dirs) if (fs.existsSync(path.join(dir, file))) return path.join(dir, file);
  throw new Error(`no ${file} for box ${box.container}`);
}

describe("box limits", () => {
  it("stops a fork bomb at the pids limit", async () => {
    const { box } = await lab.sandbox.acquire("11e1900000000001");
    const current = await boxCgroupFile(box, "pids", "pids.current").catch(() => boxCgroupFile(box, "pids", "pids.max"));
    // Detached (and deaf to the hang-up when the exec's terminal closes), so the exec's
    // stream ends; the bomb lives until its box is removed.
    await sh(box.container, "nohup setsid bash -c ':(){ :|:& };:' </dev/null >/dev/null 2>&1 & sleep 1; echo started");
    const events = path.join(path.dirname(current), "pids.events");
    await until(async () => Number(/max (\d+)/.exec(fs.readFileSync(events, "utf8"))?.[1]) > 0, 60_000, "the pids limit to refuse a fork");
    const count = Number(fs.readFileSync(path.join(path.dirname(current), "pids.current"), "utf8"));
    expect(count).toBeLessThanOrEqual(config.boxPids);
    await neighbourIsFine();
    await lab.sandbox.destroy(box.id, "requested");
  });

  it("OOM-kills a memory hog inside its box, and the box lives on", async () => {
    const { box } = await lab.sandbox.acquire("11e1900000000002");
    const daemonBefore = (await sh(box.container, "pidof dockerd")).out.trim();
    // tail keeps everything it reads: it grows until the box's memory limit kills it.
    const r = await sh(box.container, "head -c 1500m /dev/zero | tail > /dev/null; echo exit=$?", 120_000);
    expect(r.out).toMatch(/exit=137/);
    // The kernel counts the kill in the box's own memory cgroup (v1: oom_control, v2: events).
    const oomFile = await boxCgroupFile(box, "memory", "memory.oom_control").catch(() => boxCgroupFile(box, "memory", "memory.events"));
    expect(Number(/oom_kill (\d+)/.exec(fs.readFileSync(oomFile, "utf8"))?.[1])).toBeGreaterThan(0);
    expect((await docker.getContainer(box.container).inspect()).State.Running).toBe(true);
    expect((await sh(box.container, "pidof dockerd")).out.trim()).toBe(daemonBefore);
    await neighbourIsFine();
  });

  it("stops filling the disk at the box's disk size, wherever the learner writes", async () => {
    const { box } = await lab.sandbox.acquire("11e1900000000003");
    const fill = await sh(box.container, "dd if=/dev/zero of=/root/fill bs=1M count=3000 2>&1 | grep -E 'error|copied'; echo size=$(stat -c %s /root/fill)", 180_000);
    expect(fill.out).toMatch(/Disk quota exceeded|No space left/);
    const written = Number(/size=(\d+)/.exec(fill.out)?.[1]);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(config.boxDiskBytes);
    await sh(box.container, "rm -f /root/fill");
    // A btrfs subvolume would sit outside the quota: making one is refused.
    expect(await runProbe(box.container, "subvolume")).toContain("subvolume-refused");
    // The files the engine would keep outside the box's disk are the box's own now.
    const mounts = await sh(box.container, "grep -cE ' /etc/(hosts|hostname|resolv.conf) ' /proc/self/mountinfo || true");
    expect(mounts.out.trim()).toBe("0");
    // The daemon's socket folder on the host is a 1 MiB tmpfs.
    const sock = await sh(box.container, "dd if=/dev/zero of=/shiplab/fill bs=64k count=100 2>&1 | grep -E 'error|copied'; rm -f /shiplab/fill");
    expect(sock.out).toMatch(/No space left/);
    await neighbourIsFine();
  });

  it("keeps a log flood to a few megabytes of the host's disk", async () => {
    const { box } = await lab.sandbox.acquire("11e1900000000004");
    // The box's own output (its init's stdout) is what the engine logs on the host.
    await sh(box.container, "head -c 40m /dev/zero | tr '\\0' 'x' | fold -w 200 > /proc/1/fd/1; echo flooded", 120_000);
    const logPath = (await docker.getContainer(box.container).inspect()).LogPath;
    const dir = path.dirname(logPath);
    // The engine may still be writing and rotating the flood after the exec ended: a file
    // can go between listing and reading it, so read until two looks a second apart agree.
    const logBytes = () =>
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(path.basename(logPath)))
        .reduce((sum, f) => sum + (fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
    let onHost = -1;
    await until(
      async () => {
        const before = onHost;
        onHost = logBytes();
        return onHost === before || undefined;
      },
      60_000,
      "the box's log on the host to stop changing",
      1000,
    );
    expect(onHost).toBeGreaterThan(1 * MiB); // the flood did reach the log
    expect(onHost).toBeLessThanOrEqual(12 * MiB);
    await neighbourIsFine();
  });
});
