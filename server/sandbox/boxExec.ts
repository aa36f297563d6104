// Runs a command inside a box through the host's daemon (not the learner's shell), and
// reads its output and exit code; the exit code is read only after the output ended.
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { demuxLogs } from "../checks/logs.ts";

export interface ExecResult {
  code: number;
  output: string;
}

export async function execInBox(docker: Docker, container: string, cmd: string[], timeoutMs = 300_000): Promise<ExecResult> {
  const exec = await docker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: "/root",
    // No DOCKER_BUILDKIT: a solution builds with BuildKit, the box's default, as the
    // learner's terminal does (the dockerfile lessons' checks want BuildKit's history).
    Env: ["HOME=/root"],
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    (async () => {
      for await (const c of stream) chunks.push(c as Buffer);
    })(),
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`\`${cmd.join(" ")}\` in ${container} took longer than ${timeoutMs / 1000} s`));
      }, timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, output: demuxLogs(Buffer.concat(chunks)) };
}
