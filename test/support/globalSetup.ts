// Once per `npm test`: every set-up step the lab needs (the same code as `npm start`),
// then, at the end, the removal of anything a test left behind.
import { consoleLogger } from "../../server/log.ts";
import { ensureHostPackages } from "../../server/provision/hostPackages.ts";
import { provision } from "../../server/provision/index.ts";
import { removeStaleFirewallRules } from "../../server/sandbox/boxNetwork.ts";
import { removeEndedRunsObjects, removeStaleTestDbs, removeTestDisks, removeTestObjects, testConfig } from "./testHost.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const log = consoleLogger("test setup");
  // The browser of the end-to-end tests: Debian's chromium, driven by playwright-core.
  await ensureHostPackages(log, { chromium: "chromium" });
  const host = await provision(testConfig(), log);
  await removeTestObjects();
  const leftovers = await removeEndedRunsObjects();
  if (leftovers > 0) log.info(`removed ${leftovers} Docker objects that earlier test runs, ended without their clean-up, left behind`);
  return async () => {
    await removeTestObjects();
    await removeStaleFirewallRules();
    await removeTestDisks();
    removeStaleTestDbs();
    host.registry.dispose();
  };
}
