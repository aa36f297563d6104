// A learner's shell in their box. Through the box's own relay (relayShell.ts) when it
// answers; otherwise, as here, an exec held through the Engine API: the engine starts
// `bash -l` in the box's container with a terminal of its own, and the server keeps one
// hijacked connection to it. Either way no `docker exec` client process on the host (≈24 MiB
// each), and the shell is confined exactly like the box's other processes: its namespaces
// (user namespace included), its cgroup and limits, its capabilities and its seccomp profile
// (test/security/shellConfinement.test.ts).
//
// The engine does not end an exec when its connection goes, so the shell writes its PID
// (in the box's numbering) where the server can find it, and kill() hangs it up.
import crypto from "node:crypto";
import type { Duplex } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type Docker from "dockerode";
import type { ShellHandlers, ShellProcess, TerminalSize } from "../terminal/shellProcess.ts";
import { openRelayShells, startRelayShell } from "./relayShell.ts";

const SHELL_PIDS_DIR = "/run/shiplab-shells";

let open = 0;
/** Shells whose connection is open right now, either way (leak checks). */
export const openBoxShells = (): number => open + openRelayShells();

/** A shell in the box: through the relay listening at relaySocket, or else as an exec. */
export function startBoxShell(docker: Docker, container: string, relaySocket: string, size: TerminalSize, handlers: ShellHandlers): ShellProcess {
  return startRelayShell(relaySocket, size, handlers, (sz, h) => startExecShell(docker, container, sz, h));
}

function startExecShell(docker: Docker, container: string, size: TerminalSize, handlers: ShellHandlers): ShellProcess {
  const id = crypto.randomBytes(6).toString("hex");
  const pidFile = `${SHELL_PIDS_DIR}/${id}`;
  const decoder = new StringDecoder("utf8");
  let exec: Docker.Exec | undefined;
  let stream: Duplex | undefined;
  let queued = "";
  let current = size;
  let killed = false;
  let ended = false;

  const reportExit = (code: number) => {
    if (ended) return;
    ended = true;
    if (!killed) handlers.exit(code);
  };

  const hangUpInBox = () => {
    // The shell's own PID file: a learner who edits it can only hang up their own processes.
    void docker
      .getContainer(container)
      .exec({ Cmd: ["/bin/sh", "-c", `kill -HUP "$(cat ${pidFile})" 2>/dev/null; rm -f ${pidFile}`] })
      .then((e) => e.start({ Detach: true }))
      .catch(() => undefined); // the box is gone: so is the shell
  };

  const resize = () => {
    void exec?.resize({ h: current.rows, w: current.cols }).catch(() => undefined);
  };

  void (async () => {
    exec = await docker.getContainer(container).exec({
      // `exec` keeps the PID: the file names bash itself.
      Cmd: ["/bin/sh", "-c", `mkdir -p ${SHELL_PIDS_DIR} && echo $$ > ${pidFile}; exec bash -l`],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ["TERM=xterm-256color", "LANG=C.UTF-8"],
      WorkingDir: "/root",
      ...({ ConsoleSize: [current.rows, current.cols] } as object),
    });
    const s = (await exec.start({ hijack: true, stdin: true, Tty: true } as object)) as unknown as Duplex;
    if (killed) {
      s.destroy();
      hangUpInBox();
      return;
    }
    stream = s;
    open++;
    s.on("data", (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (text) handlers.data(text);
    });
    s.on("error", () => s.destroy());
    s.on("close", () => {
      open--;
      stream = undefined;
      const rest = decoder.end();
      if (rest) handlers.data(rest);
      if (killed) return;
      void exec!.inspect().then(
        (info) => reportExit(info.ExitCode ?? -1),
        () => reportExit(-1),
      );
    });
    if (queued) s.write(queued);
    queued = "";
    // Engines before API 1.42 ignore ConsoleSize: the size is set once the shell runs.
    resize();
  })().catch(() => reportExit(-1)); // the box is gone or the engine away: the gateway finds out why

  return {
    write(data) {
      if (killed || ended) return;
      if (stream) stream.write(data);
      else queued += data;
    },
    resize(size) {
      current = size;
      if (stream) resize();
    },
    kill() {
      if (killed) return;
      killed = true;
      if (stream) {
        stream.destroy();
        hangUpInBox();
      }
    },
  };
}
