// Facts only the box itself knows (its own processes), read through the host's daemon
// with an exec in the box container: the learner's shell cannot fake them.
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { demuxLogs } from "../checks/logs.ts";
import type { BoxProbe } from "../checks/types.ts";

async function execInBox(docker: Docker, container: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return demuxLogs(Buffer.concat(chunks));
}

export function boxProbe(docker: Docker, container: string): BoxProbe {
  return {
    async dockerdPids() {
      const out = await execInBox(docker, container, ["pidof", "dockerd"]);
      return out.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
    },
  };
}
