import { describe, expect, it } from "vitest";
import { EventLog, matchesFilters, type DaemonEvent } from "../../server/checks/daemonEvents.ts";

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
    const log = new EventLog(3);
    for (let t = 1; t <= 5; t++) log.add(ev("container", "destroy", `c${t}`, {}, t));
    log.add({ Type: "container" } as DaemonEvent);
    expect(log.matching({ event: ["destroy"] }).map((e) => e.Actor.ID)).toEqual(["c3", "c4", "c5"]);
  });
});
