// Facts only the box itself knows (its own processes), read through the host's daemon
// with an exec in the box container: the learner's shell cannot fake them.
import type Docker from "dockerode";
import type { BoxProbe } from "../checks/types.ts";
import { execInBox } from "./boxExec.ts";

export function boxProbe(docker: Docker, container: string): BoxProbe {
  return {
    async dockerdPids() {
      const { output } = await execInBox(docker, container, ["pidof", "dockerd"], 10_000);
      return output.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
    },
  };
}
