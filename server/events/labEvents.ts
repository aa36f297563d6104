// The one in-process event bus: what happened to a learner (progress, a class joined,
// their box, the lesson they opened), published by the grader, the class service and
// the terminal gateway, and read by whoever shows it live (the teacher's dashboard).
import type { LearnerBoxState } from "../protocol.ts";
import type { ExerciseRecord } from "../store/progressStore.ts";

export type LabEvent =
  | { type: "progress"; learnerId: string; record: ExerciseRecord }
  | { type: "joined"; learnerId: string; classCode: string }
  | { type: "box"; learnerId: string; state: LearnerBoxState }
  | { type: "lesson"; learnerId: string; lessonId: string };

export type LabEventListener = (event: LabEvent) => void;

export class LabEvents {
  private readonly listeners = new Set<LabEventListener>();

  on(listener: LabEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers synchronously; a listener that throws cannot stop the others or the publisher. */
  emit(event: LabEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener is its own problem; the event still reaches everyone else.
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
