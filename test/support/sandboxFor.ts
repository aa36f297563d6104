// A second DockerSandbox on a running test lab's network and image, with its own
// timeouts: for reaping and adoption tests that need a manager they can restart.
import type { Config } from "../../server/config.ts";
import { GATE_PORT, type Shiplab } from "../../server/main.ts";
import { DockerSandbox, type DockerSandboxOptions } from "../../server/sandbox/dockerSandbox.ts";
import { log, testHost } from "./testHost.ts";

export async function sandboxFor(lab: Shiplab, config: Config, overrides: Partial<DockerSandboxOptions> = {}): Promise<DockerSandbox> {
  const host = await testHost();
  return new DockerSandbox({
    docker: host.docker,
    log,
    instance: config.instance,
    stateDir: config.stateDir,
    image: host.images.box,
    network: lab.network,
    gatePort: GATE_PORT,
    memoryBytes: config.boxMemoryBytes,
    cpus: config.boxCpus,
    pids: config.boxPids,
    diskBytes: config.boxDiskBytes,
    runtime: config.boxRuntime,
    idleTimeoutMs: config.idleTimeoutMs,
    maxLifetimeMs: config.maxLifetimeMs,
    warmPool: 0,
    testRun: config.testRun,
    ...overrides,
  });
}
