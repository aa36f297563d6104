// Classes as teachers and learners use them: create, list, end; join with a code and a
// display name; come back on another device with a recovery code; a class's grid of
// learners × exercises. The HTTP routes, the sockets and the CLI all go through here.
import crypto from "node:crypto";
import { msg, type Localized } from "../checks/types.ts";
import type { LessonCatalog } from "../lessons/catalog.ts";
import type { ExerciseStatus } from "../protocol.ts";
import type { LabEvents } from "../events/labEvents.ts";
import type { ClassRecord, ClassStore, MemberProgress, MemberRecord } from "../store/classStore.ts";

/** A refusal with an HTTP status and a sentence in each language. */
export class ClassError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410,
    readonly text: Localized,
  ) {
    super(text.en);
  }
}

const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const randomCode = (length: number) => Array.from({ length }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join("");
export const JOIN_CODE = /^[A-HJ-KM-NP-Z2-9]{6}$/;
const hashRecovery = (code: string) => crypto.createHash("sha256").update(code.toUpperCase().replace(/[^A-Z0-9]/g, "")).digest("hex");

/** A display name as stored: NFC, spaces collapsed, no control or invisible format characters. */
export function cleanDisplayName(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const name = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  if (!name || [...name].length > 40 || /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(name)) return undefined;
  return name;
}

export interface NewClass {
  name: unknown;
  lessons: unknown;
  endsAt?: unknown;
  maxLearners?: unknown;
}

export interface GridCell {
  status: ExerciseStatus;
  /** When the status was recorded: for "passed", when it passed. */
  at: number;
  attempts: number;
}

export interface GridRow {
  learnerId: string;
  displayName: string;
  joinedAt: number;
  passed: number;
  /** The last time an exercise of theirs changed (joining counts as the first). */
  lastProgressAt: number;
  cells: Record<string, GridCell>;
}

export interface ClassGrid {
  class: ClassRecord;
  exercises: { id: string; lessonId: string; title: Localized }[];
  learners: GridRow[];
}

export interface ClassesOptions {
  /** Where a join is announced (the teacher's dashboard listens). */
  events?: LabEvents;
  now?: () => number;
}

export class Classes {
  private readonly now: () => number;

  constructor(
    private readonly store: ClassStore,
    private readonly lessons: LessonCatalog,
    private readonly o: ClassesOptions = {},
  ) {
    this.now = o.now ?? Date.now;
  }

  create(teacher: string, input: NewClass): ClassRecord {
    const name = typeof input.name === "string" ? input.name.normalize("NFC").replace(/\s+/g, " ").trim() : "";
    if (!name || [...name].length > 80 || /[\p{Cc}\p{Cf}]/u.test(name)) throw new ClassError(400, msg("Give the class a name of 1 to 80 characters.", "请为班级起一个 1 到 80 个字符的名字。"));
    const known = new Set(this.lessons.list().map((l) => l.id));
    const lessons = Array.isArray(input.lessons) ? [...new Set(input.lessons)] : [];
    if (!lessons.length || !lessons.every((l) => typeof l === "string" && known.has(l))) {
      throw new ClassError(400, msg(`Choose the class's lessons among: ${[...known].join(", ")}.`, `请从这些课程中选择：${[...known].join("、")}。`));
    }
    const endsAt = input.endsAt == null || input.endsAt === "" ? null : Number(input.endsAt);
    if (endsAt !== null && !(Number.isInteger(endsAt) && endsAt > this.now())) throw new ClassError(400, msg("The end time must be in the future.", "结束时间必须在将来。"));
    const maxLearners = input.maxLearners == null || input.maxLearners === "" ? null : Number(input.maxLearners);
    if (maxLearners !== null && !(Number.isInteger(maxLearners) && maxLearners >= 1 && maxLearners <= 1000)) {
      throw new ClassError(400, msg("The maximum number of learners must be a whole number from 1 to 1000.", "人数上限必须是 1 到 1000 之间的整数。"));
    }
    const ordered = this.lessons.list().map((l) => l.id).filter((id) => lessons.includes(id));
    for (;;) {
      const c = { code: randomCode(6), teacher, name, lessons: ordered, endsAt, maxLearners };
      if (this.store.create(c)) return this.store.get(c.code)!;
    }
  }

  listFor(teacher: string): (ClassRecord & { members: number })[] {
    return this.store.byTeacher(teacher);
  }

  /** The teacher's own class; another teacher's is refused, an unknown code is not found. */
  ownedBy(teacher: string, code: string): ClassRecord {
    const c = JOIN_CODE.test(code) ? this.store.get(code) : undefined;
    if (!c) throw new ClassError(404, msg(`There is no class ${code}.`, `没有代码为 ${code} 的班级。`));
    if (c.teacher !== teacher) throw new ClassError(403, msg("That class is another teacher's.", "这是另一位老师的班级。"));
    return c;
  }

  end(teacher: string, code: string): ClassRecord {
    this.ownedBy(teacher, code);
    this.store.end(code);
    return this.store.get(code)!;
  }

  isOpen(c: ClassRecord): boolean {
    return c.endedAt === null && (c.endsAt === null || c.endsAt > this.now());
  }

  /** The exercises of a class's lessons, in course order. */
  exerciseIds(cls: ClassRecord): string[] {
    return this.exercisesOf(cls).map((e) => e.id);
  }

  private exercisesOf(cls: ClassRecord): ClassGrid["exercises"] {
    return cls.lessons.flatMap((id) => (this.lessons.get(id)?.exercises ?? []).map((e) => ({ id: e.id, lessonId: id, title: e.title })));
  }

  /** A class by its code as a person types it (any case). */
  private byCodeAnyCase(code: string): ClassRecord | undefined {
    const upper = code.toUpperCase();
    return JOIN_CODE.test(upper) ? this.store.get(upper) : undefined;
  }

  memberIds(code: string): string[] {
    return this.store.members(code).map((m) => m.learnerId);
  }

  /** What a learner sees before joining: the class's name, and whether it takes learners. */
  preview(code: string): { code: string; name: string; open: boolean } {
    const c = this.byCodeAnyCase(code);
    if (!c) throw new ClassError(404, msg("No class has this code: check it with your teacher.", "没有这个代码的班级：请向老师核对。"));
    return { code: c.code, name: c.name, open: this.isOpen(c) };
  }

  /** Joins the learner; returns the recovery code, shown to them this once. */
  join(rawCode: unknown, learnerId: string, rawName: unknown): { class: ClassRecord; member: MemberRecord; recoveryCode: string } {
    const code = typeof rawCode === "string" ? rawCode.trim().toUpperCase() : "";
    const c = this.preview(code);
    const cls = this.store.get(c.code)!;
    if (!c.open) throw new ClassError(410, msg("This class has ended: ask your teacher.", "这个班级已经结束：请询问老师。"));
    const displayName = cleanDisplayName(rawName);
    if (!displayName) throw new ClassError(400, msg("Type a name of 1 to 40 characters.", "请输入 1 到 40 个字符的名字。"));
    const already = this.store.memberOf(learnerId);
    if (already) {
      const other = this.store.get(already.classCode);
      throw new ClassError(409, msg(`You are already in the class "${other?.name}" as ${already.displayName}.`, `你已经以 ${already.displayName} 的身份加入了班级“${other?.name}”。`));
    }
    const recoveryCode = randomCode(12).replace(/(.{4})(?!$)/g, "$1-");
    const outcome = this.store.join({ learnerId, classCode: c.code, displayName }, hashRecovery(recoveryCode), cls.maxLearners);
    if (outcome === "name-taken") throw new ClassError(409, msg(`Someone in this class is already called ${displayName}: choose another name.`, `班里已经有人叫 ${displayName}：请换一个名字。`));
    if (outcome === "full") throw new ClassError(409, msg("This class is full: ask your teacher.", "这个班级已满：请询问老师。"));
    this.o.events?.emit({ type: "joined", learnerId, classCode: c.code });
    return { class: cls, member: this.store.memberOf(learnerId)!, recoveryCode };
  }

  /** The learner a recovery code belongs to, for a second device. */
  recover(rawCode: unknown): MemberRecord {
    const member = typeof rawCode === "string" && rawCode.length <= 40 ? this.store.byRecoveryHash(hashRecovery(rawCode)) : undefined;
    if (!member) throw new ClassError(404, msg("That recovery code is not known: check it, or ask your teacher.", "这个恢复码无效：请检查，或询问老师。"));
    return member;
  }

  membership(learnerId: string): { member: MemberRecord; class: ClassRecord } | undefined {
    const member = this.store.memberOf(learnerId);
    const cls = member && this.store.get(member.classCode);
    return member && cls ? { member, class: cls } : undefined;
  }

  grid(teacher: string, code: string): ClassGrid {
    return this.gridOf(this.ownedBy(teacher, code));
  }

  /** Any class's grid, for the operator's command line (no teacher to check). */
  gridForOperator(code: string): ClassGrid {
    const c = this.byCodeAnyCase(code);
    if (!c) throw new ClassError(404, msg(`There is no class ${code}.`, `没有代码为 ${code} 的班级。`));
    return this.gridOf(c);
  }

  /** A learner's class and their row in its grid; undefined when they are in no class. */
  rowOf(learnerId: string): { code: string; row: GridRow } | undefined {
    const m = this.membership(learnerId);
    if (!m) return undefined;
    // One learner's row only: it runs on every change a learner makes, whatever the class's size.
    const [row] = this.rowsOf(m.class, [m.member], this.store.progressOf(m.class.code, learnerId));
    return { code: m.class.code, row };
  }

  private gridOf(cls: ClassRecord): ClassGrid {
    return { class: cls, exercises: this.exercisesOf(cls), learners: this.rowsOf(cls, this.store.members(cls.code), this.store.progressOf(cls.code)) };
  }

  /** The members' rows: their progress on the class's exercises (others are not the class's). */
  private rowsOf(cls: ClassRecord, members: MemberRecord[], progress: MemberProgress[]): GridRow[] {
    const covered = new Set(this.exerciseIds(cls));
    const rows = new Map<string, GridRow>(
      members.map((m) => [
        m.learnerId,
        { learnerId: m.learnerId, displayName: m.displayName, joinedAt: m.joinedAt, passed: 0, lastProgressAt: m.joinedAt, cells: {} },
      ]),
    );
    for (const p of progress) {
      const row = rows.get(p.learnerId);
      if (!row || !covered.has(p.exerciseId)) continue;
      row.cells[p.exerciseId] = { status: p.status, at: p.updatedAt, attempts: p.attempts };
      if (p.status === "passed") row.passed++;
      row.lastProgressAt = Math.max(row.lastProgressAt, p.updatedAt);
    }
    return [...rows.values()];
  }
}
