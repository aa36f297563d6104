import { describe, expect, it } from "vitest";
import type Docker from "dockerode";
import { EventLog, keepEventsOf, matchesFilters, pastEvents, recordedEvents, type DaemonEvent } from "../../server/checks/daemonEvents.ts";
import { imagePulled } from "../../server/checks/imagePulled.ts";

const ev = (Type: string, Action: string, ID: string, Attributes: Record<string, string> = {}, t = 1): DaemonEvent => ({
  Type,
  Action,
  Actor: { ID, Attributes },
  time: t,
  timeNano: t * 1e9,
});

describe("matchesFilters, as the daemon filters events", () => {
  const exec = ev("container", "exec_start: sh -c date", "c0ffee00", { name: "web", "com.docker.compose.project": "shop" });
  it("matches type, an action or its part before ': ', a container by ID, prefix or name, and labels", () => {
    expect(matchesFilters(exec, { type: ["container"], event: ["exec_start"] })).toBe(true);
    expect(matchesFilters(exec, { event: ["exec_start: sh -c date"] })).toBe(true);
    expect(matchesFilters(exec, { container: ["web"] })).toBe(true);
    expect(matchesFilters(exec, { container: ["c0ff"] })).toBe(true);
    expect(matchesFilters(exec, { label: ["com.docker.compose.project"] })).toBe(true);
    expect(matchesFilters(exec, { label: ["com.docker.compose.project=shop"] })).toBe(true);
    expect(matchesFilters(exec, { type: ["image", "container"] })).toBe(true);
  });
  it("refuses what any one filter does not let through", () => {
    expect(matchesFilters(exec, { type: ["image"] })).toBe(false);
    expect(matchesFilters(exec, { event: ["exec_die"] })).toBe(false);
    expect(matchesFilters(exec, { event: ["exec"] })).toBe(false);
    expect(matchesFilters(exec, { container: ["db"] })).toBe(false);
    expect(matchesFilters(exec, { label: ["com.docker.compose.project=other"] })).toBe(false);
    expect(matchesFilters(exec, { type: ["container"], event: ["destroy"] })).toBe(false);
    expect(matchesFilters(ev("image", "tag", "sha256:1"), { container: ["sha256:1"] })).toBe(false);
  });
});

describe("EventLog", () => {
  it("keeps the newest events up to its size, and only well-formed ones", () => {
    const log = new EventLog(["container"], 3);
    for (let t = 1; t <= 5; t++) log.add(ev("container", "destroy", `c${t}`, {}, t));
    log.add({ Type: "container" } as DaemonEvent);
    expect(log.matching({ event: ["destroy"] }).map((e) => e.Actor.ID)).toEqual(["c3", "c4", "c5"]);
  });
});

describe("EventLog, answering alone once it holds what the daemon remembers", () => {
  const watched = ["image", "container", "network", "volume"];

  it("answers only after the daemon's memory was read in on the current connection, and for the types it follows", () => {
    const log = new EventLog(watched);
    expect(log.answers(["image"]), "before the stream is up").toBe(false);
    const first = log.connected();
    log.add(ev("image", "pull", "busybox:latest", {}, 5));
    expect(log.answers(["image"]), "up, but what the daemon remembers is not in yet").toBe(false);
    log.backfill(first, [ev("image", "tag", "sha256:1", { name: "old:1" }, 2), ev("image", "pull", "busybox:latest", {}, 5)]);
    expect(log.answers(["image", "container"])).toBe(true);
    expect(log.answers(["builder"]), "a type the stream does not follow").toBe(false);
    expect(log.answers(undefined), "no type: every type, some not followed").toBe(false);
    expect(log.matching({ type: ["image"] }).map((e) => e.Action), "in order, without the pull twice").toEqual(["tag", "pull"]);
    log.disconnected();
    expect(log.answers(["image"]), "the stream went down: events may be missed").toBe(false);
    const second = log.connected();
    log.backfill(first, []);
    expect(log.answers(["image"]), "a late backfill of the old connection").toBe(false);
    log.backfill(second, []);
    expect(log.answers(["image"])).toBe(true);
  });

  it("counts once an event that both the read-in and the live stream bring, in either order", () => {
    const log = new EventLog(watched);
    const c = log.connected();
    log.add(ev("container", "destroy", "a", {}, 1));
    log.backfill(c, [ev("container", "destroy", "a", {}, 1), ev("container", "destroy", "b", {}, 2)]);
    log.add(ev("container", "destroy", "b", {}, 2));
    log.add(ev("container", "destroy", "c", {}, 3));
    expect(log.matching({ event: ["destroy"] }).map((e) => e.Actor.ID)).toEqual(["a", "b", "c"]);
  });

  /** A daemon that fails the test if asked (the log should answer), or answers `lines`. */
  const daemon = (lines?: DaemonEvent[]) => {
    const asked: string[] = [];
    const docker = {
      async getEvents() {
        asked.push("getEvents");
        if (!lines) throw new Error("the daemon was asked");
        const { Readable } = await import("node:stream");
        return Readable.from(lines.map((l) => JSON.stringify(l) + "\n"));
      },
      async listImages() {
        asked.push("listImages");
        if (!lines) throw new Error("the daemon was asked");
        return [];
      },
    } as unknown as Docker;
    return { docker, asked };
  };

  it("pastEvents reads the log alone when it answers, else asks the daemon and merges", async () => {
    const log = new EventLog(watched);
    log.backfill(log.connected(), [ev("container", "destroy", "a", {}, 1), ev("container", "destroy", "b", {}, 3)]);
    const alone = daemon();
    keepEventsOf(alone.docker, log);
    expect((await pastEvents(alone.docker, { type: ["container"], event: ["destroy"] }, 2000)).map((e) => e.Actor.ID)).toEqual(["b"]);
    expect(alone.asked).toEqual([]);

    log.disconnected();
    // The daemon's container filter also takes a name's prefix; its answer goes through ours.
    const asked = daemon([ev("container", "destroy", "c", { name: "web" }, 4), ev("container", "destroy", "d", { name: "web2" }, 5)]);
    keepEventsOf(asked.docker, log);
    expect(recordedEvents(asked.docker, { type: ["container"] }, 0)).toBeUndefined();
    expect((await pastEvents(asked.docker, { type: ["container"], event: ["destroy"] }, 2000)).map((e) => e.Actor.ID)).toEqual(["b", "c", "d"]);
    expect((await pastEvents(asked.docker, { type: ["container"], container: ["web"] }, 0)).map((e) => e.Actor.ID)).toEqual(["c"]);
    expect(asked.asked).toEqual(["getEvents", "getEvents"]);
  });

  it("image-pulled passes on a pull event in the log, with no round trip, and asks the daemon when the log cannot settle it", async () => {
    const params = imagePulled.parse({ repository: "busybox" });
    const log = new EventLog(watched);
    log.backfill(log.connected(), []);
    const alone = daemon();
    keepEventsOf(alone.docker, log);
    log.add(ev("image", "pull", "busybox:latest", {}, 10));
    expect((await imagePulled.run({ docker: alone.docker, since: 5000, signal: new AbortController().signal }, params)).passed).toBe(true);
    expect(alone.asked).toEqual([]);

    // Pulled before the exercise began to count, named over by `docker tag` since, or from
    // a registry whose host is the repository's name: the log does not settle it, and the
    // full check (the daemon's images) decides.
    const anyTag = imagePulled.parse({ repository: "busybox", tag: "!latest" });
    for (const [since, events, p] of [
      [20_000, [ev("image", "pull", "busybox:latest", {}, 10)], params],
      [5000, [ev("image", "pull", "busybox:latest", {}, 10), ev("image", "tag", "sha256:2", { name: "busybox:latest" }, 11)], params],
      [5000, [ev("image", "pull", "busybox:5000/x:1", {}, 10)], anyTag],
    ] as const) {
      const l = new EventLog(watched);
      l.backfill(l.connected(), [...events]);
      const asked = daemon([]);
      keepEventsOf(asked.docker, l);
      expect((await imagePulled.run({ docker: asked.docker, since, signal: new AbortController().signal }, p)).passed).toBe(false);
      expect(asked.asked, "the images were asked for; the log told the history").toEqual(["listImages"]);
    }
  });
});
