// The soak: many connect/disconnect cycles over socket.io-client against a real Shiplab
// (real boxes, real shells), on loopback only, bounded in count and time. Kinds of cycle:
// a learner who types and leaves, a dropped connection (the TCP connection goes without a
// websocket goodbye), a reconnect storm (one learner's five tabs at once), a page closed before its
// prompt, and bursts of every learner at once. Afterwards, once every box has been reaped,
// it counts what is left: shells, `docker exec` processes, boxes, mounts, pages, timers.
import fs from "node:fs";
import { openBoxShells } from "../../server/sandbox/boxShell.ts";
import type { Shiplab } from "../../server/main.ts";
import { LABEL } from "../../server/sandbox/labels.ts";
import { openSocketLearner } from "../support/socketLearner.ts";
import { engineDocker, startTestLab, stopTestLab, until } from "../support/testHost.ts";

export interface SoakOptions {
  cycles: number;
  learners: number;
  /** Every this many cycles, all learners connect at once. */
  burstEvery: number;
  /** Stops starting cycles after this long, whatever `cycles` says. */
  maxMs: number;
  say?: (line: string) => void;
}

export interface SoakResult {
  cycles: number;
  seconds: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  leftovers: Record<string, number>;
  errors: string[];
}

const MiB = 1024 ** 2;

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

async function cycle(lab: Shiplab, kind: number, cookie: string): Promise<void> {
  switch (kind) {
    case 0: {
      const l = await openSocketLearner(lab.url, { cookie });
      l.socket.emit("term:input", "echo soak\r");
      await l.next("term:output", (d: string) => d.includes("soak"), 10_000).catch(() => undefined);
      l.close();
      return;
    }
    case 1: {
      // A dropped connection: the TCP connection goes without a websocket close frame.
      const l = await openSocketLearner(lab.url, { cookie });
      const ws = (l.socket.io.engine.transport as unknown as { ws?: { _socket?: { destroy(): void } } }).ws;
      ws?._socket?.destroy();
      l.socket.io.reconnection(false);
      l.close();
      return;
    }
    case 2: {
      // A reconnect storm: the same learner's five tabs at once.
      const tabs = await Promise.allSettled([...Array(5)].map(() => openSocketLearner(lab.url, { cookie })));
      for (const t of tabs) if (t.status === "fulfilled") t.value.close();
      const failed = tabs.find((t) => t.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return;
    }
    default: {
      // A page closed before its prompt arrived.
      const l = openSocketLearner(lab.url, { cookie, timeoutMs: 200 });
      await l.then((x) => x.close(), () => undefined);
    }
  }
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const say = o.say ?? (() => {});
  const { lab, config } = await startTestLab({ warmPool: 0, reconnectGraceMs: 1000, idleTimeoutMs: 15_000 });
  const errors: string[] = [];
  try {
    const cookies: string[] = [];
    for (let i = 0; i < o.learners; i++) {
      const res = await fetch(`${lab.url}/`);
      cookies.push((res.headers.get("set-cookie") ?? "").split(";")[0]);
    }
    // Warm-up: every learner's box made once, then all reaped, before the "before" figures.
    await Promise.all(cookies.map((cookie) => openSocketLearner(lab.url, { cookie, timeoutMs: 120_000 }).then((l) => l.close())));
    await until(async () => lab.counts().boxes === 0, 120_000, "the warm-up boxes to be reaped");
    const rssBefore = process.memoryUsage().rss;
    const timersBefore = timers();

    const t0 = Date.now();
    let done = 0;
    for (; done < o.cycles && Date.now() - t0 < o.maxMs; done++) {
      try {
        if (o.burstEvery && done % o.burstEvery === o.burstEvery - 1) {
          const all = await Promise.allSettled(cookies.map((cookie) => openSocketLearner(lab.url, { cookie, timeoutMs: 120_000 })));
          for (const t of all) if (t.status === "fulfilled") t.value.close();
          const failed = all.find((t) => t.status === "rejected");
          if (failed) throw (failed as PromiseRejectedResult).reason;
        } else {
          await cycle(lab, done % 4, cookies[done % cookies.length]);
        }
      } catch (err) {
        errors.push(`cycle ${done}: ${(err as Error).message}`);
      }
      if (done % 50 === 49) say(`${done + 1} cycles, ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, ${JSON.stringify(lab.counts())}`);
    }
    const seconds = (Date.now() - t0) / 1000;

    // Everything a cycle made goes once grace and idle time have passed.
    await until(async () => lab.counts().boxes === 0 && lab.counts().sockets === 0, 120_000, "every box to be reaped").catch((err: Error) => errors.push(err.message));
    await new Promise((r) => setTimeout(r, 2000));
    const boxDir = `${config.stateDir}/boxes/${config.instance}`;
    const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(boxDir)).length;
    const containers = (await engineDocker().listContainers({ all: true, filters: { label: [`${LABEL.instance}=${config.instance}`] } })).length;
    const { sockets, pages, learners, shells, warmShells, watchedBoxes, boxes } = lab.counts();
    return {
      cycles: done,
      seconds,
      rssBeforeMiB: rssBefore / MiB,
      rssAfterMiB: process.memoryUsage().rss / MiB,
      leftovers: {
        "open sockets": sockets,
        "pages held": pages,
        "learners held": learners,
        "shells (ptys)": shells,
        "warm shells": warmShells,
        "box shell connections": openBoxShells(),
        "watched boxes": watchedBoxes,
        "boxes (server)": boxes,
        "box containers (engine)": containers,
        "box mounts": mounts,
        "timers added": Math.max(0, timers() - timersBefore),
      },
      errors,
    };
  } finally {
    await stopTestLab(lab, config);
  }
}
