// Progress per learner and exercise. The port, and its SQLite implementation on the state
// database (stateDb.ts), so progress survives reloads, lost boxes and server restarts.
import type Database from "better-sqlite3";
import { openStateDb, statementCache } from "./stateDb.ts";
import type { Localized } from "../checks/types.ts";
import type { ExerciseStatus } from "../protocol.ts";

export interface ExerciseRecord {
  exerciseId: string;
  status: ExerciseStatus;
  message: Localized;
  /** When this status was recorded (for a passed exercise: when it passed). */
  updatedAt: number;
  /** How many failed results were recorded for it (set by the store). */
  attempts?: number;
}

/**
 * A write the store could not make: its disk is full (SQLITE_FULL) or failing (an I/O
 * error). Nothing already stored is lost: the transaction is rolled back whole, and the
 * same write succeeds once there is space again.
 */
export class StoreWriteError extends Error {
  constructor(readonly code: string, cause: Error) {
    super(`the progress store could not write (${code}): ${cause.message}`, { cause });
  }
}

/** Runs a write; turns a full or failing disk into a StoreWriteError, other errors pass. */
function writing<T>(write: () => T): T {
  try {
    return write();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && (code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR"))) {
      throw new StoreWriteError(code, err as Error);
    }
    throw err;
  }
}

export interface ProgressStore {
  forLearner(learnerId: string): Map<string, ExerciseRecord>;
  /**
   * Records a result. A passed exercise stays passed: progress already made is never lost.
   * Throws StoreWriteError when the disk is full (record and saveAnswer alike).
   */
  record(learnerId: string, rec: ExerciseRecord): ExerciseRecord;
  /** The learner's last submitted answer per exercise (answer-type exercises). */
  answers(learnerId: string): Map<string, unknown>;
  saveAnswer(learnerId: string, exerciseId: string, answer: unknown): void;
  /** Notes that the learner opened a lesson (the first time counts); returns when that was. */
  openLesson(learnerId: string, lessonId: string, at: number): number;
  /** When the learner first opened each lesson they opened. */
  lessonsOpened(learnerId: string): Map<string, number>;
  /** Forgets an exercise's result and answer; only work after `at` counts for it now. */
  resetExercise(learnerId: string, exerciseId: string, at: number): void;
  /** When each reset exercise of the learner was reset. */
  resets(learnerId: string): Map<string, number>;
  dispose(): void;
}

const SELECT_RECORD = "SELECT exercise, status, message, updated_at, attempts FROM progress";
type RecordRow = { exercise: string; status: ExerciseStatus; message: string; updated_at: number; attempts: number };
const toRecord = (r: RecordRow): ExerciseRecord => ({
  exerciseId: r.exercise,
  status: r.status,
  message: JSON.parse(r.message),
  updatedAt: r.updated_at,
  attempts: r.attempts,
});

export class SqliteProgressStore implements ProgressStore {
  private db: Database.Database | undefined;
  private readonly statements: (sql: string) => Database.Statement;

  /** On a database opened by openStateDb; `ownsDb`: dispose() closes it. */
  constructor(
    db: Database.Database,
    private readonly ownsDb = false,
  ) {
    this.db = db;
    this.statements = statementCache(db);
  }

  /** A store with a database file of its own (tests, tools). */
  static open(file: string): SqliteProgressStore {
    return new SqliteProgressStore(openStateDb(file), true);
  }

  private get open(): Database.Database {
    if (!this.db) throw new Error("the progress store is closed");
    return this.db;
  }

  /** The statement for `sql`, compiled once (stateDb.ts, statementCache). */
  private prepare(sql: string): Database.Statement {
    this.open;
    return this.statements(sql);
  }

  forLearner(learnerId: string): Map<string, ExerciseRecord> {
    const rows = this.prepare(`${SELECT_RECORD} WHERE learner = ?`).all(learnerId) as RecordRow[];
    return new Map(rows.map((r) => [r.exercise, toRecord(r)]));
  }

  /** One exercise's record: what `record` stored, read back without the learner's others. */
  private one(learnerId: string, exerciseId: string): ExerciseRecord | undefined {
    const row = this.prepare(`${SELECT_RECORD} WHERE learner = ? AND exercise = ?`).get(learnerId, exerciseId) as RecordRow | undefined;
    return row && toRecord(row);
  }

  record(learnerId: string, rec: ExerciseRecord): ExerciseRecord {
    const db = this.open;
    return writing(() => db.transaction(() => {
      const prev = this.one(learnerId, rec.exerciseId);
      if (prev?.status === "passed" && rec.status !== "passed") return prev;
      this.prepare(
        `INSERT INTO progress (learner, exercise, status, message, updated_at, attempts) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (learner, exercise) DO UPDATE SET status = excluded.status, message = excluded.message,
           updated_at = excluded.updated_at, attempts = attempts + excluded.attempts`,
      ).run(learnerId, rec.exerciseId, rec.status, JSON.stringify(rec.message), rec.updatedAt, rec.status === "failed" ? 1 : 0);
      return this.one(learnerId, rec.exerciseId)!;
    })());
  }

  answers(learnerId: string): Map<string, unknown> {
    const rows = this.prepare("SELECT exercise, answer FROM answers WHERE learner = ?").all(learnerId) as { exercise: string; answer: string }[];
    return new Map(rows.map((r) => [r.exercise, JSON.parse(r.answer)]));
  }

  saveAnswer(learnerId: string, exerciseId: string, answer: unknown): void {
    writing(() =>
      this.prepare(
        `INSERT INTO answers (learner, exercise, answer, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (learner, exercise) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at`,
      ).run(learnerId, exerciseId, JSON.stringify(answer), Date.now()),
    );
  }

  openLesson(learnerId: string, lessonId: string, at: number): number {
    return writing(() => {
      this.prepare("INSERT INTO lesson_opens (learner, lesson, opened_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").run(learnerId, lessonId, at);
      return (this.prepare("SELECT opened_at FROM lesson_opens WHERE learner = ? AND lesson = ?").get(learnerId, lessonId) as { opened_at: number }).opened_at;
    });
  }

  lessonsOpened(learnerId: string): Map<string, number> {
    const rows = this.prepare("SELECT lesson, opened_at FROM lesson_opens WHERE learner = ?").all(learnerId) as { lesson: string; opened_at: number }[];
    return new Map(rows.map((r) => [r.lesson, r.opened_at]));
  }

  resetExercise(learnerId: string, exerciseId: string, at: number): void {
    const db = this.open;
    writing(() =>
      db.transaction(() => {
        this.prepare("DELETE FROM progress WHERE learner = ? AND exercise = ?").run(learnerId, exerciseId);
        this.prepare("DELETE FROM answers WHERE learner = ? AND exercise = ?").run(learnerId, exerciseId);
        this.prepare(
          "INSERT INTO exercise_resets (learner, exercise, reset_at) VALUES (?, ?, ?) ON CONFLICT (learner, exercise) DO UPDATE SET reset_at = excluded.reset_at",
        ).run(learnerId, exerciseId, at);
      })(),
    );
  }

  resets(learnerId: string): Map<string, number> {
    const rows = this.prepare("SELECT exercise, reset_at FROM exercise_resets WHERE learner = ?").all(learnerId) as { exercise: string; reset_at: number }[];
    return new Map(rows.map((r) => [r.exercise, r.reset_at]));
  }

  dispose(): void {
    if (this.ownsDb) this.db?.close();
    this.db = undefined;
  }
}
