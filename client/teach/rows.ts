// What the dashboard shows of its rows: who is stuck, in which order, after a filter.
// Pure functions of the rows and the clock, so they are tested without a page.
import type { DashboardRow } from "../../server/protocol.ts";

export interface StuckRule {
  /** No progress for this long (from joining, or the last exercise that changed). */
  minutes: number;
  /** Or this many failed checks on one exercise not yet passed. */
  failedAttempts: number;
}

export const DEFAULT_STUCK: StuckRule = { minutes: 10, failedAttempts: 3 };
export type SortBy = "name" | "progress" | "stuck";

export function isStuck(row: DashboardRow, exerciseCount: number, now: number, rule: StuckRule): boolean {
  if (row.passed >= exerciseCount) return false;
  if (now - row.lastProgressAt >= rule.minutes * 60_000) return true;
  return Object.values(row.cells).some((c) => c.status !== "passed" && c.attempts >= rule.failedAttempts);
}

export function visibleRows(
  rows: DashboardRow[],
  o: { filter: string; stuckOnly: boolean; sortBy: SortBy; exerciseCount: number; now: number; rule: StuckRule },
): DashboardRow[] {
  const needle = o.filter.trim().toLowerCase();
  const stuck = (r: DashboardRow) => isStuck(r, o.exerciseCount, o.now, o.rule);
  const byName = (a: DashboardRow, b: DashboardRow) => a.displayName.localeCompare(b.displayName);
  const order: Record<SortBy, (a: DashboardRow, b: DashboardRow) => number> = {
    name: byName,
    progress: (a, b) => b.passed - a.passed || byName(a, b),
    stuck: (a, b) => Number(stuck(b)) - Number(stuck(a)) || a.lastProgressAt - b.lastProgressAt || byName(a, b),
  };
  return rows
    .filter((r) => !needle || r.displayName.toLowerCase().includes(needle))
    .filter((r) => !o.stuckOnly || stuck(r))
    .sort(order[o.sortBy]);
}
