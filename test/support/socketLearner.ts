// A learner without a browser: gets the cookie like the page does, opens the terminal
// socket with socket.io-client, and talks to the real gateway, pty and box. Used by the
// bench (where browsers would dominate a 2-core machine) and by tests that send the
// server what no page would.
import { io, type Socket } from "socket.io-client";

export interface SocketLearner {
  socket: Socket;
  cookie: string;
  /** Every event the server sent, in order (name and first argument). */
  received: { event: string; payload: unknown }[];
  /** Resolves with the first payload of `event` sent after this call (and matching `test`). */
  next<T = unknown>(event: string, test?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Keystroke → its echo, `n` times (a letter, then a backspace to erase it), in ms. */
  echoes(n: number): Promise<number[]>;
  close(): void;
}

/**
 * Opens a learner's socket; `cookie` reuses a learner (the same person reconnecting);
 * `lesson` is the lesson the page has open (its exercises are checked only once opened).
 */
export async function openSocketLearner(url: string, opts: { cookie?: string; timeoutMs?: number; lesson?: string } = {}): Promise<SocketLearner> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let cookie = opts.cookie;
  if (!cookie) {
    const res = await fetch(`${url}/`);
    cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
    if (!cookie) throw new Error("the page set no learner cookie");
  }
  // forceNew: each learner its own connection, with its own cookie.
  const socket: Socket = io(url, { transports: ["websocket"], extraHeaders: { cookie, origin: url }, query: { lang: "en", ...(opts.lesson ? { lesson: opts.lesson } : {}) }, forceNew: true });
  const received: { event: string; payload: unknown }[] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  let output = "";
  socket.on("term:output", (d: string) => (output += d));
  socket.on("term:replay", (d: string) => (output += d));

  const next = <T>(event: string, test: (payload: T) => boolean = () => true, waitMs = 10_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        socket.off(event, on);
        reject(new Error(`no ${event} within ${waitMs} ms`));
      }, waitMs);
      const on = (payload: T) => {
        if (!test(payload)) return;
        clearTimeout(t);
        socket.off(event, on);
        resolve(payload);
      };
      socket.on(event, on);
    });

  const ready = new Promise<void>((resolve, reject) => {
    let reconnected = false;
    const settle = (err?: Error) => {
      clearInterval(poll);
      clearTimeout(t);
      if (err) reject(err);
      else resolve();
    };
    const t = setTimeout(() => settle(new Error("no prompt in time")), timeoutMs);
    socket.on("box:state", (s: { state: string; message: string }) => {
      if (s.state === "error") settle(new Error(s.message));
      // The same learner coming back gets their shell as it was, not a fresh prompt.
      if (s.state === "reconnected") reconnected = true;
    });
    const poll = setInterval(() => {
      if (reconnected || /# $/.test(output)) settle();
    }, 20);
    socket.emit("term:resize", { cols: 120, rows: 30 });
  });
  // A learner who never got a prompt leaves no socket behind.
  await ready.catch((err: Error) => {
    socket.close();
    throw err;
  });

  const oneEcho = (key: string, expect: (out: string) => boolean): Promise<number> =>
    new Promise((resolve, reject) => {
      output = "";
      const t0 = performance.now();
      const t = setTimeout(() => reject(new Error(`no echo of ${JSON.stringify(key)}`)), 10_000);
      const onOutput = () => {
        if (!expect(output)) return;
        clearTimeout(t);
        socket.off("term:output", onOutput);
        resolve(performance.now() - t0);
      };
      socket.on("term:output", onOutput);
      socket.emit("term:input", key);
    });

  return {
    socket,
    cookie,
    received,
    next,
    async echoes(n) {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        times.push(await oneEcho("x", (o) => o.includes("x")));
        times.push(await oneEcho("\x7f", (o) => o.includes("\b")));
        await new Promise((r) => setTimeout(r, 20));
      }
      return times;
    },
    close: () => socket.close(),
  };
}
