// The state database's migrations, on real SQLite files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, expect, it } from "vitest";
import { MIGRATIONS, migrate, openStateDb, statementCache } from "../../server/store/stateDb.ts";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-statedb-"));
  file = path.join(dir, "state.sqlite");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

it("makes a new file at the last version, in WAL mode, committing without an fsync each time", () => {
  const db = openStateDb(file);
  expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
  expect(db.pragma("synchronous", { simple: true }), "1 = NORMAL").toBe(1);
  expect(tables(db)).toEqual(["answers", "class_members", "classes", "exercise_resets", "lesson_opens", "progress", "teachers"]);
  db.close();
});

it("brings a file of the first Shiplab (no version) up to date and keeps its progress", () => {
  const old = new Database(file);
  old.exec(`CREATE TABLE progress (learner TEXT NOT NULL, exercise TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (learner, exercise));
            CREATE TABLE answers (learner TEXT NOT NULL, exercise TEXT NOT NULL, answer TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (learner, exercise));
            INSERT INTO progress VALUES ('l1', 'images.pull', 'passed', '{}', 1);`);
  old.close();
  const db = openStateDb(file);
  expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  expect(db.prepare("SELECT status FROM progress WHERE learner = 'l1'").get()).toEqual({ status: "passed" });
  expect(tables(db)).toContain("teachers");
  db.close();
});

it("runs each migration once, and all of one or none of it", () => {
  const db = new Database(file);
  expect(migrate(db, ["CREATE TABLE a (x)"])).toBe(1);
  expect(migrate(db, ["CREATE TABLE a (x)", "CREATE TABLE b (x)"])).toBe(2);
  expect(() => migrate(db, ["CREATE TABLE a (x)", "CREATE TABLE b (x)", "CREATE TABLE c (x); CREATE TABLE b (x)"])).toThrow(/already exists/);
  expect(tables(db)).toEqual(["a", "b"]);
  expect(db.pragma("user_version", { simple: true })).toBe(2);
  db.close();
});

it("refuses a file from a newer Shiplab, saying so", () => {
  const db = new Database(file);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  expect(() => openStateDb(file)).toThrow(/newer than this Shiplab knows/);
});

it("compiles each statement once: the same SQL gives the same statement, which runs again with new values", () => {
  const db = openStateDb(file);
  const prepare = statementCache(db);
  const insert = prepare("INSERT INTO lesson_opens (learner, lesson, opened_at) VALUES (?, ?, ?)");
  expect(prepare("INSERT INTO lesson_opens (learner, lesson, opened_at) VALUES (?, ?, ?)")).toBe(insert);
  insert.run("a", "images", 1);
  prepare("INSERT INTO lesson_opens (learner, lesson, opened_at) VALUES (?, ?, ?)").run("b", "images", 2);
  const select = prepare("SELECT learner FROM lesson_opens ORDER BY opened_at");
  expect(select).not.toBe(insert);
  expect(select.all()).toEqual([{ learner: "a" }, { learner: "b" }]);
  // A cache is one database's: another database's statements are its own.
  const other = openStateDb(path.join(dir, "other.sqlite"));
  expect(statementCache(other)("SELECT learner FROM lesson_opens ORDER BY opened_at").all()).toEqual([]);
  other.close();
  db.close();
});
