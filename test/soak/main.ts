// `npm run soak`: the full soak (1000 cycles, 50 learners, bursts of all 50), printed as
// a table; exits 1 if anything was left over. Loopback only; bounded in count and time.
process.env.SHIPLAB_STATE_DIR ??= "/var/lib/shiplab-test";
process.env.SHIPLAB_REGISTRY_PORT ??= "5001";
process.env.SHIPLAB_TEST_RUN ??= `soak-${process.pid}`;

const { runSoak } = await import("./soak.ts");
const { removeTestObjects, testHost } = await import("../support/testHost.ts");

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => Number(argv[argv.indexOf(`--${name}`) + 1]) || dflt;
const say = (line: string) => process.stdout.write(`${line}\n`);

await testHost();
try {
  const r = await runSoak({
    cycles: arg("cycles", 1000),
    learners: arg("learners", 50),
    burstEvery: arg("burst-every", 100),
    maxMs: arg("minutes", 30) * 60_000,
    say,
  });
  say(`cycles ${r.cycles} in ${r.seconds.toFixed(0)} s`);
  say(`server RSS before ${r.rssBeforeMiB.toFixed(1)} MiB, after ${r.rssAfterMiB.toFixed(1)} MiB (${((r.rssAfterMiB / r.rssBeforeMiB - 1) * 100).toFixed(1)} %)`);
  for (const [what, n] of Object.entries(r.leftovers)) say(`  left over: ${what.padEnd(26)} ${n}`);
  for (const e of r.errors) say(`  error: ${e}`);
  process.exitCode = Object.values(r.leftovers).some((n) => n > 0) || r.errors.length ? 1 : 0;
} finally {
  await removeTestObjects();
  (await testHost()).registry.dispose();
}
