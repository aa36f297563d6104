// The lesson API: the list, and one lesson in one language with the learner's progress.
import { Router } from "express";
import type { LessonCatalog } from "../lessons/catalog.ts";
import { msg, type AnswerForm } from "../checks/types.ts";
import { isLang, LANGS, type AnswerFormPayload, type AnswerValue, type Lang, type LessonPayload, type LessonSummary } from "../protocol.ts";
import type { ProgressStore } from "../store/progressStore.ts";
import { personalize } from "../lessons/personalize.ts";
import { namespaceOf } from "../registry/namespace.ts";
import { HttpError } from "./httpError.ts";

export function langOf(raw: unknown): Lang {
  if (raw === undefined) return "en";
  if (isLang(raw)) return raw;
  throw new HttpError(400, `Unknown language ${String(raw).slice(0, 20)}: use one of ${LANGS.join(", ")}.`);
}

function localizeForm(form: AnswerForm, lang: Lang): AnswerFormPayload {
  if (form.kind === "text") return form;
  return { kind: "quiz", questions: form.questions.map((q) => ({ id: q.id, text: q.text[lang], choices: q.choices[lang] })) };
}

export function lessonRoutes(lessons: LessonCatalog, store: ProgressStore): Router {
  const r = Router();
  r.get("/api/lessons", (req, res) => {
    const lang = langOf(req.query.lang);
    const progress = store.forLearner(res.locals.learnerId as string);
    const list: LessonSummary[] = lessons.list().map((l) => ({
      id: l.id,
      order: l.order,
      title: l.title[lang],
      passed: l.exercises.filter((e) => progress.get(e.id)?.status === "passed").length,
      total: l.exercises.length,
    }));
    res.json(list);
  });
  r.get("/api/lessons/:id", (req, res) => {
    const lang = langOf(req.query.lang);
    const lesson = lessons.get(req.params.id);
    if (!lesson) {
      // In the page's language: the page shows this sentence as it is.
      const id = req.params.id.slice(0, 60);
      throw new HttpError(404, msg(`There is no lesson "${id}". Pick one from the list of lessons.`, `没有名为“${id}”的课程。请从课程列表里选一课。`)[lang]);
    }
    const progress = store.forLearner(res.locals.learnerId as string);
    const answers = store.answers(res.locals.learnerId as string);
    const vars = { namespace: namespaceOf(res.locals.learnerId as string) };
    const own = (text: string) => personalize(text, vars);
    const payload: LessonPayload = {
      id: lesson.id,
      title: lesson.title[lang],
      lang,
      markdown: own(lesson.body[lang]),
      exercises: lesson.exercises.map((e) => {
        const rec = progress.get(e.id);
        return {
          id: e.id,
          title: e.title[lang],
          task: own(e.task[lang]),
          hints: e.hints[lang].map(own),
          status: rec?.status ?? "pending",
          message: rec?.message[lang] ?? "",
          ...(e.answerForm ? { answerForm: localizeForm(e.answerForm, lang), answer: answers.get(e.id) as AnswerValue | undefined } : {}),
        };
      }),
    };
    res.json(payload);
  });
  return r;
}
