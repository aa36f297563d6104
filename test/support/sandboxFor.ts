// A second DockerSandbox on a running test lab's network and image, with its own
// timeouts: for reaping and adoption tests that need a manager they can restart.
import type { Config } from "../../server/config.ts";
import { sandboxOptions, type Shiplab } from "../../server/main.ts";
import { DockerSandbox, type DockerSandboxOptions } from "../../server/sandbox/dockerSandbox.ts";
import { log, testHost } from "./testHost.ts";

export async function sandboxFor(lab: Shiplab, config: Config, overrides: Partial<DockerSandboxOptions> = {}): Promise<DockerSandbox> {
  return new DockerSandbox({ ...sandboxOptions(config, await testHost(), lab.network, log), warmPool: 0, ...overrides });
}
