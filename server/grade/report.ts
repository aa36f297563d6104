// The grade report and its three renderings: JSON (the contract), JUnit XML, text.
export interface ExerciseGrade {
  id: string;
  passed: boolean;
  message: string;
}

export interface GradeReport {
  lessons: { id: string; exercises: ExerciseGrade[] }[];
  passed: number;
  total: number;
}

export function toJson(r: GradeReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

const xml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

export function toJunit(r: GradeReport): string {
  const suites = r.lessons.map((l) => {
    const failures = l.exercises.filter((e) => !e.passed).length;
    const cases = l.exercises.map((e) =>
      e.passed
        ? `    <testcase classname="${xml(l.id)}" name="${xml(e.id)}"/>`
        : `    <testcase classname="${xml(l.id)}" name="${xml(e.id)}">\n      <failure message="${xml(e.message)}"/>\n    </testcase>`,
    );
    return `  <testsuite name="${xml(l.id)}" tests="${l.exercises.length}" failures="${failures}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="shiplab" tests="${r.total}" failures="${r.total - r.passed}">\n${suites.join("\n")}\n</testsuites>\n`;
}

export function toText(r: GradeReport): string {
  const lines = r.lessons.flatMap((l) => [`${l.id}`, ...l.exercises.map((e) => `  ${e.passed ? "PASS" : "FAIL"}  ${e.id}  ${e.message}`)]);
  return `${lines.join("\n")}\n${r.passed} of ${r.total} exercises passed\n`;
}
