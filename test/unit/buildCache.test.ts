// Which build-cache records count as reused, from what the daemon reports, and how long a
// check waits for BuildKit to write a build's use of them.
import { describe, expect, it } from "vitest";
import type Docker from "dockerode";
import { reusedRecords, settledBuildCache, type BuildCacheRecord } from "../../server/checks/buildCache.ts";
import { buildCacheReused } from "../../server/checks/buildCacheReused.ts";
import { builtImage } from "../../server/checks/builtImage.ts";

const record = (over: Partial<BuildCacheRecord>): BuildCacheRecord => ({
  ID: "x",
  Type: "regular",
  Description: "[build 2/4] WORKDIR /src",
  UsageCount: 2,
  CreatedAt: "2026-11-29T12:00:00.000Z",
  LastUsedAt: "2026-11-29T12:05:00.000Z",
  ...over,
});

describe("reusedRecords", () => {
  const lessonOpened = Date.parse("2026-11-29T12:01:00.000Z");

  it("counts a step result used again after the lesson was opened", () => {
    expect(reusedRecords([record({})], lessonOpened)).toHaveLength(1);
  });

  it.each([
    ["used once", record({ UsageCount: 1 })],
    ["last used before the lesson", record({ LastUsedAt: "2026-11-29T12:00:30.000Z" })],
    ["never used", record({ LastUsedAt: null })],
    ["the build context, not a step", record({ Type: "source.local" })],
    ["last used when it was made", record({ CreatedAt: "2026-11-29T12:05:00.000Z" })],
  ])("does not count a record %s", (_why, r) => {
    expect(reusedRecords([r], lessonOpened)).toEqual([]);
  });
});

describe("parameters", () => {
  it("build-cache-reused needs a description pattern", () => {
    expect(buildCacheReused.parse({ description: "^\\[\\S+ \\d+/\\d+\\] " }).description.test("[build 2/4] WORKDIR /src")).toBe(true);
    expect(() => buildCacheReused.parse({})).toThrow(/description/);
    expect(() => buildCacheReused.parse({ description: "[" })).toThrow(/regular expression/);
  });

  it("built-image reads maxSizeMB and copiedFromStage", () => {
    const p = builtImage.parse({ repository: "hello-small", maxSizeMB: 10, copiedFromStage: true });
    expect(p.maxSize).toBe(10e6);
    expect(p.copiedFromStage).toBe(true);
    expect(() => builtImage.parse({ repository: "x", maxSizeMB: 0 })).toThrow(/maxSizeMB/);
    expect(() => builtImage.parse({ repository: "x", copiedFromStage: "yes" })).toThrow(/copiedFromStage/);
  });
});

describe("settledBuildCache", () => {
  /** A daemon whose build cache is `next()` at each read (GET /system/df?type=build-cache). */
  const daemon = (next: () => BuildCacheRecord[]) => {
    let reads = 0;
    const docker = {
      modem: {
        dial: (_o: unknown, cb: (err: unknown, data: unknown) => void) => {
          reads++;
          cb(null, { BuildCache: next() });
        },
      },
    } as unknown as Docker;
    return { docker, reads: () => reads };
  };
  const copied = (rs: BuildCacheRecord[]) => rs.some((r) => r.LastUsedAt !== null);
  const justNow = () => new Date(Date.now() - 1000).toISOString();

  it("waits past the tag's few seconds while a result made just now shows no use yet", async () => {
    // As measured: BuildKit wrote the use 3.5 s after the tag. Here it is written at the 6th read.
    let read = 0;
    const made = justNow();
    const d = daemon(() => [record({ CreatedAt: made, UsageCount: read++ >= 5 ? 1 : 0, LastUsedAt: read > 5 ? new Date().toISOString() : null })]);
    const records = await settledBuildCache(d.docker, copied, async () => 0, 5);
    expect(copied(records)).toBe(true);
    expect(d.reads()).toBe(6);
  });

  it("gives up at once when nothing awaits its first use and no image was tagged just now", async () => {
    const d = daemon(() => [record({ UsageCount: 1, LastUsedAt: "2026-11-29T12:05:00.000Z", Description: "[build 2/4] WORKDIR /src" })]);
    await settledBuildCache(d.docker, () => false, async () => 0, 5);
    expect(d.reads()).toBe(1);
  });

  it("does not wait for a result made long ago that never showed a use (its build failed)", async () => {
    const d = daemon(() => [record({ CreatedAt: "2026-11-29T12:00:00.000Z", UsageCount: 0, LastUsedAt: null })]);
    await settledBuildCache(d.docker, copied, async () => 0, 5);
    expect(d.reads()).toBe(1);
  });
});
