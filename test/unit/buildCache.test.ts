// Which build-cache records count as reused, from what the daemon reports.
import { describe, expect, it } from "vitest";
import { reusedRecords, type BuildCacheRecord } from "../../server/checks/buildCache.ts";
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
