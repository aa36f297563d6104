// The environment Shiplab's server process starts in: `npm start` and the other server
// commands (bin/shiplab.mjs), and the bench's servers of both kinds. Shiplab's image sets
// the same in deploy/entrypoint.sh.

/**
 * Two settings of glibc's malloc; an operator's own value of either is kept.
 *
 * MALLOC_ARENA_MAX=2: at most two arenas. By default every thread that allocates (libuv's
 * pool, V8's helpers) may get one of its own, up to eight per core, and what is freed stays
 * in each. Measured with 31 learners' terminals open, three runs each: the server's RSS
 * 91–99 MiB without, 85–89 MiB with; the bench's baseline server, which does little off
 * its main thread, 71.7 MiB either way.
 *
 * MALLOC_MMAP_THRESHOLD_=131072: glibc's own starting value, held there. Left alone, glibc
 * raises it each time a block above it is freed, so that later blocks of that size come from
 * the heap instead of a mapping of their own, and the heap cannot shrink past the small
 * blocks that live above them. A class's boxes arriving (engine calls, readiness pings,
 * every learner's first checks) grew the server's malloc heap from 5.8 to 9.2–9.6 MiB for
 * good; held, it ended at 6.5–7.0 MiB, and the server's RSS with 31 terminals open was
 * 73–74 MiB instead of 76–78 (two runs each of the bench's steps, test/bench/issue10.ts).
 */
export function serverEnv(env = process.env) {
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? "2",
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? "131072",
  };
}
