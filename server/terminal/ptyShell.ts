// A host program behind a local pseudo-terminal (node-pty): the bench's baseline shell.
// Never a learner's shell in a box: that one must run inside the box (sandbox/boxShell.ts).
import * as pty from "node-pty";
import type { ShellHandlers, ShellProcess, TerminalSize } from "./shellProcess.ts";

/** A program for node-pty to run, with its whole environment (never the server's own). */
export interface ShellCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export function startPtyShell(command: ShellCommand, size: TerminalSize, handlers: ShellHandlers): ShellProcess {
  const proc = pty.spawn(command.file, command.args, {
    name: "xterm-256color",
    cols: size.cols,
    rows: size.rows,
    cwd: command.cwd ?? "/",
    env: command.env,
  });
  let killed = false;
  proc.onData((d) => handlers.data(d));
  proc.onExit(({ exitCode }) => {
    if (!killed) handlers.exit(exitCode);
  });
  return {
    write: (data) => proc.write(data),
    resize: (s) => proc.resize(s.cols, s.rows),
    kill: () => {
      if (killed) return;
      killed = true;
      try {
        proc.kill();
      } catch {
        // Already gone.
      }
    },
  };
}
