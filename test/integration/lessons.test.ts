// `npm run lessons:check` inside the suite: every lesson is valid (the catalog loads) and
// every exercise's solution, run in a fresh real box, passes that exercise's own check.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import { LessonCatalog } from "../../server/lessons/catalog.ts";
import { runLessonSolutions } from "../../server/lessons/solutionRunner.ts";
import type { Shiplab } from "../../server/main.ts";
import { LESSONS_DIR } from "../../server/paths.ts";
import { startTestLab, stopTestLab, testHost } from "../support/testHost.ts";

const lessons = LessonCatalog.load(LESSONS_DIR);
let lab: Shiplab;
let config: Readonly<Config>;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

describe("every solution passes its own check in a fresh box", () => {
  for (const lesson of lessons.list()) {
    it(lesson.id, async () => {
      const host = await testHost();
      const outcomes = await runLessonSolutions(
        lesson,
        { sandbox: lab.sandbox, registryUrl: host.registry.url },
        crypto.randomBytes(8).toString("hex"),
      );
      expect(outcomes.map((o) => o.exerciseId)).toEqual(lesson.exercises.map((e) => e.id));
      const failed = outcomes.filter((o) => !o.passed);
      expect(failed.map((o) => `${o.exerciseId}: ${o.message}\n${o.output}`)).toEqual([]);
    });
  }
});
