// The contract between the page and the server: HTTP payloads and socket.io events.
// Imported by both sides (types, and the languages both speak), so a change here is a change to both.

export type Lang = "en" | "zh-CN";
export const LANGS: readonly Lang[] = ["en", "zh-CN"];

/** Whether a value from outside (a query, a socket's handshake) names a language we speak. */
export const isLang = (raw: unknown): raw is Lang => LANGS.includes(raw as Lang);

/** The language a socket asked for, or English when it asked for none we speak. */
export const langOrEnglish = (raw: unknown): Lang => (isLang(raw) ? raw : "en");

export type ExerciseStatus = "pending" | "passed" | "failed";

/** One Engine API request a learner's `docker` made, as the "under the hood" panel shows it. */
export interface EngineApiCall {
  method: string;
  /** The request target, version prefix and query included (long ones cut short). */
  path: string;
  /** The daemon's HTTP status (101 for a hijacked stream: attach, exec); 0 when unknown. */
  status: number;
  /** When it was made (ms since the epoch) and how long the daemon took to answer. */
  at: number;
  ms: number;
}

/** GET /api/lessons → LessonSummary[] */
export interface LessonSummary {
  id: string;
  order: number;
  title: string;
  /** The requesting learner's exercises passed in this lesson, of `total`. */
  passed: number;
  total: number;
}

/** GET /api/lessons/:id?lang=xx → LessonPayload. Errors: { error: string } with 4xx/5xx. */
export interface LessonPayload {
  id: string;
  title: string;
  lang: Lang;
  /** Markdown; the page renders it with marked and sanitises it with DOMPurify. */
  markdown: string;
  exercises: ExercisePayload[];
}

export interface ExercisePayload {
  id: string;
  title: string;
  /** Markdown: what the learner has to do. */
  task: string;
  hints: string[];
  status: ExerciseStatus;
  /** Why it passed or failed, in the page's language; empty while pending. */
  message: string;
  /** Present on exercises the learner answers in the page (not by a command). */
  answerForm?: AnswerFormPayload;
  /** The learner's last submitted answer, to fill the form again. */
  answer?: AnswerValue;
}

/** A text answer, or quiz choices: question id → index of the chosen choice. */
export type AnswerValue = string | Record<string, number>;

export type AnswerFormPayload =
  | { kind: "text" }
  | { kind: "quiz"; questions: { id: string; text: string; choices: string[] }[] };

export interface AnswerSubmission {
  exerciseId: string;
  answer: AnswerValue;
}

/** The server's acknowledgement of a submission; the check's result follows as an `exercise` event. */
export interface AnswerAck {
  ok: boolean;
  /** Why it was refused (malformed answer, unknown exercise), in the page's language. */
  message: string;
}

/** Socket handshake: io({ query: { lang, lesson } }); the learner comes from the signed cookie. */

// server → page
export interface ServerToClient {
  /** Terminal output (batched). */
  "term:output": (data: string) => void;
  /** Sent once right after attaching: recent output to repaint the screen. */
  "term:replay": (data: string) => void;
  /** The state of the learner's box and shell, with a sentence for the learner. */
  "box:state": (state: BoxStatePayload) => void;
  /** An exercise's status changed (or was re-checked). */
  exercise: (update: ExerciseUpdate) => void;
  /** A request from this page was malformed and ignored (no page sends one; a tool might). */
  "request:refused": (refusal: RequestRefusal) => void;
  /** Whether results are being saved (false while the server's disk is full), with a sentence. */
  "progress:saving": (state: ProgressSaving) => void;
  /** Engine API requests the learner's `docker` made: the recent ones on connecting (`earlier`), then each as it is answered. */
  "engine:calls": (batch: { calls: EngineApiCall[]; earlier: boolean }) => void;
}

export interface ProgressSaving {
  saving: boolean;
  message: string;
}

export interface RequestRefusal {
  /** The event that was refused, as the client named it (cut to 64 characters). */
  event: string;
  /** Why, in the page's language. */
  message: string;
}

// page → server
export interface ClientToServer {
  "term:input": (data: string) => void;
  "term:resize": (size: { cols: number; rows: number }) => void;
  /** Re-run the checks of the current lesson now (the fallback "Check" button). */
  "check:run": () => void;
  /** Ends the shell (and whatever program holds it) and opens a new one in the same box. */
  "term:restart": () => void;
  /** An answer typed or chosen in the page, for an exercise that has an answerForm. */
  "answer:submit": (submission: AnswerSubmission, ack: (result: AnswerAck) => void) => void;
}

export type BoxState = "starting" | "ready" | "reconnected" | "shell-exited" | "error";

export interface BoxStatePayload {
  state: BoxState;
  message: string;
}

export interface ExerciseUpdate {
  id: string;
  status: ExerciseStatus;
  message: string;
}

// --- the teacher's dashboard (socket.io namespace /teach) ----------------------------------

export type LearnerBoxState = "starting" | "ready" | "dead" | "reaped" | "error";

/** One learner's row as the dashboard shows it. */
export interface DashboardRow {
  learnerId: string;
  displayName: string;
  joinedAt: number;
  passed: number;
  lastProgressAt: number;
  cells: Record<string, { status: ExerciseStatus; at: number; attempts: number }>;
  /** The lesson their page has open, and their box's state, as last seen (undefined: not seen since the server started). */
  lessonId?: string;
  box?: LearnerBoxState;
}

export interface DashboardSnapshot {
  class: { code: string; name: string; lessons: string[]; endsAt: number | null; maxLearners: number | null; endedAt: number | null };
  exercises: { id: string; lessonId: string; title: string }[];
  learners: DashboardRow[];
  joinPath: string;
}

export type WatchAck = { ok: true; snapshot: DashboardSnapshot } | { ok: false; error: string };

export type TerminalWatchAck = { ok: true; replay: string } | { ok: false; error: string };

export interface TeacherToServer {
  /** Watch a class of this teacher's: the answer is its snapshot; then "row" events follow. */
  "class:watch": (req: { code: string; lang?: Lang }, ack: (a: WatchAck) => void) => void;
  /** Watch a learner's terminal, read-only (one at a time): replay first, then "terminal:output". */
  "terminal:watch": (req: { learnerId: string; lang?: Lang }, ack: (a: TerminalWatchAck) => void) => void;
  "terminal:unwatch": () => void;
}

export interface ServerToTeacher {
  /** A learner's row changed (progress, joined, box, lesson): the whole row, to replace. */
  row: (update: { code: string; row: DashboardRow }) => void;
  "terminal:output": (update: { learnerId: string; data: string }) => void;
  /** The watched shell went away (the learner left, or their box did): watch again later. */
  "terminal:ended": (update: { learnerId: string }) => void;
}
