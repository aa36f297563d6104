// The server's side of the box's shell relay (box/shell-relay.c), against a fake relay on a
// unix socket: the frames it sends, what it makes of the frames it gets (the relay is the
// learner's to replace), and the exec it falls back to when nothing answers.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openRelayShells, startRelayShell } from "../../server/sandbox/relayShell.ts";
import type { ShellHandlers, ShellProcess, TerminalSize } from "../../server/terminal/shellProcess.ts";
import { until } from "../support/until.ts";

interface Frame {
  type: string;
  body: Buffer;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-relay-"));
const servers: net.Server[] = [];
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** A fake relay: hands each connection to `onConn` with the frames it has received so far. */
async function fakeRelay(onConn: (conn: net.Socket, frames: Frame[]) => void): Promise<string> {
  const socketPath = path.join(dir, `relay-${servers.length}-${Date.now()}.sock`);
  const server = net.createServer((conn) => {
    const frames: Frame[] = [];
    let buf = Buffer.alloc(0);
    conn.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
        const len = buf.readUInt32BE(1);
        frames.push({ type: String.fromCharCode(buf[0]), body: buf.subarray(5, 5 + len) });
        buf = buf.subarray(5 + len);
      }
    });
    onConn(conn, frames);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(socketPath, r));
  return socketPath;
}

function recorder() {
  const seen = { text: "", exits: [] as number[] };
  const handlers: ShellHandlers = { data: (t) => (seen.text += t), exit: (c) => seen.exits.push(c) };
  return { seen, handlers };
}

const noFallback = (): ShellProcess => {
  throw new Error("fell back to the exec although the relay answered");
};

/** Waits (2 s at most) for a condition on what the fake relay or the handlers saw. */
const waitFor = (ok: () => boolean, what: string) => until(async () => ok(), 2_000, what, 10);

describe("a shell through the box's relay", () => {
  it("opens at the page's size, sends keystrokes and sizes, and reports output and the shell's exit", async () => {
    let frames: Frame[] = [];
    let conn!: net.Socket;
    const socketPath = await fakeRelay((c, f) => ((conn = c), (frames = f)));
    const { seen, handlers } = recorder();
    const shell = startRelayShell(socketPath, { cols: 100, rows: 30 }, handlers, noFallback);
    shell.write("ls\r");
    shell.resize({ cols: 120, rows: 40 });
    await waitFor(() => frames.length === 3, "three frames");
    expect(frames.map((f) => f.type)).toEqual(["o", "i", "w"]);
    expect([frames[0].body.readUInt16BE(0), frames[0].body.readUInt16BE(2)]).toEqual([30, 100]);
    expect(frames[1].body.toString()).toBe("ls\r");
    expect([frames[2].body.readUInt16BE(0), frames[2].body.readUInt16BE(2)]).toEqual([40, 120]);

    // A character split across two frames arrives whole.
    const smile = Buffer.from("😀 ok");
    conn.write(Buffer.concat([frame("d", smile.subarray(0, 2)), frame("d", smile.subarray(2))]));
    const code = Buffer.alloc(4);
    code.writeInt32BE(7);
    conn.end(frame("x", code));
    await waitFor(() => seen.exits.length > 0, "the exit");
    expect(seen.text).toBe("😀 ok");
    expect(seen.exits).toEqual([7]);
    expect(openRelayShells()).toBe(0);
  });

  it("hangs up and reports an ended shell when what answers sends an oversized frame", async () => {
    let closed = false;
    const socketPath = await fakeRelay((c) => {
      c.on("close", () => (closed = true));
      const head = Buffer.alloc(5);
      head[0] = "d".charCodeAt(0);
      head.writeUInt32BE(64 << 20, 1);
      c.write(head);
    });
    const { seen, handlers } = recorder();
    startRelayShell(socketPath, { cols: 80, rows: 24 }, handlers, noFallback);
    await waitFor(() => seen.exits.length > 0 && closed, "the hang-up");
    expect(seen.exits).toEqual([-1]);
  });

  it("ends the connection on kill, and reports no exit", async () => {
    let closed = false;
    const socketPath = await fakeRelay((c) => c.on("close", () => (closed = true)));
    const { seen, handlers } = recorder();
    const shell = startRelayShell(socketPath, { cols: 80, rows: 24 }, handlers, noFallback);
    await waitFor(() => openRelayShells() === 1, "the connection");
    shell.kill();
    shell.kill();
    await waitFor(() => closed, "the relay to see the hang-up");
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.exits).toEqual([]);
    expect(openRelayShells()).toBe(0);
  });

  it("opens the shell the other way, with the keystrokes typed meanwhile, when no relay answers", async () => {
    const calls: { size: TerminalSize; written: string[] }[] = [];
    const fallback = (size: TerminalSize): ShellProcess => {
      const call = { size, written: [] as string[] };
      calls.push(call);
      return { write: (d) => call.written.push(d), resize: () => undefined, kill: () => undefined };
    };
    const { handlers } = recorder();
    const shell = startRelayShell(path.join(dir, "nobody.sock"), { cols: 90, rows: 20 }, handlers, fallback);
    shell.write("echo early\r");
    await waitFor(() => calls.length === 1, "the fallback");
    shell.write("echo later\r");
    expect(calls[0].size).toEqual({ cols: 90, rows: 20 });
    expect(calls[0].written).toEqual(["echo early\r", "echo later\r"]);
  });
});
