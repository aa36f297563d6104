// What a test run's start removes from earlier runs: only what runs that have ended left.
import { expect, it } from "vitest";
import { runHasEnded } from "../support/testHost.ts";

it("judges a run ended only when it is `run-<pid>` and that pid is gone", () => {
  const alive = new Set([100]);
  const isAlive = (pid: number) => alive.has(pid);
  expect(runHasEnded("run-100", isAlive)).toBe(false);
  expect(runHasEnded("run-101", isAlive)).toBe(true);
  // A developer's named run, or anything else, is never someone else's to remove.
  expect(runHasEnded("scratch-x", isAlive)).toBe(false);
  expect(runHasEnded("run-101-b", isAlive)).toBe(false);
  expect(runHasEnded("", isAlive)).toBe(false);
});

it("asks the real process table by default", () => {
  expect(runHasEnded(`run-${process.pid}`)).toBe(false);
  // Above the kernel's largest pid (2^22): no process can have it.
  expect(runHasEnded("run-9999999")).toBe(true);
});
