// Proves every exercise can be done: runs each solution, in order, in a fresh real box
// per lesson, and expects the exercise's own check to pass. Run by `npm run lessons:check`
// and by the test suite.
import { runCheck } from "../checks/grader.ts";
import { boxProbe } from "../sandbox/boxProbe.ts";
import type { SandboxManager } from "../sandbox/sandboxManager.ts";
import type { Lesson } from "./catalog.ts";
import { namespaceOf } from "../registry/namespace.ts";
import { ensureLessonSetup } from "./lessonSetup.ts";
import { personalize } from "./personalize.ts";

export interface SolutionOutcome {
  exerciseId: string;
  passed: boolean;
  message: string;
  /** The solution's last lines, for a failure report. */
  output: string;
}

export interface SolutionRunnerDeps {
  sandbox: SandboxManager;
  registryUrl: string;
}

export async function runLessonSolutions(lesson: Lesson, d: SolutionRunnerDeps, learnerId: string): Promise<SolutionOutcome[]> {
  const { box } = await d.sandbox.acquire(learnerId);
  const inner = d.sandbox.daemonOf(box, 30_000);
  const outcomes: SolutionOutcome[] = [];
  try {
    await ensureLessonSetup(inner, lesson.id, lesson.setup);
    const namespace = namespaceOf(learnerId);
    for (const ex of lesson.exercises) {
      const run = await d.sandbox.exec(box, ["bash", "-e", "-c", personalize(ex.solution, { namespace })]);
      const tail = run.output.split("\n").slice(-15).join("\n");
      if (run.code !== 0) {
        outcomes.push({ exerciseId: ex.id, passed: false, message: `the solution exited with code ${run.code}`, output: tail });
        continue;
      }
      let answer: unknown = ex.solutionAnswer;
      if (typeof ex.solutionAnswer === "string") {
        answer = (await d.sandbox.exec(box, ["bash", "-c", personalize(ex.solutionAnswer, { namespace })])).output.trim();
      }
      if (answer !== undefined && ex.check.kind.parseAnswer) answer = ex.check.kind.parseAnswer(ex.check.params, answer);
      const result = await runCheck(ex, inner, { answer, registryUrl: d.registryUrl, box: boxProbe(d.sandbox, box), namespace });
      outcomes.push({ exerciseId: ex.id, passed: result.passed, message: result.message.en, output: tail });
    }
  } finally {
    await d.sandbox.destroy(box.id, "requested");
  }
  return outcomes;
}
