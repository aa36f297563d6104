// Grades out of a class grid, cell by cell, with a display name built to break a CSV.
import { expect, it } from "vitest";
import type { ClassGrid } from "../../server/teach/classes.ts";
import { csvCell, gradeExport, gradesCsv } from "../../server/teach/gradeExport.ts";

const HOSTILE = `王小明, "Ming" =cmd|' /C calc'!A0`;
const t0 = Date.UTC(2026, 10, 29, 9, 0, 0);
const grid: ClassGrid = {
  class: { code: "ABC234", teacher: "ms.li", name: "Docker 101", lessons: ["images"], endsAt: null, maxLearners: null, createdAt: t0, endedAt: null },
  exercises: [
    { id: "images.pull", lessonId: "images", title: { en: "", "zh-CN": "" } },
    { id: "images.pull-tag", lessonId: "images", title: { en: "", "zh-CN": "" } },
  ],
  learners: [
    {
      learnerId: "l1",
      displayName: HOSTILE,
      joinedAt: t0,
      passed: 1,
      lastProgressAt: t0 + 25 * 60_000,
      cells: { "images.pull": { status: "passed", at: t0 + 25 * 60_000, attempts: 2 }, "images.pull-tag": { status: "failed", at: t0, attempts: 3 } },
    },
    { learnerId: "l2", displayName: "=1+1", joinedAt: t0, passed: 0, lastProgressAt: t0, cells: {} },
  ],
};

it("exports one row per learner with when each exercise passed, a total, attempts and minutes", () => {
  expect(gradeExport(grid)).toEqual({
    class: { code: "ABC234", name: "Docker 101" },
    exercises: ["images.pull", "images.pull-tag"],
    learners: [
      {
        name: HOSTILE,
        joinedAt: "2026-11-29T09:00:00.000Z",
        exercises: { "images.pull": "2026-11-29T09:25:00.000Z", "images.pull-tag": "" },
        passed: 1,
        total: 2,
        attempts: 5,
        minutesSpent: 25,
      },
      { name: "=1+1", joinedAt: "2026-11-29T09:00:00.000Z", exercises: { "images.pull": "", "images.pull-tag": "" }, passed: 0, total: 2, attempts: 0, minutesSpent: 0 },
    ],
  });
});

it("writes RFC 4180 CSV in UTF-8 with a BOM, every cell as a spreadsheet must read it", () => {
  const csv = gradesCsv(gradeExport(grid));
  expect(csv.startsWith("\uFEFF")).toBe(true);
  const lines = csv.slice(1).split("\r\n");
  expect(lines).toEqual([
    "name,joined,images.pull,images.pull-tag,passed,total,attempts,minutes",
    `"王小明, ""Ming"" =cmd|' /C calc'!A0",2026-11-29T09:00:00.000Z,2026-11-29T09:25:00.000Z,,1,2,5,25`,
    `'=1+1,2026-11-29T09:00:00.000Z,,,0,2,0,0`,
    "",
  ]);
});

it("neutralises every formula lead a spreadsheet knows, and quotes what needs quoting", () => {
  expect(csvCell("=cmd|' /C calc'!A0")).toBe(`'=cmd|' /C calc'!A0`);
  expect(csvCell("+1")).toBe("'+1");
  expect(csvCell("-1")).toBe("'-1");
  expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  expect(csvCell("\t=1")).toBe("'\t=1");
  expect(csvCell("a\nb")).toBe(`"a\nb"`);
  expect(csvCell(-3)).toBe("-3");
  expect(csvCell("plain")).toBe("plain");
});
