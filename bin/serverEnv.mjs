// The environment Shiplab's server process starts in: `npm start` and the other server
// commands (bin/shiplab.mjs), and the bench's servers of both kinds. Shiplab's image sets
// the same in deploy/entrypoint.sh.

/**
 * glibc's malloc keeps at most two arenas. By default every thread that allocates (libuv's
 * pool, V8's helpers) may get one of its own, up to eight per core, and what is freed stays
 * in each. Measured with 31 learners' terminals open, three runs each: the server's RSS
 * 91–99 MiB without, 85–89 MiB with; the bench's baseline server, which does little off
 * its main thread, 71.7 MiB either way.
 * An operator's own MALLOC_ARENA_MAX is kept.
 */
export function serverEnv(env = process.env) {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? "2" };
}
