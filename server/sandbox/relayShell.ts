// A learner's shell through the box's own relay (box/shell-relay.c): a program the box's
// init starts, listening on shell.sock in the box's /shiplab folder. Each connection is one
// `bash -l` on a pty of the relay's, a child of the box's init: confined exactly like the
// box's other processes by construction (test/security/shellConfinement.test.ts), with one
// copy each way instead of the engine's and the shim's four (issue 10: echo).
//
// The relay is the learner's to break (they are root in the box): what it sends is read in
// frames of bounded size, and when nothing answers on shell.sock (killed, or a box from an
// image without it) the shell is opened the other way, as an exec through the engine.
import net from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { ShellHandlers, ShellProcess, ShellStarter, TerminalSize } from "../terminal/shellProcess.ts";

/** Frame types (see box/shell-relay.c). */
const OPEN = 0x6f; // 'o'
const INPUT = 0x69; // 'i'
const WINDOW = 0x77; // 'w'
const DATA = 0x64; // 'd'
const EXIT = 0x78; // 'x'
/** The relay reads 64 KiB at a time; anything larger is not our relay talking. */
const MAX_FRAME = 1 << 20;

let open = 0;
/** Relay connections open right now (leak checks). */
export const openRelayShells = (): number => open;

function frame(type: number, payload: Buffer): Buffer {
  const head = Buffer.allocUnsafe(5);
  head[0] = type;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

function sizeBytes(size: TerminalSize): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt16BE(Math.max(1, Math.min(size.rows, 0xffff)), 0);
  b.writeUInt16BE(Math.max(1, Math.min(size.cols, 0xffff)), 2);
  return b;
}

/**
 * Opens a shell through the relay listening at socketPath; if none answers there, through
 * `otherwise` (keystrokes typed meanwhile go to whichever shell opens).
 */
export function startRelayShell(socketPath: string, size: TerminalSize, handlers: ShellHandlers, otherwise: ShellStarter): ShellProcess {
  const decoder = new StringDecoder("utf8");
  let current = size;
  let connected = false;
  let killed = false;
  let ended = false;
  let exitCode = -1;
  /** Keystrokes sent before the relay answered: the other shell gets them if it never does. */
  let early = "";
  let instead: ShellProcess | undefined;

  const reportExit = () => {
    if (ended || killed) return;
    ended = true;
    handlers.exit(exitCode);
  };

  const conn = net.connect(socketPath);
  // Written now, sent once connected: the relay's first frame is the shell's size.
  conn.write(frame(OPEN, sizeBytes(current)));

  conn.once("connect", () => {
    connected = true;
    early = "";
    open++;
    if (killed) conn.destroy();
  });

  let pending: Buffer = Buffer.alloc(0);
  conn.on("data", (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 5) {
      const len = pending.readUInt32BE(1);
      if (len > MAX_FRAME) return void conn.destroy();
      if (pending.length < 5 + len) break;
      const type = pending[0];
      const body = pending.subarray(5, 5 + len);
      pending = pending.subarray(5 + len);
      if (type === DATA) {
        const text = decoder.write(body);
        if (text && !killed) handlers.data(text);
      } else if (type === EXIT && len === 4) {
        exitCode = body.readInt32BE(0);
      }
    }
  });

  conn.on("error", () => conn.destroy());
  conn.on("close", () => {
    if (!connected) {
      // No relay: the shell is opened the other way, with what was typed meanwhile.
      if (killed) return;
      instead = otherwise(current, handlers);
      if (early) instead.write(early);
      early = "";
      return;
    }
    open--;
    const rest = decoder.end();
    if (rest && !killed) handlers.data(rest);
    reportExit();
  });

  return {
    write(data) {
      if (killed || ended) return;
      if (instead) return instead.write(data);
      if (!connected) early += data;
      conn.write(frame(INPUT, Buffer.from(data, "utf8")));
    },
    resize(next) {
      current = next;
      if (instead) return instead.resize(next);
      conn.write(frame(WINDOW, sizeBytes(next)));
    },
    kill() {
      if (killed) return;
      killed = true;
      // The relay hangs the shell up when its connection goes, as a terminal's line dropping.
      if (connected) conn.destroy();
      instead?.kill();
    },
  };
}
