import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { LessonCatalog } from "../../server/lessons/catalog.ts";

const LESSONS = fileURLToPath(new URL("../../lessons", import.meta.url));

describe("LessonCatalog on the real lessons", () => {
  const catalog = LessonCatalog.load(LESSONS);

  it("loads the images lesson with its exercises", () => {
    const images = catalog.get("images");
    expect(images).toBeDefined();
    expect(images!.title.en).toMatch(/Images/);
    expect(images!.title["zh-CN"]).toMatch(/镜像/);
    expect(images!.body.en.length).toBeGreaterThan(0);
    expect(images!.exercises.map((e) => e.id)).toEqual(["images.pull", "images.pull-tag", "images.layers", "images.build-hello", "images.run-hello"]);
    for (const e of images!.exercises) {
      expect(e.lessonId).toBe("images");
      expect(e.hints.en.length).toBe(e.hints["zh-CN"].length);
      expect(e.solution.trim()).not.toBe("");
    }
  });

  it("resolves each exercise's check kind", () => {
    expect(catalog.exercise("images.build-hello")?.check.kind.kind).toBe("image-from-scratch");
    expect(catalog.exercise("images.run-hello")?.check.kind.kind).toBe("container-ran");
  });

  it("lists lessons and exercises and answers undefined for unknown ids", () => {
    expect(catalog.list().map((l) => l.id)).toContain("images");
    expect(catalog.exercises().map((e) => e.id)).toEqual(expect.arrayContaining(["images.build-hello", "images.run-hello"]));
    expect(catalog.get("nope")).toBeUndefined();
    expect(catalog.get("__proto__")).toBeUndefined();
    expect(catalog.exercise("images.nope")).toBeUndefined();
  });
});

describe("LessonCatalog validation", () => {
  let dir: string;
  type Meta = Record<string, any>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-lessons-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Copies lessons/images into the temp folder as `folder`, then lets the test change its lesson.yaml. */
  const addLesson = (folder: string, change: (meta: Meta) => void = () => {}) => {
    const to = path.join(dir, folder);
    fs.cpSync(path.join(LESSONS, "images"), to, { recursive: true });
    const meta = YAML.parse(fs.readFileSync(path.join(to, "lesson.yaml"), "utf8")) as Meta;
    change(meta);
    fs.writeFileSync(path.join(to, "lesson.yaml"), YAML.stringify(meta));
    return to;
  };

  /** Renames a copy's ids so it is a different, valid lesson. */
  const renamed = (id: string, order: number) => (meta: Meta) => {
    meta.id = id;
    meta.order = order;
    for (const e of meta.exercises) e.id = e.id.replace(/^images\./, `${id}.`);
  };

  /** An exercise of a copied lesson by its name (build-hello, run-hello …). */
  const ex = (meta: Meta, name: string) => meta.exercises.find((e: Meta) => e.id.endsWith(`.${name}`));

  const loadError = (): string => {
    try {
      LessonCatalog.load(dir);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("LessonCatalog.load did not throw");
  };

  it("loads an unchanged copy, and lists lessons by order", () => {
    addLesson("images");
    addLesson("basics", renamed("basics", 1));
    fs.writeFileSync(path.join(dir, "README.md"), "not a lesson");
    const catalog = LessonCatalog.load(dir);
    expect(catalog.list().map((l) => l.id)).toEqual(["basics", "images"]);
    const names = ["pull", "pull-tag", "layers", "build-hello", "run-hello"];
    expect(catalog.exercises().map((e) => e.id)).toEqual([...names.map((n) => `basics.${n}`), ...names.map((n) => `images.${n}`)]);
  });

  it("names a missing zh-CN.md", () => {
    const to = addLesson("images");
    fs.rmSync(path.join(to, "zh-CN.md"));
    expect(loadError()).toMatch(/lessons\/images: zh-CN\.md is missing/);
  });

  it("names an unknown check kind and lists the known ones", () => {
    addLesson("images", (m) => (ex(m, "build-hello").check.kind = "rm-rf"));
    const message = loadError();
    expect(message).toMatch(/lessons\/images: images\.build-hello: unknown check kind rm-rf/);
    expect(message).toMatch(/known: .*image-from-scratch/);
  });

  it("names bad check parameters", () => {
    addLesson("images", (m) => (ex(m, "build-hello").check.repository = "(.*)"));
    expect(loadError()).toMatch(/lessons\/images: images\.build-hello: .*\(\.\*\)/);
  });

  it("names an exercise id not prefixed by its lesson id", () => {
    addLesson("images", (m) => (ex(m, "run-hello").id = "other.run-hello"));
    expect(loadError()).toMatch(/lessons\/images: exercise id other\.run-hello must look like images\.<name>/);
  });

  it.each(["images", "images.", "images.Run", "images.a.b", "images.run hello"])("names a malformed exercise id %j", (id) => {
    addLesson("images", (m) => (ex(m, "run-hello").id = id));
    expect(loadError()).toMatch(/lessons\/images: exercise id .* must look like images\.<name>/);
  });

  it("names an exercise id used twice", () => {
    // Ids must start with their own lesson's id, so a clash can only happen inside a lesson.
    addLesson("basics", renamed("basics", 1));
    addLesson("images", (m) => (ex(m, "run-hello").id = "images.build-hello"));
    expect(loadError()).toMatch(/lessons\/images: exercise id images\.build-hello is used twice/);
  });

  it("names an id that differs from its folder", () => {
    addLesson("pictures");
    expect(loadError()).toMatch(/lessons\/pictures: id images differs from its folder name/);
  });

  it.each(["Images", "../images", "", "1images"])("names a malformed lesson id %j", (id) => {
    addLesson("images", (m) => (m.id = id));
    expect(loadError()).toMatch(/lessons\/images: id must be lower-case letters, digits and dashes/);
  });

  it("names a missing solution", () => {
    addLesson("images", (m) => delete ex(m, "build-hello").solution);
    expect(loadError()).toMatch(/lessons\/images: images\.build-hello: solution is missing/);
  });

  it("names a blank solution", () => {
    addLesson("images", (m) => (ex(m, "run-hello").solution = "   \n"));
    expect(loadError()).toMatch(/lessons\/images: images\.run-hello: solution is missing/);
  });

  it("names hints whose count differs between languages", () => {
    addLesson("images", (m) => ex(m, "build-hello").hints["zh-CN"].pop());
    expect(loadError()).toMatch(/lessons\/images: images\.build-hello\.hints has 3 English and 2 Chinese entries/);
  });

  it("names a title with no Chinese text", () => {
    addLesson("images", (m) => (ex(m, "run-hello").title["zh-CN"] = " "));
    expect(loadError()).toMatch(/lessons\/images: images\.run-hello\.title has no zh-CN text/);
  });

  it("names an order that is not a whole number", () => {
    addLesson("images", (m) => (m.order = "2"));
    expect(loadError()).toMatch(/lessons\/images: order must be a whole number/);
  });

  it("reports every bad lesson at once", () => {
    addLesson("images", (m) => delete ex(m, "build-hello").solution);
    addLesson("basics", (m) => {
      renamed("basics", 1)(m);
      ex(m, "build-hello").check.kind = "nope";
    });
    const message = loadError();
    expect(message).toMatch(/^Some lessons are not valid:/);
    expect(message).toMatch(/lessons\/images: images\.build-hello: solution is missing/);
    expect(message).toMatch(/lessons\/basics: basics\.build-hello: unknown check kind nope/);
  });
});
