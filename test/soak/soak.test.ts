// The soak's short form, run by `npm test` (the full one is `npm run soak`): after 100
// connect/disconnect cycles of every kind, nothing is left over.
import { expect, it } from "vitest";
import { runSoak } from "./soak.ts";

it("leaves nothing behind after 100 connect/disconnect cycles", async () => {
  const r = await runSoak({ cycles: 100, learners: 8, burstEvery: 25, maxMs: 10 * 60_000 });
  console.log(`[soak] ${r.cycles} cycles in ${r.seconds.toFixed(0)} s; RSS ${r.rssBeforeMiB.toFixed(0)} → ${r.rssAfterMiB.toFixed(0)} MiB; ${JSON.stringify(r.leftovers)}`);
  expect(r.errors).toEqual([]);
  expect(r.cycles).toBe(100);
  for (const [what, n] of Object.entries(r.leftovers)) expect(n, what).toBe(0);
}, 20 * 60_000);
