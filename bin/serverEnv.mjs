// The environment Shiplab's server process starts in: `npm start` and the other server
// commands (bin/shiplab.mjs), and the bench's servers of both kinds. Shiplab's image sets
// the same in deploy/entrypoint.sh.

/**
 * Two settings of glibc's malloc, and V8's young generation capped (SEMI_SPACE_FLAG, in
 * NODE_OPTIONS); an operator's own value of any of them is kept.
 *
 * MALLOC_ARENA_MAX=2: at most two arenas. By default every thread that allocates (libuv's
 * pool, V8's helpers) may get one of its own, up to eight per core, and what is freed stays
 * in each. Measured with 31 learners' terminals open, three runs each: the server's RSS
 * 91–99 MiB without, 85–89 MiB with; the bench's baseline server, which does little off
 * its main thread, 71.7 MiB either way.
 *
 * MALLOC_MMAP_THRESHOLD_=131072: glibc's own starting value, held there. Left alone, glibc
 * raises it to the size of each mapped block that is freed, and the first teacher's login
 * frees one of 32 MiB (scrypt, server/teach/passwords.ts; seen with heaptrack). From then
 * on every block up to 32 MiB comes from the heap, which cannot shrink past the small
 * blocks that come to live above the freed ones. A class's boxes arriving (engine calls, readiness pings, every
 * learner's first checks) grew the server's malloc heap from 5.8 to 9.2–9.6 MiB for good;
 * held, it ended at 6.5–9.9 MiB (three runs), and the server's RSS with 31 terminals open
 * was 73–74 MiB in two of them instead of 76–78 (the bench's steps, test/bench/issue10.ts).
 */
export function serverEnv(env = process.env) {
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? "2",
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? "131072",
    NODE_OPTIONS: withSemiSpaceCap(env.NODE_OPTIONS),
  };
}

/**
 * V8's young generation held to 2 MiB per semi-space (an operator's own
 * --max-semi-space-size is kept). Node 20's V8 grows it up to 16 MiB when much of what is
 * allocated survives a scavenge, as the terminals' output does while 30 learners' shells
 * print, and seldom gives it back. The bench's server RSS with 31 terminals open fell in
 * two groups over five runs, 74–76 and 91.5 MiB, against ≈72 for the baseline; 16 MiB is
 * about the gap. With the cap, two runs: 76.0 and 76.2 MiB (baseline 72.2, 72.0), and a
 * node that grows its new space to 16 MiB holds it at 4 (test/unit/serverEnv.test.ts).
 * What more scavenges could cost was not seen past the bench's noise: echo beside 30
 * printing terminals p95 26 and 50 ms (19–49 in the five runs before), a check passed
 * after its daemon event p95 219 and 671 ms (173–474 before).
 */
const SEMI_SPACE_FLAG = "--max-semi-space-size=2";

function withSemiSpaceCap(nodeOptions = "") {
  if (/--max-semi-space-size\b/.test(nodeOptions)) return nodeOptions;
  return [nodeOptions, SEMI_SPACE_FLAG].filter(Boolean).join(" ");
}
