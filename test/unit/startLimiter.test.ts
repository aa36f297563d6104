import { describe, expect, it } from "vitest";
import { StartLimiter, type QueuedStart } from "../../server/sandbox/startLimiter.ts";

/** A start that finishes when told to, noting when it began. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { start: async () => { log.push(`start ${name}`); await done; return name; }, finish };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("StartLimiter", () => {
  it("runs at most max starts at once, and the next as soon as one ends", async () => {
    const log: string[] = [];
    const l = new StartLimiter(2);
    const [a, b, c] = ["a", "b", "c"].map((n) => gate(log, n));
    const ra = l.run("pool", a.start);
    const rb = l.run("pool", b.start);
    const rc = l.run("pool", c.start);
    await tick();
    expect(log).toEqual(["start a", "start b"]);
    expect(l.queued).toBe(1);
    a.finish();
    expect(await ra).toBe("a");
    await tick();
    expect(log).toEqual(["start a", "start b", "start c"]);
    b.finish();
    c.finish();
    expect(await Promise.all([rb, rc])).toEqual(["b", "c"]);
    expect(l.queued).toBe(0);
  });

  it("starts a waiting learner's box before waiting pool boxes, learners in arrival order", async () => {
    const log: string[] = [];
    const l = new StartLimiter(1);
    const busy = gate(log, "busy");
    const p1 = gate(log, "pool1");
    const l1 = gate(log, "learner1");
    const l2 = gate(log, "learner2");
    const all = [l.run("pool", busy.start), l.run("pool", p1.start), l.run("learner", l1.start), l.run("learner", l2.start)];
    await tick();
    busy.finish();
    await tick();
    l1.finish();
    await tick();
    l2.finish();
    await tick();
    p1.finish();
    await Promise.all(all);
    expect(log).toEqual(["start busy", "start learner1", "start learner2", "start pool1"]);
  });

  it("starts waiting learners' prompts before waiting daemons, and daemons before pool boxes", async () => {
    const log: string[] = [];
    const l = new StartLimiter(1);
    const busy = gate(log, "busy");
    const waiting = [["pool", "pool1"], ["daemon", "daemon1"], ["learner", "learner1"], ["daemon", "daemon2"], ["learner", "learner2"]] as const;
    const gates = waiting.map(([, name]) => gate(log, name));
    const all = [l.run("learner", busy.start), ...waiting.map(([priority], i) => l.run(priority, gates[i].start))];
    await tick();
    busy.finish();
    for (const name of ["learner1", "learner2", "daemon1", "daemon2", "pool1"]) {
      await tick();
      gates[waiting.findIndex(([, n]) => n === name)].finish();
    }
    await Promise.all(all);
    expect(log).toEqual(["start busy", "start learner1", "start learner2", "start daemon1", "start daemon2", "start pool1"]);
  });

  it("moves a waiting start up when it is promoted, never back, and not once it runs", async () => {
    const log: string[] = [];
    const l = new StartLimiter(1);
    const busy = gate(log, "busy");
    const names = ["daemon1", "daemon2", "learner1"];
    const gates = names.map((n) => gate(log, n));
    const queued: Record<string, QueuedStart> = {};
    const all = [
      l.run("learner", busy.start, () => log.push("busy queued")),
      l.run("daemon", gates[0].start, (q) => (queued.daemon1 = q)),
      l.run("daemon", gates[1].start, (q) => (queued.daemon2 = q)),
      l.run("learner", gates[2].start),
    ];
    queued.daemon2.promote("learner"); // behind the learner already waiting, before daemon1
    queued.daemon1.promote("pool"); // not a step back
    await tick();
    busy.finish();
    for (const name of ["learner1", "daemon2", "daemon1"]) {
      await tick();
      gates[names.indexOf(name)].finish();
      queued.daemon2.promote("learner"); // running or done: nothing happens
    }
    await Promise.all(all);
    expect(log).toEqual(["start busy", "start learner1", "start daemon2", "start daemon1"]);
  });

  it("frees the slot when a start fails", async () => {
    const l = new StartLimiter(1);
    await expect(l.run("learner", async () => Promise.reject(new Error("no engine")))).rejects.toThrow("no engine");
    expect(await l.run("learner", async () => "next")).toBe("next");
  });
});
