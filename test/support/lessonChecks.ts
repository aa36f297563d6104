// What a lesson's check tests share: a lab with one box, grading an exercise as the server
// does, and asserting a result with its message in every language.
import crypto from "node:crypto";
import Docker from "dockerode";
import { expect } from "vitest";
import { runCheck } from "../../server/checks/grader.ts";
import type { CheckResult } from "../../server/checks/types.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { boxProbe } from "../../server/sandbox/boxProbe.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { removeTestObjects, sh, startTestLab } from "./testHost.ts";

export interface LessonBox {
  lab: Shiplab;
  config: Readonly<Config>;
  box: Box;
  inner: Docker;
}

/** A lab and one box for a new learner (a new id each run: the registry and engine persist). */
export async function startLessonBox(): Promise<LessonBox> {
  const { lab, config } = await startTestLab();
  const { box } = await lab.sandbox.acquire(crypto.randomBytes(8).toString("hex"));
  return { lab, config, box, inner: new Docker({ socketPath: box.socketPath }) };
}

export async function stopLessonBox(lb: LessonBox | undefined): Promise<void> {
  try {
    await lb?.lab.dispose({ removeBoxes: true });
  } finally {
    if (lb) await removeTestObjects(lb.config.instance);
  }
}

/** Grades an exercise as the server does, with `since` as when the learner opened its lesson. */
export async function grade(lb: LessonBox, id: string, since?: number): Promise<CheckResult> {
  const ex = lb.lab.lessons.exercise(id);
  if (!ex) throw new Error(`no exercise ${id}`);
  return runCheck(ex, lb.inner, { box: boxProbe(lb.lab.sandbox, lb.box), since });
}

/** Asserts the outcome, a distinctive part of the English message, and a real translation. */
export function expectResult(r: CheckResult, want: { passed: boolean; attempted?: boolean; en: RegExp | string }): void {
  expect(r.passed, r.message.en).toBe(want.passed);
  if (want.attempted !== undefined) expect(r.attempted !== false, r.message.en).toBe(want.attempted);
  if (typeof want.en === "string") expect(r.message.en).toContain(want.en);
  else expect(r.message.en).toMatch(want.en);
  expect(r.message["zh-CN"].trim()).not.toBe("");
  expect(r.message["zh-CN"]).not.toBe(r.message.en);
}

/** Runs a script in the box as the learner would; it must succeed. Returns its trimmed output. */
export async function run(lb: LessonBox, script: string, timeoutMs?: number): Promise<string> {
  const r = await sh(lb.box.container, `set -e\n${script}`, timeoutMs);
  expect(r.code, `${script}\n${r.out}`).toBe(0);
  return r.out.replace(/\r/g, "").trim();
}

/**
 * A clean slate in the box for the next case: no containers, networks or volumes of the
 * learner's, then a second's pause so that the case's `since` falls in a later second than
 * anything removed (the daemon's Created times are whole seconds). Returns that `since`.
 */
export async function freshStart(lb: LessonBox): Promise<number> {
  await run(lb, "docker rm -f $(docker ps -aq) >/dev/null 2>&1 || true\ndocker network prune -f >/dev/null\ndocker volume prune -af >/dev/null");
  await new Promise((r) => setTimeout(r, 1100));
  return Date.now();
}
