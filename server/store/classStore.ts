// Classes and their members: the port, and its SQLite implementation on the state database.
// Queries work across a class (its members and all their progress in two statements), not
// one learner at a time, so a dashboard of 30 learners costs the same as one of 3.
import type Database from "better-sqlite3";
import { statementCache } from "./stateDb.ts";
import type { ExerciseStatus } from "../protocol.ts";

export interface ClassRecord {
  code: string;
  teacher: string;
  name: string;
  lessons: string[];
  endsAt: number | null;
  maxLearners: number | null;
  createdAt: number;
  endedAt: number | null;
}

export interface MemberRecord {
  learnerId: string;
  classCode: string;
  displayName: string;
  joinedAt: number;
}

export interface MemberProgress {
  learnerId: string;
  exerciseId: string;
  status: ExerciseStatus;
  updatedAt: number;
  attempts: number;
}

export type JoinOutcome = "joined" | "name-taken" | "full";

export interface ClassStore {
  create(c: Omit<ClassRecord, "endedAt" | "createdAt">): boolean;
  get(code: string): ClassRecord | undefined;
  byTeacher(teacher: string): (ClassRecord & { members: number })[];
  end(code: string): void;
  members(code: string): MemberRecord[];
  memberOf(learnerId: string): MemberRecord | undefined;
  byRecoveryHash(hash: string): MemberRecord | undefined;
  /** Adds a member unless the name is taken in the class or the class is full (one transaction). */
  join(m: Omit<MemberRecord, "joinedAt">, recoveryHash: string, maxLearners: number | null): JoinOutcome;
  /** The class's progress, or only one member's (a live update of one row). */
  progressOf(code: string, learnerId?: string): MemberProgress[];
}

type ClassRow = {
  code: string;
  teacher: string;
  name: string;
  lessons: string;
  ends_at: number | null;
  max_learners: number | null;
  created_at: number;
  ended_at: number | null;
};
type MemberRow = { learner: string; class_code: string; display_name: string; joined_at: number };

const toClass = (r: ClassRow): ClassRecord => ({
  code: r.code,
  teacher: r.teacher,
  name: r.name,
  lessons: JSON.parse(r.lessons) as string[],
  endsAt: r.ends_at,
  maxLearners: r.max_learners,
  createdAt: r.created_at,
  endedAt: r.ended_at,
});
const toMember = (r: MemberRow): MemberRecord => ({ learnerId: r.learner, classCode: r.class_code, displayName: r.display_name, joinedAt: r.joined_at });

export class SqliteClassStore implements ClassStore {
  /** Statements compiled once (stateDb.ts, statementCache). */
  private readonly prepare: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.prepare = statementCache(db);
  }

  create(c: Omit<ClassRecord, "endedAt" | "createdAt">): boolean {
    const r = this.prepare(
      `INSERT INTO classes (code, teacher, name, lessons, ends_at, max_learners, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (code) DO NOTHING`,
    ).run(c.code, c.teacher, c.name, JSON.stringify(c.lessons), c.endsAt, c.maxLearners, Date.now());
    return r.changes === 1;
  }

  get(code: string): ClassRecord | undefined {
    const row = this.prepare("SELECT * FROM classes WHERE code = ?").get(code) as ClassRow | undefined;
    return row && toClass(row);
  }

  byTeacher(teacher: string): (ClassRecord & { members: number })[] {
    const rows = this.prepare(
      `SELECT c.*, (SELECT count(*) FROM class_members m WHERE m.class_code = c.code) AS members
       FROM classes c WHERE c.teacher = ? ORDER BY c.created_at DESC`,
    ).all(teacher) as (ClassRow & { members: number })[];
    return rows.map((r) => ({ ...toClass(r), members: r.members }));
  }

  end(code: string): void {
    this.prepare("UPDATE classes SET ended_at = ? WHERE code = ? AND ended_at IS NULL").run(Date.now(), code);
  }

  members(code: string): MemberRecord[] {
    const rows = this.prepare("SELECT * FROM class_members WHERE class_code = ? ORDER BY joined_at").all(code) as MemberRow[];
    return rows.map(toMember);
  }

  memberOf(learnerId: string): MemberRecord | undefined {
    const row = this.prepare("SELECT * FROM class_members WHERE learner = ?").get(learnerId) as MemberRow | undefined;
    return row && toMember(row);
  }

  byRecoveryHash(hash: string): MemberRecord | undefined {
    const row = this.prepare("SELECT * FROM class_members WHERE recovery_hash = ?").get(hash) as MemberRow | undefined;
    return row && toMember(row);
  }

  join(m: Omit<MemberRecord, "joinedAt">, recoveryHash: string, maxLearners: number | null): JoinOutcome {
    return this.db.transaction((): JoinOutcome => {
      const taken = this.prepare("SELECT 1 FROM class_members WHERE class_code = ? AND lower(display_name) = lower(?)").get(m.classCode, m.displayName);
      if (taken) return "name-taken";
      const count = (this.prepare("SELECT count(*) AS n FROM class_members WHERE class_code = ?").get(m.classCode) as { n: number }).n;
      if (maxLearners !== null && count >= maxLearners) return "full";
      this.prepare("INSERT INTO class_members (learner, class_code, display_name, recovery_hash, joined_at) VALUES (?, ?, ?, ?, ?)").run(
        m.learnerId,
        m.classCode,
        m.displayName,
        recoveryHash,
        Date.now(),
      );
      return "joined";
    }).immediate();
  }

  progressOf(code: string, learnerId?: string): MemberProgress[] {
    const one = learnerId === undefined ? "" : " AND m.learner = ?";
    const rows = this.prepare(
      `SELECT p.learner, p.exercise, p.status, p.updated_at, p.attempts FROM progress p
       JOIN class_members m ON m.learner = p.learner WHERE m.class_code = ?${one}`,
    ).all(...(learnerId === undefined ? [code] : [code, learnerId])) as { learner: string; exercise: string; status: ExerciseStatus; updated_at: number; attempts: number }[];
    return rows.map((r) => ({ learnerId: r.learner, exerciseId: r.exercise, status: r.status, updatedAt: r.updated_at, attempts: r.attempts }));
  }
}
