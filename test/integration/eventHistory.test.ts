// The daemon remembers only its last 256 events: a health check every second (three exec
// events each) floods that in about a minute, and the removals an exercise counts are
// forgotten. The box watcher keeps what it saw, and checks read both: a real box, a real
// flood, the real containers.cleanup check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Docker from "dockerode";
import { BoxWatcher } from "../../server/checks/boxWatcher.ts";
import { daemonHistory, pastEvents, recordedEvents, type DaemonEvent } from "../../server/checks/daemonEvents.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { acquireTestBox, expectResult, gradeExercise, runInBox, type TestBox } from "../support/checkCases.ts";
import { startTestLab, stopTestLab, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let tb: TestBox;
let watcher: BoxWatcher;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  tb = await acquireTestBox(lab);
  watcher = new BoxWatcher(tb.box.socketPath, () => undefined);
  watcher.start();
});

afterAll(async () => {
  watcher?.dispose();
  await stopTestLab(lab, config);
});

describe("the watcher's log answering alone", () => {
  it("holds, once its stream is up, what the daemon remembers from before and what happened since", async () => {
    const since = Date.now();
    await runInBox(tb, "docker pull -q busybox >/dev/null\ndocker run --name before-watch busybox true\ndocker rm before-watch >/dev/null");
    const late = new BoxWatcher(tb.box.socketPath, () => undefined);
    try {
      late.start();
      const filters = { type: ["container", "image"] };
      await until(async () => recordedEvents(late.docker, filters, since), 10_000, "the late watcher's log to answer");
      await runInBox(tb, "docker run --name after-watch busybox true\ndocker rm after-watch >/dev/null");
      const keys = (es: DaemonEvent[]) => es.map((e) => `${e.timeNano} ${e.Action} ${e.Actor.Attributes?.name ?? e.Actor.ID}`);
      const fromDaemon = keys(await daemonHistory(new Docker({ socketPath: tb.box.socketPath }), filters, since));
      expect(fromDaemon.some((k) => k.endsWith("destroy before-watch"))).toBe(true);
      await until(async () => keys(recordedEvents(late.docker, filters, since)!).length >= fromDaemon.length || undefined, 10_000, "the live events to arrive");
      expect(keys(recordedEvents(late.docker, filters, since)!)).toEqual(fromDaemon);
    } finally {
      late.dispose();
    }
    expect(recordedEvents(late.docker, { type: ["container"] }, since), "a disposed watcher's log no longer answers").toBeUndefined();
  }, 120_000);
});

describe("history beyond the daemon's memory", () => {
  it("still counts removals that 300 later events pushed out of the daemon's own history", async () => {
    const since = Date.now();
    await runInBox(tb, "docker pull -q busybox >/dev/null\ndocker run --name gone-1 busybox true\ndocker run --name gone-2 busybox true\ndocker rm gone-1 gone-2");
    await until(async () => (await pastEvents(watcher.docker, { type: ["container"], event: ["destroy"] }, since)).length >= 2 || undefined, 10_000, "the watcher to see both removals");
    // 100 execs: 300 events, more than the daemon keeps.
    await runInBox(tb, "docker run -d --name chatty busybox sleep 600 >/dev/null\nfor i in $(seq 100); do docker exec chatty true; done", 300_000);

    const plain = new Docker({ socketPath: tb.box.socketPath });
    const daemonOnly = await pastEvents(plain, { type: ["container"], event: ["destroy"] }, since);
    expect(daemonOnly, "the daemon should have forgotten the removals (else this test proves nothing)").toEqual([]);

    expectResult(await gradeExercise(lab, "containers.cleanup", { ...tb, inner: plain }, { since }), { passed: false, en: /so far 0/ });
    expectResult(await gradeExercise(lab, "containers.cleanup", { ...tb, inner: watcher.docker }, { since }), { passed: true, en: /removed/i });
  }, 400_000);
});
