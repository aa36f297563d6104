// A learner without a browser: gets the cookie like the page does, opens the terminal
// socket with socket.io-client, and times keystroke echoes through the real gateway, pty
// and box. Used by the bench, where browsers would dominate a 2-core machine.
import { io, type Socket } from "socket.io-client";

export interface EchoLearner {
  /** Keystroke → its echo, `n` times (a letter, then a backspace to erase it), in ms. */
  echoes(n: number): Promise<number[]>;
  close(): void;
}

export async function openEchoLearner(url: string, timeoutMs = 60_000): Promise<EchoLearner> {
  const res = await fetch(`${url}/`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  if (!cookie) throw new Error("the page set no learner cookie");
  const socket: Socket = io(url, { transports: ["websocket"], extraHeaders: { cookie, origin: url }, query: { lang: "en" } });
  let output = "";
  socket.on("term:output", (d: string) => (output += d));
  socket.on("term:replay", (d: string) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("no prompt in time")), timeoutMs);
    socket.on("box:state", (s: { state: string; message: string }) => {
      if (s.state === "error") reject(new Error(s.message));
    });
    const poll = setInterval(() => {
      if (/# $/.test(output)) {
        clearInterval(poll);
        clearTimeout(t);
        resolve();
      }
    }, 20);
    socket.emit("term:resize", { cols: 120, rows: 30 });
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
