// BuildKit's build cache as the daemon reports it (GET /system/df?type=build-cache, what
// `docker system df -v` lists): one record per step result, with how often it was used.
import type Docker from "dockerode";

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
