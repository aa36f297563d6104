import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteProgressStore, type ExerciseRecord } from "../../server/store/progressStore.ts";

const rec = (exerciseId: string, status: ExerciseRecord["status"], en: string, updatedAt = 1000): ExerciseRecord => ({
  exerciseId,
  status,
  message: { en, "zh-CN": `中文 ${en}` },
  updatedAt,
});

describe("SqliteProgressStore", () => {
  let dir: string;
  let file: string;
  let stores: SqliteProgressStore[];
  const open = () => {
    const s = SqliteProgressStore.open(file);
    stores.push(s);
    return s;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-progress-"));
    file = path.join(dir, "nested", "progress.sqlite");
    stores = [];
  });
  afterEach(() => {
    for (const s of stores) s.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates its folder and starts empty", () => {
    const store = open();
    expect(fs.existsSync(file)).toBe(true);
    expect(store.forLearner("a").size).toBe(0);
  });

  it("returns what it recorded", () => {
    const store = open();
    const r = rec("images.build-hello", "failed", "not yet");
    expect(store.record("a", r)).toEqual({ ...r, attempts: 1 });
    expect(store.forLearner("a")).toEqual(new Map([["images.build-hello", { ...r, attempts: 1 }]]));
  });

  it("updates a record in place", () => {
    const store = open();
    store.record("a", rec("images.build-hello", "failed", "first", 1));
    const second = rec("images.build-hello", "failed", "second", 2);
    store.record("a", second);
    expect([...store.forLearner("a").values()]).toEqual([{ ...second, attempts: 2 }]);
    const passed = rec("images.build-hello", "passed", "done", 3);
    expect(store.record("a", passed)).toEqual({ ...passed, attempts: 2 });
    expect(store.forLearner("a").get("images.build-hello")).toEqual({ ...passed, attempts: 2 });
  });

  it("keeps a passed exercise passed when a failure comes later", () => {
    const store = open();
    const passed = { ...rec("images.build-hello", "passed", "well done", 10), attempts: 0 };
    store.record("a", passed);
    expect(store.record("a", rec("images.build-hello", "failed", "image gone", 20))).toEqual(passed);
    expect(store.record("a", rec("images.build-hello", "pending", "", 30))).toEqual(passed);
    expect(store.forLearner("a").get("images.build-hello")).toEqual(passed);
  });

  it("lets a newer pass replace an older pass", () => {
    const store = open();
    store.record("a", rec("x.y", "passed", "first", 1));
    const again = { ...rec("x.y", "passed", "again", 2), attempts: 0 };
    store.record("a", again);
    expect(store.forLearner("a").get("x.y")).toEqual(again);
  });

  it("keeps learners apart", () => {
    const store = open();
    store.record("a", rec("x.y", "passed", "a passed"));
    store.record("b", rec("x.y", "failed", "b failed"));
    expect(store.forLearner("a").get("x.y")?.status).toBe("passed");
    expect(store.forLearner("b").get("x.y")?.status).toBe("failed");
    expect(store.forLearner("c").size).toBe(0);
  });

  it("stores hostile text as data", () => {
    const store = open();
    const evil = "'); DROP TABLE progress; --";
    const r = { ...rec(evil, "failed", evil), attempts: 1 };
    store.record(evil, r);
    store.record("a", rec("x.y", "passed", "ok"));
    expect(store.forLearner(evil).get(evil)).toEqual(r);
    expect(store.forLearner("a").size).toBe(1);
    expect(store.forLearner("' OR '1'='1").size).toBe(0);
  });

  it("keeps progress across close and reopen", () => {
    const first = open();
    const r = { ...rec("images.run-hello", "passed", "ran", 42), attempts: 0 };
    first.record("a", r);
    first.dispose();
    const second = open();
    expect(second.forLearner("a").get("images.run-hello")).toEqual(r);
    expect(second.record("a", rec("images.run-hello", "failed", "later"))).toEqual(r);
  });

  it("can be disposed twice", () => {
    const store = open();
    store.dispose();
    expect(() => store.dispose()).not.toThrow();
  });

  it("throws a clear error when used after dispose", () => {
    const store = open();
    store.dispose();
    expect(() => store.forLearner("a")).toThrow("the progress store is closed");
    expect(() => store.record("a", rec("x.y", "passed", "ok"))).toThrow("the progress store is closed");
  });
});

describe("lessons opened and exercises reset", () => {
  let dir: string;
  let store: SqliteProgressStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-opens-"));
    store = SqliteProgressStore.open(path.join(dir, "p.sqlite"));
  });
  afterEach(() => {
    store.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the first time a lesson was opened", () => {
    expect(store.openLesson("a", "images", 100)).toBe(100);
    expect(store.openLesson("a", "images", 200)).toBe(100);
    store.openLesson("a", "containers", 300);
    expect(store.lessonsOpened("a")).toEqual(new Map([["images", 100], ["containers", 300]]));
    expect(store.lessonsOpened("b").size).toBe(0);
  });

  it("forgets an exercise's result and answer on reset, and remembers when", () => {
    store.record("a", rec("images.pull", "passed", "done"));
    store.saveAnswer("a", "images.layers", 3);
    store.resetExercise("a", "images.pull", 500);
    store.resetExercise("a", "images.layers", 600);
    expect(store.forLearner("a").has("images.pull")).toBe(false);
    expect(store.answers("a").has("images.layers")).toBe(false);
    expect(store.resets("a")).toEqual(new Map([["images.pull", 500], ["images.layers", 600]]));
    store.resetExercise("a", "images.pull", 700);
    expect(store.resets("a").get("images.pull")).toBe(700);
  });
});
