// BuildKit's build cache as the daemon reports it (GET /system/df?type=build-cache, what
// `docker system df -v` lists): one record per step result, with how often it was used.
import type Docker from "dockerode";
import { pastEvents } from "./daemonEvents.ts";

export interface BuildCacheRecord {
  ID: string;
  Type: string;
  Description: string;
  UsageCount: number;
  CreatedAt: string;
  LastUsedAt: string | null;
}

export async function buildCacheRecords(docker: Docker): Promise<BuildCacheRecord[]> {
  const df = await new Promise<{ BuildCache?: BuildCacheRecord[] | null }>((resolve, reject) => {
    // Only the build cache: a full `df` would also size every image, container and volume.
    docker.modem.dial(
      { path: "/system/df?", method: "GET", options: { type: "build-cache" }, statusCodes: { 200: true, 500: "server error" } },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as { BuildCache?: BuildCacheRecord[] | null })),
    );
  });
  return df.BuildCache ?? [];
}

/** How long after a build's tag event its cache records may still be settling. */
const SETTLE_MS = 3000;
/**
 * How long to wait, at most, for BuildKit to record the first use of a step result it made
 * just now (LastUsedAt still null). Measured on a busy 2-core machine: 3.5 s after the
 * build's tag event, later than SETTLE_MS.
 */
const FIRST_USE_MS = 10_000;
/** A result made this long ago that still shows no use never will (its build failed). */
const MADE_JUST_NOW_MS = 60_000;

const awaitingFirstUse = (records: BuildCacheRecord[], now: number) =>
  records.some((r) => r.LastUsedAt === null && now - Date.parse(r.CreatedAt) < MADE_JUST_NOW_MS);

/**
 * The build cache, read again for a few seconds while `ok` does not hold yet and an image
 * was tagged just now: a build's "tag" event (which runs the checks) comes before BuildKit
 * has written the build's use of its cache records, so a check run at once would not see it.
 * While a result made just now shows no use yet, the wait is longer (FIRST_USE_MS): on a
 * busy machine that use is written seconds after the tag. A build that never made such a
 * result (a single-stage build for a multi-stage exercise) is not kept waiting for it.
 */
export async function settledBuildCache(
  docker: Docker,
  ok: (records: BuildCacheRecord[]) => boolean,
  lastTagMs: () => Promise<number>,
  pollMs = 250,
): Promise<BuildCacheRecord[]> {
  const started = Date.now();
  let records = await buildCacheRecords(docker);
  if (ok(records)) return records;
  const afterTag = (await lastTagMs()) + SETTLE_MS;
  for (;;) {
    const now = Date.now();
    const until = Math.max(afterTag, awaitingFirstUse(records, now) ? started + FIRST_USE_MS : 0);
    if (now >= until) return records;
    await new Promise((r) => setTimeout(r, pollMs));
    records = await buildCacheRecords(docker);
    if (ok(records)) return records;
  }
}

/** When the box's daemon last tagged an image (a build ends with one), or 0. */
export async function lastImageTag(docker: Docker): Promise<number> {
  const recent = await pastEvents(docker, { type: ["image"], event: ["tag"] }, Date.now() - SETTLE_MS);
  return recent.length ? Math.floor(recent[recent.length - 1].timeNano / 1e6) : 0;
}

/**
 * Records a later build reused: BuildKit counts a use each time a step's result serves a
 * build again (the base of a new step, or the whole result of a build that changed
 * nothing), and moves LastUsedAt on. Only uses from `sinceMs` on count.
 */
export function reusedRecords(records: readonly BuildCacheRecord[], sinceMs = 0): BuildCacheRecord[] {
  return records.filter((r) => {
    if (r.Type !== "regular" || r.UsageCount < 2 || !r.LastUsedAt) return false;
    const lastUsed = Date.parse(r.LastUsedAt);
    return lastUsed >= sinceMs && lastUsed > Date.parse(r.CreatedAt);
  });
}
