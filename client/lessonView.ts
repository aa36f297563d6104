// The lesson's text and its exercises' items, as elements: markdown (marked + DOMPurify),
// Copy / Run buttons, answer forms. About a sixth of the page's script, none of it needed for
// the terminal's first prompt, so the page loads it on its own (loadLesson in lesson.ts),
// alongside the lesson's text, once the terminal has started.
import type { ExercisePayload, LessonPayload } from "../server/protocol.ts";
import { renderAnswerForm, type SubmitAnswer } from "./answer.ts";
import { t } from "./i18n.ts";
import { inlineMarkdownToSafeHtml, renderMarkdown, type RunHandler } from "./markdown.ts";

/** The lesson's title (when its markdown does not start with one) and its body. */
export function lessonBody(lesson: LessonPayload, onRun: RunHandler): HTMLElement[] {
  const body = renderMarkdown(lesson.markdown, onRun, "markdown lesson-body");
  if (/^\s*#\s/.test(lesson.markdown ?? "")) return [body];
  const h1 = document.createElement("h1");
  h1.textContent = lesson.title;
  return [h1, body];
}

/** One exercise's item: title, badge, task, answer form, hints. Its status is the pane's to apply. */
export function exerciseItem(ex: ExercisePayload, onRun: RunHandler, onSubmitAnswer: SubmitAnswer): HTMLElement {
  const li = document.createElement("li");
  li.className = "exercise";
  li.dataset.exercise = ex.id;

  const head = document.createElement("div");
  head.className = "exercise-head";
  const title = document.createElement("h3");
  title.className = "exercise-title";
  title.textContent = ex.title;
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.dataset.role = "badge";
  head.append(title, badge);

  const task = renderMarkdown(ex.task ?? "", onRun, "markdown exercise-task");

  const message = document.createElement("p");
  message.className = "exercise-message";
  message.dataset.role = "message";
  message.setAttribute("aria-live", "polite");

  li.append(head, task);
  // Exercises answered in the page get their form under the task (it stays usable once passed).
  const form = renderAnswerForm(ex, onSubmitAnswer);
  if (form) li.append(form);
  li.append(message);

  const hints = ex.hints ?? [];
  if (hints.length > 0) {
    const details = document.createElement("details");
    details.className = "exercise-hints";
    const summary = document.createElement("summary");
    summary.textContent = t("exercise.hints", { count: hints.length });
    const ol = document.createElement("ol");
    for (const hint of hints) {
      const item = document.createElement("li");
      item.innerHTML = inlineMarkdownToSafeHtml(hint);
      ol.append(item);
    }
    details.append(summary, ol);
    li.append(details);
  }

  return li;
}
