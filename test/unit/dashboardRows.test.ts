// The dashboard's rules for "stuck", sorting and filtering (client/teach/rows.ts).
import { expect, it } from "vitest";
import { isStuck, visibleRows, type StuckRule } from "../../client/teach/rows.ts";
import type { DashboardRow } from "../../server/protocol.ts";

const now = 1_000_000_000;
const rule: StuckRule = { minutes: 10, failedAttempts: 3 };
const row = (displayName: string, passed: number, minutesAgo: number, cells: DashboardRow["cells"] = {}): DashboardRow => ({
  learnerId: displayName,
  displayName,
  joinedAt: 0,
  passed,
  lastProgressAt: now - minutesAgo * 60_000,
  cells,
});

it("calls a learner stuck after minutes without progress, or repeated failures on one exercise, unless done", () => {
  expect(isStuck(row("a", 1, 9), 5, now, rule)).toBe(false);
  expect(isStuck(row("a", 1, 10), 5, now, rule)).toBe(true);
  expect(isStuck(row("a", 5, 60), 5, now, rule)).toBe(false);
  expect(isStuck(row("a", 1, 1, { x: { status: "failed", at: now, attempts: 3 } }), 5, now, rule)).toBe(true);
  expect(isStuck(row("a", 1, 1, { x: { status: "passed", at: now, attempts: 7 } }), 5, now, rule)).toBe(false);
});

it("sorts by name, by progress, or stuck first, and filters by name and by stuck", () => {
  const rows = [row("Grace", 3, 1), row("ada", 1, 30), row("王小明", 2, 2), row("Linus", 0, 12)];
  const view = (o: Partial<Parameters<typeof visibleRows>[1]>) =>
    visibleRows(rows, { filter: "", stuckOnly: false, sortBy: "name", exerciseCount: 5, now, rule, ...o }).map((r) => r.displayName);
  expect(view({ sortBy: "name" })).toEqual(["ada", "Grace", "Linus", "王小明"]);
  expect(view({ sortBy: "progress" })).toEqual(["Grace", "王小明", "ada", "Linus"]);
  expect(view({ sortBy: "stuck" })).toEqual(["ada", "Linus", "王小明", "Grace"]);
  expect(view({ stuckOnly: true })).toEqual(["ada", "Linus"]);
  expect(view({ filter: "A" })).toEqual(["ada", "Grace"]);
  expect(view({ filter: "小明" })).toEqual(["王小明"]);
});
