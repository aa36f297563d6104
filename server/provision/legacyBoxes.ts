// Upgrade in place: Shiplab before user namespaces ran its boxes on the host's own Docker
// Engine (/var/run/docker.sock). After an update those boxes are this instance's orphans
// there; they are removed (with their network and loop disks) so their
// learners get a user-namespaced box on their next visit. Progress lives in the store and
// is untouched. Only objects labelled with this instance are touched, and an engine that
// does not answer is left alone: Shiplab never starts or reconfigures the host's engine.
import path from "node:path";
import Docker from "dockerode";
import type { Logger } from "../log.ts";
import { networkNames } from "../sandbox/boxNetwork.ts";
import { removeBoxDir } from "../sandbox/boxSocketDir.ts";
import { LABEL, isBoxId } from "../sandbox/labels.ts";

export const HOST_ENGINE_SOCKET = "/var/run/docker.sock";

export async function reapLegacyBoxes(instance: string, stateDir: string, log: Logger, socketPath = HOST_ENGINE_SOCKET): Promise<number> {
  const host = new Docker({ socketPath, timeout: 10_000 });
  try {
    await host.ping();
  } catch {
    return 0;
  }
  const containers = await host.listContainers({
    all: true,
    filters: { label: [`${LABEL.instance}=${instance}`, LABEL.box] },
  });
  let removed = 0;
  for (const c of containers) {
    const name = c.Names[0]?.slice(1) ?? c.Id;
    try {
      await host.getContainer(c.Id).remove({ force: true, v: true });
    } catch (err) {
      log.warn(`could not remove the old box ${name} from the host's Docker Engine: ${(err as Error).message}`);
      continue;
    }
    removed++;
    const id = c.Labels[LABEL.box];
    if (isBoxId(id)) await removeBoxDir(path.join(stateDir, "boxes", instance, id));
    log.info(`removed box ${name} from the host's Docker Engine (made before user-namespaced boxes)`);
  }
  // Its network goes too: its bridge name is the one Shiplab's engine uses now. Only the
  // Docker network: the firewall chains of that name are today's, and applyBoxFirewall
  // rewrites them for the new bridge.
  const { name } = networkNames(instance);
  const legacyNet = (await host.listNetworks({ filters: { name: [name], label: [`${LABEL.instance}=${instance}`] } })).find((n) => n.Name === name);
  if (legacyNet) {
    await host.getNetwork(legacyNet.Id).remove().then(
      () => log.info(`removed network ${name} from the host's Docker Engine`),
      (err: Error) => log.warn(`could not remove network ${name} from the host's Docker Engine: ${err.message}`),
    );
  }
  return removed;
}
