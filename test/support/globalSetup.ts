// Once per `npm test`: every set-up step the lab needs (the same code as `npm start`),
// then, at the end, the removal of anything a test left behind.
import { consoleLogger } from "../../server/log.ts";
import { provision } from "../../server/provision/index.ts";
import { removeStaleFirewallRules } from "../../server/sandbox/boxNetwork.ts";
import { removeTestDisks, removeTestObjects, testConfig } from "./testHost.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const host = await provision(testConfig(), consoleLogger("test setup"));
  await removeTestObjects();
  return async () => {
    await removeTestObjects();
    await removeStaleFirewallRules();
    await removeTestDisks();
    host.registry.dispose();
  };
}
