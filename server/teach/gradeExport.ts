// A class's grades as a teacher hands them in: one row per learner, one column per
// exercise (when it passed), a total, attempts and time spent. CSV per RFC 4180, UTF-8
// with a BOM (so a spreadsheet reads Chinese names), and safe to open: a cell that a
// spreadsheet would take for a formula (=, +, -, @, tab, CR) is prefixed with a quote.
import type { ClassGrid } from "./classes.ts";

export interface ExportRow {
  name: string;
  joinedAt: string;
  exercises: Record<string, string>;
  passed: number;
  total: number;
  attempts: number;
  /** Minutes from joining to the last progress. */
  minutesSpent: number;
}

export interface GradeExport {
  class: { code: string; name: string };
  exercises: string[];
  learners: ExportRow[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function gradeExport(grid: ClassGrid): GradeExport {
  const ids = grid.exercises.map((e) => e.id);
  return {
    class: { code: grid.class.code, name: grid.class.name },
    exercises: ids,
    learners: grid.learners.map((l) => ({
      name: l.displayName,
      joinedAt: iso(l.joinedAt),
      exercises: Object.fromEntries(ids.map((id) => [id, l.cells[id]?.status === "passed" ? iso(l.cells[id].at) : ""])),
      passed: l.passed,
      total: ids.length,
      attempts: Object.values(l.cells).reduce((n, c) => n + c.attempts, 0),
      minutesSpent: Math.round((l.lastProgressAt - l.joinedAt) / 60_000),
    })),
  };
}

/** A cell as a spreadsheet must see it: text that cannot run, quoted when it must be. */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function gradesCsv(e: GradeExport): string {
  const header = ["name", "joined", ...e.exercises, "passed", "total", "attempts", "minutes"];
  const rows = e.learners.map((l) => [l.name, l.joinedAt, ...e.exercises.map((id) => l.exercises[id]), l.passed, l.total, l.attempts, l.minutesSpent]);
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
