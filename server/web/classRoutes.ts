// Classes over HTTP. The teacher's side (behind requireTeacher): list, create, the grid,
// end, export. The learner's side: look up a code, join, recover on another device, and
// what class they are in. Every refusal is a ClassError with a sentence per language.
import express, { type Request, type Router } from "express";
import type { Lang } from "../protocol.ts";
import { ClassError, type Classes, type NewClass } from "../teach/classes.ts";
import { gradeExport, gradesCsv } from "../teach/gradeExport.ts";
import { HttpError } from "./httpError.ts";
import { langOf } from "./lessonRoutes.ts";
import type { LearnerSessions } from "./session.ts";
import { requireTeacher } from "./teachRoutes.ts";
import type { TeacherSessions } from "./teacherSessions.ts";

export interface ClassRouteDeps {
  classes: Classes;
  sessions: LearnerSessions;
  teacherSessions: TeacherSessions;
  /** A class ended: its learners' boxes go (the composition root reaps them). */
  onClassEnded?: (code: string) => void;
  /** Removes a learner's box (a teacher's reset); their next keystroke or reload gets a fresh one. */
  resetBox?: (learnerId: string) => Promise<boolean>;
  /** Forgets a learner's result for one exercise; only what they do from now on counts. */
  resetExercise?: (learnerId: string, exerciseId: string) => void;
  /** Warms boxes ahead of a class; returns how many are being prepared. */
  prepareBoxes?: (count: number) => number;
}

const codeOf = (req: Request) => String(req.params.code);

/** Runs a class operation; a ClassError becomes an HttpError in the request's language. */
function answering<T>(req: Request, op: () => T): T {
  const lang: Lang = langOf(req.query.lang);
  try {
    return op();
  } catch (err) {
    if (err instanceof ClassError) throw new HttpError(err.status, err.text[lang]);
    throw err;
  }
}

export function classRoutes(d: ClassRouteDeps): Router {
  const r = express.Router();
  const json = express.json({ limit: "8kb" });
  const teacher = requireTeacher(d.teacherSessions);
  const teacherOf = (res: express.Response) => res.locals.teacher as string;

  // --- the teacher's side ------------------------------------------------------------------
  r.get("/api/teach/classes", teacher, (_req, res) => {
    res.json(d.classes.listFor(teacherOf(res)));
  });

  r.post("/api/teach/classes", teacher, json, (req, res) => {
    const c = answering(req, () => d.classes.create(teacherOf(res), (req.body ?? {}) as NewClass));
    res.status(201).json({ ...c, joinPath: `/join/${c.code}` });
  });

  r.get("/api/teach/classes/:code", teacher, (req, res) => {
    const lang = langOf(req.query.lang);
    const grid = answering(req, () => d.classes.grid(teacherOf(res), codeOf(req)));
    res.json({ ...grid, exercises: grid.exercises.map((e) => ({ ...e, title: e.title[lang] })), joinPath: `/join/${grid.class.code}` });
  });

  // Before a lesson: warm a box for each learner expected, so that a class arriving at once
  // gets its prompts at once, not after thirty box starts.
  r.post("/api/teach/classes/:code/prepare-boxes", teacher, json, (req, res) => {
    const c = answering(req, () => d.classes.ownedBy(teacherOf(res), codeOf(req)));
    if (c.endedAt !== null) throw new HttpError(409, "This class has ended.");
    const count = (req.body as { count?: unknown } | undefined)?.count;
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 200) throw new HttpError(400, "Give count, a whole number from 1 to 200.");
    res.json({ preparing: d.prepareBoxes?.(count as number) ?? 0 });
  });

  r.post("/api/teach/classes/:code/end", teacher, (req, res) => {
    const c = answering(req, () => d.classes.end(teacherOf(res), codeOf(req)));
    d.onClassEnded?.(c.code);
    res.json(c);
  });

  /** The learner of the request's path, once they are known to be in the teacher's class. */
  const learnerOfClass = (req: Request, res: express.Response) => {
    const learnerId = String(req.params.learnerId);
    const cls = answering(req, () => {
      const c = d.classes.ownedBy(teacherOf(res), codeOf(req));
      if (d.classes.membership(learnerId)?.class.code !== c.code) throw new ClassError(404, { en: "There is no such learner in this class.", "zh-CN": "这个班级里没有这位学员。" });
      return c;
    });
    return { learnerId, cls };
  };

  r.post("/api/teach/classes/:code/learners/:learnerId/reset-box", teacher, async (req, res) => {
    const { learnerId } = learnerOfClass(req, res);
    const removed = (await d.resetBox?.(learnerId)) ?? false;
    res.json({ removed });
  });

  r.post("/api/teach/classes/:code/learners/:learnerId/exercises/:exerciseId/reset", teacher, (req, res) => {
    const { learnerId, cls } = learnerOfClass(req, res);
    const exerciseId = String(req.params.exerciseId);
    if (!d.classes.exerciseIds(cls).includes(exerciseId)) throw new HttpError(404, `The class has no exercise ${exerciseId.slice(0, 60)}.`);
    d.resetExercise?.(learnerId, exerciseId);
    res.json({ reset: exerciseId });
  });

  r.get("/api/teach/classes/:code/export", teacher, (req, res) => {
    const format = req.query.format ?? "csv";
    if (format !== "csv" && format !== "json") throw new HttpError(400, "Export as csv or json.");
    const grades = gradeExport(answering(req, () => d.classes.grid(teacherOf(res), codeOf(req))));
    const file = `shiplab-${grades.class.code}-grades.${format}`;
    res.setHeader("Content-Disposition", `attachment; filename="${file}"`);
    if (format === "json") res.json(grades);
    else res.type("text/csv; charset=utf-8").send(gradesCsv(grades));
  });

  // --- the learner's side ------------------------------------------------------------------
  r.get("/api/join/:code", (req, res) => {
    res.json(answering(req, () => d.classes.preview(codeOf(req))));
  });

  r.post("/api/join", json, (req, res) => {
    const body = (req.body ?? {}) as { code?: unknown; name?: unknown };
    const joined = answering(req, () => d.classes.join(body.code, res.locals.learnerId as string, body.name));
    res.status(201).json({ class: { code: joined.class.code, name: joined.class.name }, displayName: joined.member.displayName, recoveryCode: joined.recoveryCode });
  });

  r.post("/api/recover", json, (req, res) => {
    const member = answering(req, () => d.classes.recover((req.body as { code?: unknown } | undefined)?.code));
    // This browser becomes that learner: the same progress, class and box as on the first device.
    res.append("Set-Cookie", d.sessions.setCookieHeader(member.learnerId));
    const cls = d.classes.membership(member.learnerId)!.class;
    res.json({ class: { code: cls.code, name: cls.name }, displayName: member.displayName });
  });

  r.get("/api/me", (_req, res) => {
    const m = d.classes.membership(res.locals.learnerId as string);
    res.json(m ? { class: { code: m.class.code, name: m.class.name, lessons: m.class.lessons }, displayName: m.member.displayName } : { class: null });
  });

  return r;
}
