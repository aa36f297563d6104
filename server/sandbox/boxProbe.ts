// Facts only the box itself knows (its own processes), read through the host's daemon
// with an exec in the box container: the learner's shell cannot fake them.
import type { BoxProbe } from "../checks/types.ts";
import type { Box, SandboxManager } from "./sandboxManager.ts";

export function boxProbe(sandbox: SandboxManager, box: Box): BoxProbe {
  return {
    async dockerdPids() {
      const { output } = await sandbox.exec(box, ["pidof", "dockerd"], 10_000);
      return output.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
    },
  };
}
