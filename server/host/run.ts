// Runs a host command for set-up, streaming its lines to the logger so long steps show
// progress, and failing with the command's last lines when it fails.
import { spawn } from "node:child_process";
import type { Logger } from "../log.ts";

export interface RunOptions {
  log?: Logger;
  /** Lines matching this are shown as progress; others are kept for the error message only. */
  progress?: RegExp;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class CommandError extends Error {
  constructor(readonly command: string, readonly code: number | null, readonly tail: string) {
    super(`\`${command}\` failed (exit ${code}):\n${tail}`);
  }
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const tail: string[] = [];
    let stdout = "";
    let partial = "";
    const onText = (chunk: Buffer, isStdout: boolean) => {
      const s = chunk.toString();
      if (isStdout) stdout += s;
      const lines = (partial + s).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        if (opts.progress?.test(line)) opts.log?.info(`  ${line.replace(opts.progress, "").trim()}`);
      }
    };
    child.stdout!.on("data", (c: Buffer) => onText(c, true));
    child.stderr!.on("data", (c: Buffer) => onText(c, false));
    child.on("error", (err) => reject(new CommandError(`${cmd} ${args.join(" ")}`, null, err.message)));
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new CommandError(`${cmd} ${args.join(" ")}`, code, [...tail, partial].join("\n").trim()));
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** True when `cmd` is found on PATH. */
export async function have(cmd: string): Promise<boolean> {
  try {
    await run("sh", ["-c", 'command -v "$1"', "sh", cmd]);
    return true;
  } catch {
    return false;
  }
}

/** True when `dir` is a mount point. */
export async function isMounted(dir: string): Promise<boolean> {
  try {
    await run("mountpoint", ["-q", dir]);
    return true;
  } catch {
    return false;
  }
}
