// Event-driven grading: each learner's box daemon is watched; an event re-runs only the
// exercises whose checks it can affect; changed results are stored and announced.
import type { Lang } from "../protocol.ts";
import type { Logger } from "../log.ts";
import type { Exercise, LessonCatalog } from "../lessons/catalog.ts";
import type { Box } from "../sandbox/sandboxManager.ts";
import { type ExerciseRecord, type ProgressStore, StoreWriteError } from "../store/progressStore.ts";
import { BoxWatcher } from "./boxWatcher.ts";
import { msg, type CheckContext, type CheckResult, type Trigger } from "./types.ts";

const DEBOUNCE_MS = 30;
/** How often checks that read containers' output run again (no daemon event tells of new output). */
const OUTPUT_POLL_MS = 3_000;
const CHECK_TIMEOUT_MS = 15_000;
/** How soon a result the store could not save (a full disk) is checked and saved again. */
const SAVE_RETRY_MS = 10_000;
/** Wrong answers allowed per answer exercise; a teacher's reset gives them back. */
export const MAX_ANSWER_TRIES = 5;

/** What a check may use beside the box daemon: the lab registry, a probe into the box. */
export type ContextFor = (box: Box) => Omit<CheckContext, "docker" | "signal" | "answer">;

interface Watch {
  box: Box;
  boxId: string;
  watcher: BoxWatcher;
  due: Set<Trigger> | "all";
  timer: NodeJS.Timeout | undefined;
  /** Re-runs the output-reading checks every OUTPUT_POLL_MS. */
  outputPoll: NodeJS.Timeout;
  running: Promise<void> | undefined;
  again: boolean;
  /** Set while a result waits to be saved again (the store's disk was full). */
  retry: NodeJS.Timeout | undefined;
}

interface LearnerState {
  stored: Map<string, ExerciseRecord>;
  answers: Map<string, unknown>;
  /** When the learner first opened each lesson. */
  opened: Map<string, number>;
  /** When a teacher reset each reset exercise. */
  resets: Map<string, number>;
}

export type UpdateListener = (learnerId: string, record: ExerciseRecord) => void;
/** Whether the learner's results are being saved (false: the store's disk is full). */
export type SavingListener = (learnerId: string, saving: boolean) => void;

/** Runs one check with a time-out; a daemon that does not answer gives a sentence, not a crash. */
export async function runCheck(
  exercise: Exercise,
  docker: import("dockerode"),
  extra: Omit<CheckContext, "docker" | "signal"> = {},
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<CheckResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        passed: false,
        message: msg(
          "Checking took too long: your box's Docker daemon did not answer in time. Try again in a moment.",
          "检查超时：你的沙箱里的 Docker 守护进程没有及时响应。请稍后再试。",
        ),
      });
    }, timeoutMs);
  });
  try {
    return await Promise.race([exercise.check.kind.run({ ...extra, docker, signal: controller.signal }, exercise.check.params), timeout]);
  } catch (err) {
    return {
      passed: false,
      message: msg(
        `Could not check: your box's Docker daemon answered "${(err as Error).message}". Is the box still running?`,
        `无法检查：沙箱里的 Docker 守护进程返回了 "${(err as Error).message}"。沙箱还在运行吗？`,
      ),
    };
  } finally {
    clearTimeout(timer);
  }
}

export class Grader {
  private readonly watches = new Map<string, Watch>();
  private readonly listeners = new Set<UpdateListener>();
  private readonly savingListeners = new Set<SavingListener>();
  /** Learners with a result the store could not save yet. */
  private readonly unsaved = new Set<string>();
  private disposed = false;

  constructor(
    private readonly lessons: LessonCatalog,
    private readonly store: ProgressStore,
    private readonly log: Logger,
    private readonly contextFor: ContextFor = () => ({}),
  ) {}

  onUpdate(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onSaving(listener: SavingListener): () => void {
    this.savingListeners.add(listener);
    return () => this.savingListeners.delete(listener);
  }

  /** False while a result of this learner waits for space to be saved. */
  saving(learnerId: string): boolean {
    return !this.unsaved.has(learnerId);
  }

  /** Starts (or keeps) watching the learner's box; runs every check once to catch up. */
  watch(learnerId: string, box: Box): void {
    if (this.disposed) return;
    const current = this.watches.get(learnerId);
    if (current?.boxId === box.id) return;
    this.unwatch(learnerId);
    const w: Watch = {
      box,
      boxId: box.id,
      watcher: new BoxWatcher(box.socketPath, (type) => this.schedule(learnerId, type)),
      due: new Set(),
      timer: undefined,
      // Cheap when no such exercise is open and unpassed: runOne skips those at once.
      outputPoll: setInterval(() => this.schedule(learnerId, "output"), OUTPUT_POLL_MS).unref(),
      running: undefined,
      again: false,
      retry: undefined,
    };
    this.watches.set(learnerId, w);
    w.watcher.start();
    this.schedule(learnerId, "all");
  }

  unwatch(learnerId: string): void {
    const w = this.watches.get(learnerId);
    if (!w) return;
    this.watches.delete(learnerId);
    w.watcher.dispose();
    clearInterval(w.outputPoll);
    if (w.timer) clearTimeout(w.timer);
    if (w.retry) clearTimeout(w.retry);
  }

  /**
   * The learner's page has a lesson open: its exercises count from the first time. Checks
   * run now, so an exercise already done since then turns green.
   */
  openLesson(learnerId: string, lessonId: string): void {
    if (!this.lessons.get(lessonId)) return;
    try {
      this.store.openLesson(learnerId, lessonId, Date.now());
    } catch (err) {
      if (!(err instanceof StoreWriteError)) throw err;
      this.log.error(`lesson ${lessonId} opened by learner ${learnerId} not saved: ${err.message}`);
    }
    this.schedule(learnerId, "all");
  }

  /**
   * A teacher resets an exercise: its result and answer go, and only what the learner does
   * from now on counts for it. The learner's page hears it is pending again.
   */
  resetExercise(learnerId: string, exerciseId: string): ExerciseRecord | undefined {
    const ex = this.lessons.exercise(exerciseId);
    if (!ex) return undefined;
    const now = Date.now();
    this.store.resetExercise(learnerId, exerciseId, now);
    const rec: ExerciseRecord = {
      exerciseId,
      status: "pending",
      message: msg("Your teacher reset this exercise: do it again.", "老师重置了这个练习：请再做一遍。"),
      updatedAt: now,
      attempts: 0,
    };
    for (const l of this.listeners) l(learnerId, rec);
    this.schedule(learnerId, "all");
    return rec;
  }

  /** The "Check" button: re-run every check of this learner now. */
  async checkNow(learnerId: string): Promise<void> {
    const w = this.watches.get(learnerId);
    if (!w) return;
    w.due = "all";
    await this.runDue(learnerId, w, true);
  }

  /** Re-runs one exercise now, as the learner's own act (a submitted answer). */
  async checkExercise(learnerId: string, exerciseId: string): Promise<void> {
    const w = this.watches.get(learnerId);
    const ex = this.lessons.exercise(exerciseId);
    if (!w || !ex) return;
    await this.runOne(learnerId, w, ex, true, this.learnerState(learnerId), true);
  }

  /** How many more wrong answers the learner may give to an answer exercise. */
  answerTriesLeft(learnerId: string, exerciseId: string): number {
    const rec = this.store.forLearner(learnerId).get(exerciseId);
    return rec?.status === "passed" ? MAX_ANSWER_TRIES : Math.max(0, MAX_ANSWER_TRIES - (rec?.attempts ?? 0));
  }

  /** How many boxes are being watched (for leak counts). */
  get watchCount(): number {
    return this.watches.size;
  }

  records(learnerId: string): Map<string, ExerciseRecord> {
    return this.store.forLearner(learnerId);
  }

  private schedule(learnerId: string, type: Trigger | "all"): void {
    const w = this.watches.get(learnerId);
    if (!w) return;
    if (type === "all") w.due = "all";
    else if (w.due !== "all") w.due.add(type);
    if (w.timer) return;
    w.timer = setTimeout(() => {
      w.timer = undefined;
      void this.runDue(learnerId, w, type !== "all");
    }, DEBOUNCE_MS);
  }

  private async runDue(learnerId: string, w: Watch, byLearner: boolean): Promise<void> {
    if (w.running) {
      w.again = true;
      return w.running;
    }
    const due = w.due;
    w.due = new Set();
    w.running = this.runExercises(learnerId, w, due, byLearner)
      .catch((err: Error) => this.log.warn(`grading learner ${learnerId}: ${err.message}`))
      .finally(() => {
      w.running = undefined;
      if (w.again && this.watches.get(learnerId) === w) {
        w.again = false;
        void this.runDue(learnerId, w, true);
      }
    });
    return w.running;
  }

  /** What the checks of one learner need from the store, read once per run. */
  private learnerState(learnerId: string): LearnerState {
    return {
      stored: this.store.forLearner(learnerId),
      answers: this.store.answers(learnerId),
      opened: this.store.lessonsOpened(learnerId),
      resets: this.store.resets(learnerId),
    };
  }

  private async runExercises(learnerId: string, w: Watch, due: Set<Trigger> | "all", byLearner: boolean): Promise<void> {
    const state = this.learnerState(learnerId);
    for (const ex of this.lessons.exercises()) {
      if (this.disposed || this.watches.get(learnerId) !== w) return;
      if (due !== "all" && !ex.check.kind.triggers.some((t) => due.has(t))) continue;
      // A submitted answer is judged when submitted, never again on later events: a guess
      // must not turn right by itself (a container that happens to get the guessed IP).
      if (ex.answerForm && state.answers.has(ex.id)) continue;
      await this.runOne(learnerId, w, ex, byLearner, state);
    }
  }

  private async runOne(
    learnerId: string,
    w: Watch,
    ex: Exercise,
    byLearner: boolean,
    { stored, answers, opened, resets }: LearnerState,
    /** A submitted answer: recorded even when the result is the same, so each try counts. */
    submitted = false,
  ): Promise<void> {
    if (stored.get(ex.id)?.status === "passed") return;
    // Only lessons the learner has opened are checked, and only what they did since (or
    // since a teacher reset the exercise): nothing passes before the learner gets to it.
    const openedAt = opened.get(ex.lessonId);
    if (openedAt === undefined) return;
    const since = Math.max(openedAt, resets.get(ex.id) ?? 0);
    const answer = ex.answerForm ? answers.get(ex.id) : undefined;
    const result = await runCheck(ex, w.watcher.docker, { ...this.contextFor(w.box), answer, since, autoRemoved: w.watcher.autoRemoved });
    if (this.disposed || this.watches.get(learnerId) !== w) return;
    const previous = stored.get(ex.id);
    // "failed" means the learner tried and got it wrong; nothing tried yet stays "pending".
    const status = result.passed
      ? "passed"
      : result.attempted !== false && (byLearner || previous?.status === "failed")
        ? "failed"
        : "pending";
    if (!submitted && previous && previous.status === status && previous.message.en === result.message.en) return;
    let rec: ExerciseRecord;
    try {
      rec = this.store.record(learnerId, { exerciseId: ex.id, status, message: result.message, updatedAt: Date.now() });
    } catch (err) {
      if (!(err instanceof StoreWriteError)) throw err;
      return this.saveFailed(learnerId, w, err);
    }
    this.saved(learnerId);
    stored.set(ex.id, rec);
    if (rec.status === "passed") this.log.info(`learner ${learnerId} passed ${ex.id}`);
    for (const l of this.listeners) l(learnerId, rec);
  }

  /**
   * A result could not be saved: the learner is told (not shown a green they would lose),
   * and every check runs again shortly, so the result is saved once there is space.
   */
  private saveFailed(learnerId: string, w: Watch, err: StoreWriteError): void {
    if (!this.unsaved.has(learnerId)) {
      this.unsaved.add(learnerId);
      this.log.error(`progress of learner ${learnerId} not saved: ${err.message}; free space in the state folder`);
      for (const l of this.savingListeners) l(learnerId, false);
    }
    w.retry ??= setTimeout(() => {
      w.retry = undefined;
      this.schedule(learnerId, "all");
    }, SAVE_RETRY_MS);
  }

  private saved(learnerId: string): void {
    if (!this.unsaved.delete(learnerId)) return;
    this.log.info(`progress of learner ${learnerId} is saved again`);
    for (const l of this.savingListeners) l(learnerId, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    this.listeners.clear();
    this.savingListeners.clear();
  }
}

export function localize(rec: ExerciseRecord, lang: Lang): { id: string; status: ExerciseRecord["status"]; message: string } {
  return { id: rec.exerciseId, status: rec.status, message: rec.message[lang] };
}
