// The environment `npm start` gives the server process (bin/serverEnv.mjs).
import { describe, expect, it } from "vitest";
import { serverEnv } from "../../bin/serverEnv.mjs";

describe("the server's environment", () => {
  it("keeps at most two malloc arenas, holds the mmap threshold, and everything else as it was", () => {
    const env = serverEnv({ PATH: "/usr/bin", SHIPLAB_WARM_POOL: "3" });
    expect(env).toEqual({ PATH: "/usr/bin", SHIPLAB_WARM_POOL: "3", MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" });
  });

  it("keeps an operator's own MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_", () => {
    const env = serverEnv({ MALLOC_ARENA_MAX: "8", MALLOC_MMAP_THRESHOLD_: "65536" });
    expect(env.MALLOC_ARENA_MAX).toBe("8");
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe("65536");
  });
});
