// Lessons are data: lessons/<id>/lesson.yaml (ids, titles, exercises with declarative
// checks) plus one markdown body per language. Loaded and validated once, at start.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { parseCheck } from "../checks/registry.ts";
import type { AnswerForm, CheckKind, Localized } from "../checks/types.ts";
import { LANGS, type Lang } from "../protocol.ts";

export interface Exercise {
  id: string;
  lessonId: string;
  title: Localized;
  task: Localized;
  hints: Record<Lang, string[]>;
  solution: string;
  /** For answer-type exercises: a shell command printing the answer after the solution ran (or quiz choices). */
  solutionAnswer?: string | Record<string, number>;
  check: { kind: CheckKind<unknown>; params: unknown };
  /** How the page asks for the answer, on exercises answered in the page. */
  answerForm?: AnswerForm;
}

/** A container the lesson starts in the learner's box when it is opened. */
export interface SetupContainer {
  container: string;
  image: string;
  cmd: string[];
}

export interface Lesson {
  id: string;
  order: number;
  title: Localized;
  body: Localized;
  exercises: Exercise[];
  setup: SetupContainer[];
}

const ID = /^[a-z][a-z0-9-]*$/;
const EXERCISE_ID = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

export class LessonCatalog {
  private constructor(private readonly lessons: Map<string, Lesson>) {}

  static load(dir: string): LessonCatalog {
    const problems: string[] = [];
    const lessons = new Map<string, Lesson>();
    const exerciseIds = new Set<string>();
    for (const folder of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!folder.isDirectory()) continue;
      try {
        const lesson = loadLesson(path.join(dir, folder.name), folder.name);
        for (const ex of lesson.exercises) {
          if (exerciseIds.has(ex.id)) throw new Error(`exercise id ${ex.id} is used twice`);
          exerciseIds.add(ex.id);
        }
        lessons.set(lesson.id, lesson);
      } catch (err) {
        problems.push(`lessons/${folder.name}: ${(err as Error).message}`);
      }
    }
    if (problems.length) throw new Error(`Some lessons are not valid:\n  ${problems.join("\n  ")}`);
    return new LessonCatalog(lessons);
  }

  list(): Lesson[] {
    return [...this.lessons.values()].sort((a, b) => a.order - b.order);
  }

  get(id: string): Lesson | undefined {
    return this.lessons.get(id);
  }

  exercises(): Exercise[] {
    return this.list().flatMap((l) => l.exercises);
  }

  exercise(id: string): Exercise | undefined {
    return this.exercises().find((e) => e.id === id);
  }
}

function localized(raw: unknown, what: string): Localized {
  const obj = raw as Record<string, unknown> | undefined;
  const out = {} as Localized;
  for (const lang of LANGS) {
    const v = obj?.[lang];
    if (typeof v !== "string" || !v.trim()) throw new Error(`${what} has no ${lang} text`);
    out[lang] = v;
  }
  return out;
}

function localizedList(raw: unknown, what: string): Record<Lang, string[]> {
  const obj = (raw ?? {}) as Record<string, unknown>;
  const out = {} as Record<Lang, string[]>;
  for (const lang of LANGS) {
    const v = obj[lang] ?? [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new Error(`${what}.${lang} must be a list of strings`);
    out[lang] = v as string[];
  }
  if (out.en.length !== out["zh-CN"].length) throw new Error(`${what} has ${out.en.length} English and ${out["zh-CN"].length} Chinese entries`);
  return out;
}

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function setupOf(raw: unknown): SetupContainer[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error("setup must be a list of containers");
  return raw.map((s: Record<string, unknown>) => {
    if (typeof s?.container !== "string" || !CONTAINER_NAME.test(s.container)) throw new Error("setup: container must be a container name");
    if (typeof s.image !== "string" || !s.image) throw new Error(`setup ${s.container}: image is missing`);
    if (!Array.isArray(s.cmd) || !s.cmd.every((c) => typeof c === "string")) throw new Error(`setup ${s.container}: cmd must be a list of strings`);
    return { container: s.container, image: s.image, cmd: s.cmd as string[] };
  });
}

function solutionAnswer(raw: unknown, exId: string, answered: boolean): Exercise["solutionAnswer"] {
  if (!answered) {
    if (raw !== undefined) throw new Error(`${exId}: solutionAnswer is only for exercises answered in the page`);
    return undefined;
  }
  if (typeof raw === "string" && raw.trim()) return raw;
  if (raw && typeof raw === "object" && Object.values(raw).every((v) => Number.isInteger(v))) return raw as Record<string, number>;
  throw new Error(`${exId}: an answered exercise needs solutionAnswer (a command printing the answer, or quiz choices)`);
}

function loadLesson(dir: string, folder: string): Lesson {
  const meta = YAML.parse(fs.readFileSync(path.join(dir, "lesson.yaml"), "utf8")) as Record<string, unknown>;
  const id = meta.id;
  if (typeof id !== "string" || !ID.test(id)) throw new Error(`id must be lower-case letters, digits and dashes`);
  if (id !== folder) throw new Error(`id ${id} differs from its folder name`);
  if (!Number.isInteger(meta.order)) throw new Error("order must be a whole number");
  const body = {} as Localized;
  for (const lang of LANGS) {
    const file = path.join(dir, `${lang}.md`);
    if (!fs.existsSync(file)) throw new Error(`${lang}.md is missing`);
    body[lang] = fs.readFileSync(file, "utf8");
  }
  const rawExercises = (meta.exercises ?? []) as Record<string, unknown>[];
  if (!Array.isArray(rawExercises)) throw new Error("exercises must be a list");
  const exercises = rawExercises.map((e): Exercise => {
    const exId = e.id;
    if (typeof exId !== "string" || !EXERCISE_ID.test(exId) || !exId.startsWith(`${id}.`)) {
      throw new Error(`exercise id ${String(exId)} must look like ${id}.<name>`);
    }
    let check: Exercise["check"];
    try {
      check = parseCheck((e.check ?? {}) as Record<string, unknown>);
    } catch (err) {
      throw new Error(`${exId}: ${(err as Error).message}`);
    }
    if (typeof e.solution !== "string" || !e.solution.trim()) throw new Error(`${exId}: solution is missing`);
    return {
      id: exId,
      lessonId: id,
      title: localized(e.title, `${exId}.title`),
      task: localized(e.task, `${exId}.task`),
      hints: localizedList(e.hints, `${exId}.hints`),
      solution: e.solution,
      check,
      answerForm: check.kind.answerForm?.(check.params),
      solutionAnswer: solutionAnswer(e.solutionAnswer, exId, Boolean(check.kind.answerForm)),
    };
  });
  return { id, order: meta.order as number, title: localized(meta.title, "title"), body, exercises, setup: setupOf(meta.setup) };
}
