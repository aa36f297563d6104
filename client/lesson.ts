// The left pane: fetching lessons, rendering the lesson and its exercises, keeping statuses current.
import type {
  ExercisePayload,
  ExerciseStatus,
  ExerciseUpdate,
  Lang,
  LessonPayload,
  LessonSummary,
} from "../server/protocol.ts";
import type { SubmitAnswer } from "./answer.ts";
import { t } from "./i18n.ts";
import type { RunHandler } from "./markdown.ts";

/** What renders a lesson's text and exercises (lessonView.ts), loaded apart from the page's first scripts. */
export type LessonView = typeof import("./lessonView.ts");

// ---------------------------------------------------------------------------------------------
// Fetching

type LessonFailure = { ok: false; message: string; status?: number };
export type LessonResult = { ok: true; lesson: LessonPayload } | LessonFailure;
export type LessonLoad = { ok: true; lesson: LessonPayload; view: LessonView } | LessonFailure;

/** GET /api/lessons, sorted by `order`. Throws on network failure or a non-2xx answer. */
export async function fetchLessonList(lang: Lang): Promise<LessonSummary[]> {
  let res: Response;
  try {
    res = await fetch(`/api/lessons?lang=${encodeURIComponent(lang)}`, {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    throw new Error(t("lesson.networkError"));
  }
  if (!res.ok) throw new Error(await errorSentence(res));
  const list = (await res.json().catch(() => null)) as LessonSummary[] | null;
  if (!Array.isArray(list)) throw new Error(t("lesson.listFailed"));
  return [...list].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** GET /api/lessons/:id?lang=xx. Never throws: failures come back as a sentence to show. */
export async function fetchLesson(id: string, lang: Lang): Promise<LessonResult> {
  let res: Response;
  try {
    res = await fetch(`/api/lessons/${encodeURIComponent(id)}?lang=${encodeURIComponent(lang)}`, {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, message: t("lesson.networkError") };
  }
  if (!res.ok) return { ok: false, message: await errorSentence(res), status: res.status };
  try {
    return { ok: true, lesson: (await res.json()) as LessonPayload };
  } catch {
    return { ok: false, message: t("lesson.badResponse") };
  }
}

/**
 * The lesson and its view (lessonView.ts), fetched side by side. Never throws: a failure of
 * either comes back as a sentence to show.
 */
export async function loadLesson(id: string, lang: Lang): Promise<LessonLoad> {
  const view = import("./lessonView.ts").catch(() => undefined);
  const result = await fetchLesson(id, lang);
  if (!result.ok) return result;
  const loaded = await view;
  return loaded ? { ...result, view: loaded } : { ok: false, message: t("lesson.viewFailed") };
}

/** The server's `{ error }` sentence, or a generic one naming the HTTP status. */
async function errorSentence(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (body && typeof body.error === "string" && body.error.trim()) return body.error;
  } catch {
    /* not JSON */
  }
  return t("lesson.httpError", { status: res.status });
}

// ---------------------------------------------------------------------------------------------
// Rendering

export interface LessonPaneOptions {
  /** Types command lines into the terminal. */
  onRun: RunHandler;
  /** Asks the server to re-run the checks (socket `check:run`). */
  onCheck: () => void;
  /**
   * Sends an answer typed or chosen in the page (socket `answer:submit`). Always resolves: refusals,
   * "not connected" and timeouts come back as `{ ok: false, message }`. The check's result then
   * arrives through updateExercise like any other.
   */
  onSubmitAnswer: SubmitAnswer;
}

const CHECK_TIMEOUT_MS = 5000;

export class LessonPane {
  private readonly root: HTMLElement;
  private readonly opts: LessonPaneOptions;
  /** Updates that arrived before the lesson was rendered; applied on render. */
  private readonly early = new Map<string, ExerciseUpdate>();
  private rendered = false;
  private connected = false;
  private checkButton: HTMLButtonElement | null = null;
  private progress: HTMLElement | null = null;
  private checkTimer: number | undefined;

  constructor(root: HTMLElement, opts: LessonPaneOptions) {
    this.root = root;
    this.opts = opts;
  }

  showLoading(): void {
    this.rendered = false;
    this.root.replaceChildren(notice("loading", t("lesson.loading")));
    this.root.setAttribute("aria-busy", "true");
  }

  showEmpty(): void {
    this.rendered = false;
    this.root.removeAttribute("aria-busy");
    this.root.replaceChildren(notice("empty", t("lesson.empty")));
  }

  /**
   * An error sentence, with a link to the first lesson (or home when there is none), and a
   * "Try again" button unless trying again cannot help (a lesson that does not exist).
   */
  showError(message: string, firstLessonHref: string, canRetry = true): void {
    this.rendered = false;
    this.root.removeAttribute("aria-busy");
    const box = notice("error", message);
    box.setAttribute("role", "alert");
    const actions = document.createElement("p");
    actions.className = "notice-actions";
    const back = document.createElement("a");
    back.href = firstLessonHref;
    back.className = "button-link";
    back.dataset.testid = "back-to-first";
    back.textContent = t("lesson.backToFirst");
    actions.append(back);
    if (canRetry) {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "secondary";
      retry.textContent = t("lesson.retry");
      retry.addEventListener("click", () => location.reload());
      actions.append(" ", retry);
    }
    box.append(actions);
    this.root.replaceChildren(box);
  }

  /** Renders the lesson with the view loadLesson() fetched beside it. */
  render(lesson: LessonPayload, view: LessonView): void {
    this.root.removeAttribute("aria-busy");
    const article = document.createElement("article");
    article.className = "lesson";
    article.dataset.lesson = lesson.id;

    article.append(...view.lessonBody(lesson, this.opts.onRun));
    article.append(this.renderExercises(lesson.exercises ?? [], view));
    this.root.replaceChildren(article);
    // Only a re-render needs scrolling back: on the first, the pane is already at the top, and
    // writing scrollTop would lay the whole lesson out inside this task, holding back the
    // terminal's first messages (the browser lays it out with the next frame anyway).
    if (this.rendered) this.root.scrollTop = 0;
    this.rendered = true;

    for (const update of this.early.values()) this.updateExercise(update);
    this.early.clear();
    this.updateProgress();
  }

  /** Applies a socket `exercise` event. */
  updateExercise(update: ExerciseUpdate): void {
    this.stopChecking();
    const el = this.findExercise(update.id);
    if (!el) {
      if (!this.rendered) this.early.set(update.id, update);
      return;
    }
    applyStatus(el, update.status, update.message, true);
    this.updateProgress();
  }

  /** Enables "Check now" only while the socket is connected. */
  setConnected(connected: boolean): void {
    this.connected = connected;
    if (!connected) this.stopChecking();
    if (this.checkButton) this.checkButton.disabled = !connected;
  }

  private findExercise(id: string): HTMLElement | null {
    for (const el of this.root.querySelectorAll<HTMLElement>("[data-exercise]")) {
      if (el.dataset.exercise === id) return el;
    }
    return null;
  }

  private renderExercises(exercises: ExercisePayload[], view: LessonView): HTMLElement {
    const section = document.createElement("section");
    section.className = "exercises";
    section.setAttribute("aria-labelledby", "exercises-heading");

    const head = document.createElement("header");
    head.className = "exercises-head";
    const h2 = document.createElement("h2");
    h2.id = "exercises-heading";
    h2.textContent = t("exercises.heading");
    head.append(h2);

    if (exercises.length === 0) {
      this.checkButton = null;
      this.progress = null;
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = t("exercises.none");
      section.append(head, p);
      return section;
    }

    const progress = document.createElement("span");
    progress.className = "exercises-progress";
    progress.setAttribute("aria-live", "polite");
    this.progress = progress;

    const check = document.createElement("button");
    check.type = "button";
    check.className = "check-button";
    check.dataset.testid = "check-now";
    check.textContent = t("exercises.check");
    check.disabled = !this.connected;
    check.addEventListener("click", () => this.startChecking());
    this.checkButton = check;

    head.append(progress, check);

    const list = document.createElement("ol");
    list.className = "exercise-list";
    for (const ex of exercises) {
      const item = view.exerciseItem(ex, this.opts.onRun, this.opts.onSubmitAnswer);
      applyStatus(item, ex.status, ex.message, false);
      list.append(item);
    }
    section.append(head, list);
    return section;
  }

  private startChecking(): void {
    if (!this.checkButton || !this.connected) return;
    this.opts.onCheck();
    this.checkButton.disabled = true;
    this.checkButton.textContent = t("exercises.checking");
    window.clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => this.stopChecking(), CHECK_TIMEOUT_MS);
  }

  private stopChecking(): void {
    window.clearTimeout(this.checkTimer);
    this.checkTimer = undefined;
    if (!this.checkButton) return;
    this.checkButton.textContent = t("exercises.check");
    this.checkButton.disabled = !this.connected;
  }

  private updateProgress(): void {
    if (!this.progress) return;
    const all = this.root.querySelectorAll<HTMLElement>("[data-exercise]");
    const passed = [...all].filter((el) => el.dataset.status === "passed").length;
    this.progress.textContent = t("exercises.progress", { passed, total: all.length });
    this.progress.classList.toggle("all-done", all.length > 0 && passed === all.length);
  }
}

function notice(kind: string, text: string): HTMLElement {
  const box = document.createElement("div");
  box.className = `notice notice-${kind}`;
  box.dataset.testid = `lesson-${kind}`;
  const p = document.createElement("p");
  p.className = "notice-text";
  p.textContent = text;
  box.append(p);
  return box;
}

function normalizeStatus(status: string): ExerciseStatus {
  return status === "passed" || status === "failed" ? status : "pending";
}

function applyStatus(el: HTMLElement, rawStatus: ExerciseStatus, message: string, animate: boolean): void {
  const status = normalizeStatus(rawStatus);
  const before = el.dataset.status;
  el.dataset.status = status;

  const badge = el.querySelector<HTMLElement>('[data-role="badge"]');
  if (badge) {
    badge.textContent = status === "passed" ? t("exercise.passed") : t("exercise.notYet");
    badge.className = `badge badge-${status}`;
  }
  const msg = el.querySelector<HTMLElement>('[data-role="message"]');
  if (msg) {
    msg.textContent = message ?? "";
    msg.hidden = !message;
  }

  if (animate && status === "passed" && before !== "passed") {
    el.classList.remove("just-passed");
    void el.offsetWidth; // restart the animation
    el.classList.add("just-passed");
    window.setTimeout(() => el.classList.remove("just-passed"), 2000);
  } else if (animate && status === "failed") {
    el.classList.remove("just-failed");
    void el.offsetWidth;
    el.classList.add("just-failed");
    window.setTimeout(() => el.classList.remove("just-failed"), 800);
  }
}
