// Multiple-choice questions: each right choice is declared in the lesson.
import { LANGS, type Lang } from "../protocol.ts";
import { stringParam } from "./imageMatch.ts";
import { AnswerError, CheckParamError, msg, type CheckKind, type Localized } from "./types.ts";

interface Question {
  id: string;
  text: Localized;
  choices: Record<Lang, string[]>;
  answer: number;
}

interface Params {
  questions: Question[];
}

function question(raw: Record<string, unknown>): Question {
  const id = stringParam(raw?.id, "question id");
  const text = {} as Localized;
  const choices = {} as Record<Lang, string[]>;
  for (const lang of LANGS) {
    text[lang] = stringParam(raw[lang], `question ${id} ${lang}`);
    const c = (raw.choices as Record<string, unknown> | undefined)?.[lang];
    if (!Array.isArray(c) || c.length < 2 || !c.every((x) => typeof x === "string")) {
      throw new CheckParamError(`question ${id} needs at least two ${lang} choices`);
    }
    choices[lang] = c as string[];
  }
  if (choices.en.length !== choices["zh-CN"].length) throw new CheckParamError(`question ${id} has different choices per language`);
  const answer = raw.answer;
  if (!Number.isInteger(answer) || (answer as number) < 0 || (answer as number) >= choices.en.length) {
    throw new CheckParamError(`question ${id}: answer must be the index of one of its choices`);
  }
  return { id, text, choices, answer: answer as number };
}

export const quiz: CheckKind<Params> = {
  kind: "quiz",
  triggers: [],
  parse(raw) {
    if (!Array.isArray(raw.questions) || raw.questions.length === 0) throw new CheckParamError("questions must be a non-empty list");
    const questions = (raw.questions as Record<string, unknown>[]).map(question);
    if (new Set(questions.map((q) => q.id)).size !== questions.length) throw new CheckParamError("question ids must be unique");
    return { questions };
  },
  answerForm: (p) => ({ kind: "quiz", questions: p.questions.map(({ id, text, choices }) => ({ id, text, choices })) }),
  parseAnswer(p, raw) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      throw new AnswerError(msg("a quiz answer maps question ids to choice numbers", "测验答案应把题目编号对应到选项序号"));
    }
    const out: Record<string, number> = {};
    for (const q of p.questions) {
      const v = (raw as Record<string, unknown>)[q.id];
      if (v === undefined) continue;
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= q.choices.en.length) {
        throw new AnswerError(msg(`question ${q.id}: choose one of its ${q.choices.en.length} choices`, `第 ${q.id} 题：请从它的 ${q.choices.en.length} 个选项中选一个`));
      }
      out[q.id] = v as number;
    }
    return out;
  },
  async run(ctx, p) {
    const answer = (ctx.answer ?? {}) as Record<string, number>;
    const answered = p.questions.filter((q) => answer[q.id] !== undefined);
    if (answered.length === 0) {
      return { passed: false, attempted: false, message: msg("Choose an answer for each question, then press Submit.", "为每道题选择一个答案，然后点击“提交”。") };
    }
    const wrong = p.questions.filter((q) => answer[q.id] !== q.answer);
    if (wrong.length === 0) return { passed: true, message: msg("All answers are right.", "全部回答正确。") };
    const right = p.questions.length - wrong.length;
    return {
      passed: false,
      message: msg(
        `${right} of ${p.questions.length} right. Look again at: ${wrong.map((q) => q.text.en.replace(/\*\*/g, "").slice(0, 50)).join(" / ")}`,
        `答对 ${right} / ${p.questions.length} 题。再看看：${wrong.map((q) => q.text["zh-CN"].replace(/\*\*/g, "").slice(0, 30)).join(" / ")}`,
      ),
    };
  },
};
