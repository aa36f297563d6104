// Grades a Docker daemon headless: every exercise's check (or one lesson's), no server,
// no browser. Answers for answer-type exercises come from a JSON file.
import fs from "node:fs";
import type Docker from "dockerode";
import { runCheck } from "../checks/grader.ts";
import { AnswerError } from "../checks/types.ts";
import type { LessonCatalog } from "../lessons/catalog.ts";
import type { Lang } from "../protocol.ts";
import { UsageError } from "./dockerHost.ts";
import type { GradeReport } from "./report.ts";

export interface GradeOptions {
  docker: Docker;
  lessons: LessonCatalog;
  lessonId?: string;
  answers?: Record<string, unknown>;
  registryUrl?: string;
  lang: Lang;
}

export function readAnswers(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the answers file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the answers file ${file} is not JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`the answers file ${file} must be a JSON object of exercise id → answer`);
  }
  return parsed as Record<string, unknown>;
}

export async function grade(o: GradeOptions): Promise<GradeReport> {
  const lessons = o.lessonId ? [o.lessons.get(o.lessonId)] : o.lessons.list();
  if (lessons[0] === undefined) {
    throw new UsageError(`there is no lesson "${o.lessonId}"; lessons: ${o.lessons.list().map((l) => l.id).join(", ")}`);
  }
  for (const id of Object.keys(o.answers ?? {})) {
    if (!o.lessons.exercise(id)) throw new UsageError(`the answers file names an unknown exercise "${id}"`);
  }
  const report: GradeReport = { lessons: [], passed: 0, total: 0 };
  for (const lesson of lessons) {
    const exercises = [];
    for (const ex of lesson!.exercises) {
      let answer: unknown;
      let message: string | undefined;
      const raw = o.answers?.[ex.id];
      if (raw !== undefined && ex.check.kind.parseAnswer) {
        try {
          answer = ex.check.kind.parseAnswer(ex.check.params, raw);
        } catch (err) {
          message = `malformed answer: ${err instanceof AnswerError ? err.text[o.lang] : (err as Error).message}`;
        }
      }
      const result = message ? { passed: false, message: { en: message, "zh-CN": message } } : await runCheck(ex, o.docker, { answer, registryUrl: o.registryUrl });
      exercises.push({ id: ex.id, passed: result.passed, message: result.message[o.lang] });
      report.total++;
      if (result.passed) report.passed++;
    }
    report.lessons.push({ id: lesson!.id, exercises });
  }
  return report;
}
