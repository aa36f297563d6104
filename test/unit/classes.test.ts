// Classes on a real SQLite file and the real lessons: creating, joining, recovering, the grid.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LessonCatalog } from "../../server/lessons/catalog.ts";
import { SqliteClassStore } from "../../server/store/classStore.ts";
import { SqliteProgressStore } from "../../server/store/progressStore.ts";
import { openStateDb } from "../../server/store/stateDb.ts";
import { SqliteTeacherStore } from "../../server/store/teacherStore.ts";
import { ClassError, Classes, cleanDisplayName, JOIN_CODE } from "../../server/teach/classes.ts";

const lessons = LessonCatalog.load(fileURLToPath(new URL("../../lessons", import.meta.url)));
let dir: string;
let db: Database.Database;
let classes: Classes;
let progress: SqliteProgressStore;
let now = Date.now();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-classes-"));
  db = openStateDb(path.join(dir, "state.sqlite"));
  const teachers = new SqliteTeacherStore(db);
  teachers.add("ms.li", "x");
  teachers.add("mr.wang", "x");
  progress = new SqliteProgressStore(db);
  now = Date.now();
  classes = new Classes(new SqliteClassStore(db), lessons, { now: () => now });
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (fn: () => unknown): { status: number; en: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClassError) return { status: err.status, en: err.text.en };
    throw err;
  }
  throw new Error("expected a ClassError");
};

describe("creating classes", () => {
  it("gives a short code and keeps the lessons in course order", () => {
    const c = classes.create("ms.li", { name: "  Docker  101 ", lessons: ["registry", "images", "images"] });
    expect(c.code).toMatch(JOIN_CODE);
    expect(c).toMatchObject({ teacher: "ms.li", name: "Docker 101", lessons: ["images", "registry"], endsAt: null, maxLearners: null, endedAt: null });
  });

  it("refuses a missing name, unknown lessons, a past end and a silly maximum", () => {
    expect(refusal(() => classes.create("ms.li", { name: " ", lessons: ["images"] })).status).toBe(400);
    expect(refusal(() => classes.create("ms.li", { name: "x", lessons: [] })).en).toMatch(/Choose the class's lessons/);
    expect(refusal(() => classes.create("ms.li", { name: "x", lessons: ["nope"] })).status).toBe(400);
    expect(refusal(() => classes.create("ms.li", { name: "x", lessons: ["images"], endsAt: now - 1 })).en).toMatch(/future/);
    expect(refusal(() => classes.create("ms.li", { name: "x", lessons: ["images"], maxLearners: 0 })).status).toBe(400);
    expect(refusal(() => classes.create("ms.li", { name: "x", lessons: ["images"], maxLearners: 2.5 })).status).toBe(400);
  });

  it("shows each teacher only their own classes", () => {
    const mine = classes.create("ms.li", { name: "Mine", lessons: ["images"] });
    const theirs = classes.create("mr.wang", { name: "Theirs", lessons: ["images"] });
    expect(classes.listFor("ms.li").map((c) => c.code)).toEqual([mine.code]);
    expect(refusal(() => classes.ownedBy("ms.li", theirs.code)).status).toBe(403);
    expect(refusal(() => classes.grid("ms.li", theirs.code)).status).toBe(403);
    expect(refusal(() => classes.end("ms.li", theirs.code)).status).toBe(403);
    expect(refusal(() => classes.ownedBy("ms.li", "ZZZZZZ")).status).toBe(404);
  });
});

describe("joining", () => {
  it("joins with the code in any case, and a recovery code finds the learner again", () => {
    const c = classes.create("ms.li", { name: "C", lessons: ["images"] });
    const joined = classes.join(c.code.toLowerCase(), "learner1", "Ada");
    expect(joined.member).toMatchObject({ learnerId: "learner1", classCode: c.code, displayName: "Ada" });
    expect(joined.recoveryCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(classes.recover(joined.recoveryCode.toLowerCase()).learnerId).toBe("learner1");
    expect(classes.recover(joined.recoveryCode.replace(/-/g, "")).learnerId).toBe("learner1");
    expect(refusal(() => classes.recover("AAAA-BBBB-CCCC")).status).toBe(404);
    expect(JSON.stringify(db.prepare("SELECT * FROM class_members").all())).not.toContain(joined.recoveryCode);
  });

  it("keeps names unique in a class whatever their case, and apart between classes", () => {
    const a = classes.create("ms.li", { name: "A", lessons: ["images"] });
    const b = classes.create("ms.li", { name: "B", lessons: ["images"] });
    classes.join(a.code, "l1", "Ada");
    expect(refusal(() => classes.join(a.code, "l2", "ADA")).en).toMatch(/already called ADA/);
    expect(classes.join(b.code, "l2", "Ada").member.displayName).toBe("Ada");
    expect(refusal(() => classes.join(b.code, "l1", "Other")).en).toMatch(/already in the class "A"/);
  });

  it("refuses a full class, an ended one, one past its end time, and an unknown code", () => {
    const small = classes.create("ms.li", { name: "Small", lessons: ["images"], maxLearners: 1 });
    classes.join(small.code, "l1", "One");
    expect(refusal(() => classes.join(small.code, "l2", "Two")).en).toMatch(/full/);
    const ended = classes.create("ms.li", { name: "Ended", lessons: ["images"] });
    classes.end("ms.li", ended.code);
    expect(refusal(() => classes.join(ended.code, "l3", "Three")).status).toBe(410);
    const timed = classes.create("ms.li", { name: "Timed", lessons: ["images"], endsAt: now + 1000 });
    now += 2000;
    expect(refusal(() => classes.join(timed.code, "l4", "Four")).status).toBe(410);
    expect(refusal(() => classes.join("NOPE22", "l5", "Five")).status).toBe(404);
    expect(refusal(() => classes.join(42, "l5", "Five")).status).toBe(404);
  });

  it("takes display names as untrusted text: kept as typed, but never empty, huge or invisible", () => {
    expect(cleanDisplayName(`=cmd|' /C calc'!A0`)).toBe(`=cmd|' /C calc'!A0`);
    expect(cleanDisplayName('王小明, "Ming"')).toBe('王小明, "Ming"');
    expect(cleanDisplayName("  two\t words ")).toBe("two words");
    for (const bad of ["", "   ", "x".repeat(41), "a\u0000b", "a\u202Eb", "a\u200Bb", 7, null]) expect(cleanDisplayName(bad), String(bad)).toBeUndefined();
    expect(cleanDisplayName("名".repeat(40))).toHaveLength(40);
  });
});

describe("the grid", () => {
  it("has one row per learner and one column per exercise of the class's lessons, with status, time and attempts", () => {
    const c = classes.create("ms.li", { name: "C", lessons: ["images"] });
    classes.join(c.code, "l1", "Ada");
    classes.join(c.code, "l2", "Grace");
    const m = { en: "", "zh-CN": "" };
    progress.record("l1", { exerciseId: "images.pull", status: "failed", message: m, updatedAt: now });
    progress.record("l1", { exerciseId: "images.pull", status: "passed", message: m, updatedAt: now + 5 });
    progress.record("l1", { exerciseId: "containers.logs", status: "passed", message: m, updatedAt: now + 6 }); // not this class's
    progress.record("stranger", { exerciseId: "images.pull", status: "passed", message: m, updatedAt: now });
    const grid = classes.grid("ms.li", c.code);
    expect(grid.exercises.map((e) => e.id)).toEqual(lessons.get("images")!.exercises.map((e) => e.id));
    expect(grid.learners.map((l) => l.displayName)).toEqual(["Ada", "Grace"]);
    expect(grid.learners[0]).toMatchObject({ passed: 1, lastProgressAt: now + 5, cells: { "images.pull": { status: "passed", at: now + 5, attempts: 1 } } });
    expect(grid.learners[1]).toMatchObject({ passed: 0, cells: {} });
  });
});
