// Every Docker object Shiplab creates carries these labels, so a restarted server can
// find its boxes (adopt or reap) and tests can find and remove what they made.
export const LABEL = {
  /** Box id on containers and volumes. */
  box: "shiplab.box",
  instance: "shiplab.instance",
  /** The learner the box belongs to; absent on warm-pool boxes. */
  created: "shiplab.created",
  test: "shiplab.test",
} as const;

export function baseLabels(instance: string, testRun: string | undefined): Record<string, string> {
  return { [LABEL.instance]: instance, ...(testRun ? { [LABEL.test]: testRun } : {}) };
}
