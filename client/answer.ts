// The answer form of an exercise answered in the page (not by a command): a text box or a quiz.
//
// DOM hooks (for tests):
//   form   [data-role="answer-form"][data-kind="text"|"quiz"]   (aria-busy="true" while waiting)
//   text   input[data-role="answer-input"]
//   quiz   fieldset[data-role="quiz-question"] > input[type=radio][data-question="<id>"][value="<index>"]
//   both   button[data-role="answer-submit"], [data-role="answer-error"] (hidden when empty)
import type { AnswerAck, AnswerFormPayload, AnswerValue, ExercisePayload } from "../server/protocol.ts";
import { t } from "./i18n.ts";
import { inlineMarkdownToSafeHtml } from "./markdown.ts";

/** Sends an answer; always resolves (refusals, "not connected" and timeouts come back as ok: false). */
export type SubmitAnswer = (exerciseId: string, answer: AnswerValue) => Promise<AnswerAck>;

type QuizQuestion = Extract<AnswerFormPayload, { kind: "quiz" }>["questions"][number];

/** The server's limit on a text answer. */
const MAX_TEXT = 200;

/** The form for `ex.answerForm`, filled with `ex.answer`; null when there is none (or it is malformed). */
export function renderAnswerForm(ex: ExercisePayload, submit: SubmitAnswer): HTMLFormElement | null {
  const spec = ex.answerForm;
  if (!spec || typeof spec !== "object") return null;
  if (spec.kind === "text") return buildForm(ex.id, "text", textField(ex.answer), submit);
  if (spec.kind === "quiz" && Array.isArray(spec.questions) && spec.questions.length > 0) {
    return buildForm(ex.id, "quiz", quizFields(ex.id, spec.questions, ex.answer), submit);
  }
  return null;
}

interface Fields {
  /** The elements above the Submit button. */
  nodes: HTMLElement[];
  /** The answer to send, or a sentence saying why nothing can be sent yet. */
  collect: () => { answer: AnswerValue } | { problem: string };
  /** Where to put the focus after a problem. */
  focus: () => void;
}

function buildForm(exerciseId: string, kind: "text" | "quiz", fields: Fields, submit: SubmitAnswer): HTMLFormElement {
  const form = document.createElement("form");
  form.className = `answer-form answer-${kind}`;
  form.dataset.role = "answer-form";
  form.dataset.kind = kind;
  form.noValidate = true;
  form.autocomplete = "off";

  const button = document.createElement("button");
  button.type = "submit";
  button.className = "answer-submit";
  button.dataset.role = "answer-submit";
  button.textContent = t("answer.submit");

  const error = document.createElement("span");
  error.className = "answer-error";
  error.dataset.role = "answer-error";
  error.setAttribute("aria-live", "assertive");
  error.hidden = true;

  const showError = (message: string): void => {
    error.textContent = message;
    error.hidden = !message;
  };

  const actions = document.createElement("div");
  actions.className = "answer-actions";
  actions.append(button, error);

  if (kind === "text") {
    // One row: the input, then the button and the error beside it.
    const row = document.createElement("div");
    row.className = "answer-row";
    row.append(...fields.nodes, actions);
    form.append(row);
  } else {
    form.append(...fields.nodes, actions);
  }

  let pending = false;
  // Enter in the text input submits the form natively (implicit submission), like the button does.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (pending) return;
    const collected = fields.collect();
    if ("problem" in collected) {
      showError(collected.problem);
      fields.focus();
      return;
    }
    pending = true;
    button.disabled = true;
    button.textContent = t("answer.checking");
    form.setAttribute("aria-busy", "true");

    void submit(exerciseId, collected.answer)
      .catch((err: unknown): AnswerAck => ({
        ok: false,
        message: err instanceof Error && err.message ? err.message : t("answer.failed"),
      }))
      .then((ack) => {
        pending = false;
        button.disabled = false;
        button.textContent = t("answer.submit");
        form.removeAttribute("aria-busy");
        // When ok, the check's result arrives as an `exercise` event and updates the status line.
        showError(ack.ok ? "" : ack.message || t("answer.failed"));
      });
  });

  return form;
}

function textField(previous: AnswerValue | undefined): Fields {
  const input = document.createElement("input");
  input.type = "text";
  input.className = "answer-input";
  input.dataset.role = "answer-input";
  input.maxLength = MAX_TEXT;
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("autocapitalize", "off");
  input.placeholder = t("answer.placeholder");
  input.setAttribute("aria-label", t("answer.label"));
  if (typeof previous === "string") input.value = previous.slice(0, MAX_TEXT);

  return {
    nodes: [input],
    collect: () => (input.value.trim() ? { answer: input.value } : { problem: t("answer.empty") }),
    focus: () => input.focus(),
  };
}

function quizFields(exerciseId: string, questions: QuizQuestion[], previous: AnswerValue | undefined): Fields {
  const chosen: Record<string, number> = previous && typeof previous === "object" ? previous : {};
  const radios: { id: string; inputs: HTMLInputElement[] }[] = [];
  const nodes: HTMLElement[] = [];

  questions.forEach((q, n) => {
    const fieldset = document.createElement("fieldset");
    fieldset.className = "quiz-question";
    fieldset.dataset.role = "quiz-question";

    const legend = document.createElement("legend");
    legend.className = "quiz-question-text";
    const number = document.createElement("span");
    number.className = "quiz-number";
    number.textContent = `${n + 1}.`;
    const text = document.createElement("span");
    text.innerHTML = inlineMarkdownToSafeHtml(q.text ?? "");
    legend.append(number, " ", text);
    fieldset.append(legend);

    const name = `answer:${exerciseId}:${q.id}`;
    const inputs: HTMLInputElement[] = [];
    const choices = Array.isArray(q.choices) ? q.choices : [];
    choices.forEach((choice, index) => {
      const label = document.createElement("label");
      label.className = "quiz-choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = String(index);
      input.dataset.question = q.id;
      input.checked = chosen[q.id] === index;
      const span = document.createElement("span");
      span.className = "quiz-choice-text";
      span.innerHTML = inlineMarkdownToSafeHtml(choice ?? "");
      label.append(input, span);
      fieldset.append(label);
      inputs.push(input);
    });

    radios.push({ id: q.id, inputs });
    nodes.push(fieldset);
  });

  return {
    nodes,
    // Unanswered questions are left out; the server says what is missing.
    collect: () => {
      const answer: Record<string, number> = {};
      for (const { id, inputs } of radios) {
        const checked = inputs.find((i) => i.checked);
        if (checked) answer[id] = Number(checked.value);
      }
      return { answer };
    },
    focus: () => radios[0]?.inputs[0]?.focus(),
  };
}
