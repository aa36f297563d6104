// The environment `npm start` gives the server process (bin/serverEnv.mjs).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { serverEnv } from "../../bin/serverEnv.mjs";

describe("the server's environment", () => {
  it("keeps at most two malloc arenas, holds the mmap threshold, and everything else as it was", () => {
    const env = serverEnv({ PATH: "/usr/bin", SHIPLAB_WARM_POOL: "3" });
    expect(env).toEqual({
      PATH: "/usr/bin",
      SHIPLAB_WARM_POOL: "3",
      MALLOC_ARENA_MAX: "2",
      MALLOC_MMAP_THRESHOLD_: "131072",
      NODE_OPTIONS: "--max-semi-space-size=2",
    });
  });

  it("adds the semi-space cap to an operator's NODE_OPTIONS, and keeps their own cap", () => {
    expect(serverEnv({ NODE_OPTIONS: "--enable-source-maps" }).NODE_OPTIONS).toBe("--enable-source-maps --max-semi-space-size=2");
    expect(serverEnv({ NODE_OPTIONS: "--max-semi-space-size=8" }).NODE_OPTIONS).toBe("--max-semi-space-size=8");
  });

  it("holds a node's young generation to 4 MiB where it would grow to 16 under surviving garbage", () => {
    // Many short-lived objects of which a good part survives a scavenge: what makes V8 grow it.
    const script = `const v8 = require("v8"); let keep = [];
      for (let i = 0; i < 200000; i++) { keep.push({ a: i, b: "x" + i }); if (keep.length > 50000) keep = keep.slice(25000); }
      console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size);`;
    const newSpace = (env: NodeJS.ProcessEnv) => Number(execFileSync(process.execPath, ["-e", script], { env, encoding: "utf8" }).trim());
    const MiB = 1024 * 1024;
    expect(newSpace({ PATH: process.env.PATH })).toBeGreaterThan(4 * MiB);
    expect(newSpace(serverEnv({ PATH: process.env.PATH }))).toBeLessThanOrEqual(4 * MiB);
  });

  it("keeps an operator's own MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_", () => {
    const env = serverEnv({ MALLOC_ARENA_MAX: "8", MALLOC_MMAP_THRESHOLD_: "65536" });
    expect(env.MALLOC_ARENA_MAX).toBe("8");
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe("65536");
  });
});
