// What every check test against real boxes needs: a learner's box with a client of its own
// daemon, an exercise graded as the server grades it, a result asserted with its message
// in both languages, and a script run in the box that must succeed. A lesson's tests with
// one box of their own use the LessonBox helpers at the end.
import crypto from "node:crypto";
import Docker from "dockerode";
import { expect } from "vitest";
import { runCheck } from "../../server/checks/grader.ts";
import type { CheckContext, CheckResult } from "../../server/checks/types.ts";
import { ensureLessonSetup } from "../../server/lessons/lessonSetup.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { boxProbe } from "../../server/sandbox/boxProbe.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { removeTestObjects, sh, startTestLab } from "./testHost.ts";

export interface TestBox {
  box: Box;
  /** The box's own daemon. */
  inner: Docker;
}

/** A new learner each run: the registry and the engine keep what earlier runs left. */
export const randomLearner = (): string => crypto.randomBytes(8).toString("hex");

/** A learner's box; with `setupLesson`, that lesson's set-up containers are started in it. */
export async function acquireTestBox(lab: Shiplab, learnerId = randomLearner(), setupLesson?: string): Promise<TestBox> {
  const { box } = await lab.sandbox.acquire(learnerId);
  const inner = new Docker({ socketPath: box.socketPath });
  if (setupLesson) {
    const lesson = lab.lessons.get(setupLesson);
    if (!lesson) throw new Error(`no lesson ${setupLesson}`);
    await ensureLessonSetup(inner, lesson.id, lesson.setup);
  }
  return { box, inner };
}

/** Grades an exercise as the server does; a raw answer goes through the kind's parseAnswer first. */
export async function gradeExercise(
  lab: Shiplab,
  id: string,
  tb: TestBox,
  opts: Omit<Partial<CheckContext>, "docker" | "signal"> & { rawAnswer?: unknown } = {},
): Promise<CheckResult> {
  const ex = lab.lessons.exercise(id);
  if (!ex) throw new Error(`no exercise ${id}`);
  const { rawAnswer, ...ctx } = opts;
  const answer = rawAnswer !== undefined && ex.check.kind.parseAnswer ? ex.check.kind.parseAnswer(ex.check.params, rawAnswer) : (ctx.answer ?? rawAnswer);
  return runCheck(ex, tb.inner, { ...ctx, answer });
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

/** Runs a script in the box (`set -e`); it must succeed. Returns its output, trimmed. */
export async function runInBox(tb: TestBox, script: string, timeoutMs = 240_000): Promise<string> {
  const r = await sh(tb.box.container, `set -e\n${script}`, timeoutMs);
  expect(r.code, `${script}\n${r.out}`).toBe(0);
  return r.out.replace(/\r/g, "").trim();
}

/** A lab with one learner's box, for a lesson's check tests. */
export interface LessonBox extends TestBox {
  lab: Shiplab;
  config: Readonly<Config>;
}

export async function startLessonBox(): Promise<LessonBox> {
  const { lab, config } = await startTestLab();
  return { lab, config, ...(await acquireTestBox(lab)) };
}

export async function stopLessonBox(lb: LessonBox | undefined): Promise<void> {
  try {
    await lb?.lab.dispose({ removeBoxes: true });
  } finally {
    if (lb) await removeTestObjects(lb.config.instance);
  }
}

/** Grades an exercise in the lesson box, with the box probe, `since` as when its lesson was opened. */
export function gradeLessonBox(lb: LessonBox, id: string, since?: number): Promise<CheckResult> {
  return gradeExercise(lb.lab, id, lb, { box: boxProbe(lb.lab.sandbox, lb.box), since });
}

export function runInLessonBox(lb: LessonBox, script: string, timeoutMs?: number): Promise<string> {
  return runInBox(lb, script, timeoutMs);
}

/**
 * A clean slate in the box for the next case: no containers, networks or volumes of the
 * learner's. Returns the case's `since`: the next whole second, once it has come, so that
 * it falls in a later second than anything removed (the daemon's Created times are whole
 * seconds). Half a second's wait on average, where a fixed pause of 1.1 s was before.
 */
export async function freshStart(lb: LessonBox): Promise<number> {
  await runInBox(lb, "docker rm -f $(docker ps -aq) >/dev/null 2>&1 || true\ndocker network prune -f >/dev/null\ndocker volume prune -af >/dev/null");
  const since = (Math.floor(Date.now() / 1000) + 1) * 1000;
  // setTimeout may wake a millisecond early: wait until the clock has reached `since`.
  while (Date.now() < since) await new Promise((r) => setTimeout(r, since - Date.now() + 1));
  return since;
}
