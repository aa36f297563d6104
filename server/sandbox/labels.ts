// Every Docker object Shiplab creates carries these labels, so a restarted server can
// find its boxes (adopt or reap) and tests can find and remove what they made.
export const LABEL = {
  /** Box id on containers and volumes. */
  box: "shiplab.box",
  instance: "shiplab.instance",
  /** When the box was made (ms since the epoch). */
  created: "shiplab.created",
  /** How the box is isolated; boxes without today's value are reaped at start. */
  isolation: "shiplab.isolation",
  test: "shiplab.test",
} as const;

export function baseLabels(instance: string, testRun: string | undefined): Record<string, string> {
  return { [LABEL.instance]: instance, ...(testRun ? { [LABEL.test]: testRun } : {}) };
}

/** A box id as Shiplab makes them (and the name of its folder): anything else is not ours. */
export function isBoxId(id: string | undefined): id is string {
  return typeof id === "string" && /^[0-9a-f]{12}$/.test(id);
}

/**
 * Today's box: a user-namespaced engine, seccomp profile, delegated cgroup, disk quota, and
 * an isolated port on the box bridge that Shiplab attached itself (-2; -1 was Docker's).
 */
export const BOX_ISOLATION = "userns-2";
