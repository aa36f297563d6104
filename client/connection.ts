// The learner page's one connection to the server (socket.io), in two steps, so that the
// slow one is out of the way before the page's big script has even run:
//
//  1. boot.ts, a few KB that the browser runs first, calls openConnection(): the WebSocket's
//     handshake and engine.io's open cross the network while app.js (xterm.js is most of its
//     ≈0.5 MB) is still being downloaded and compiled, off the page's main thread.
//  2. main.ts, as soon as it runs, waits for that open (connectionSettled: usually done
//     already), then calls labSocket() in the task that registers every handler
//     (startTerminal). That joins the namespace, and only then does the server start
//     sending (the box's screen, its state): its answer crosses the network while xterm is
//     being built, and nothing can arrive before the handlers are there.
//
// Measured on this 2-core machine (headless Chromium, warm pool, bench/issue10.ts): with one
// script, the engine's open was handled only once xterm was built (≈80 ms of main thread),
// and the namespace's join took one more round trip after it.
import { Manager, type Socket } from "socket.io-client";
import type { ClientToServer, Lang, ServerToClient } from "../server/protocol.ts";

export type ShiplabSocket = Socket<ServerToClient, ClientToServer>;

interface Opened {
  manager: Manager;
  lang: Lang;
  lessonId: string | undefined;
  /** Resolves when the engine is open, or has failed to open (it then retries on its own). */
  settled: Promise<void>;
}

let opened: Opened | undefined;

function newManager(lang: Lang, lessonId: string | undefined): Manager {
  const query: Record<string, string> = { lang };
  if (lessonId) query.lesson = lessonId;
  return new Manager({ query, transports: ["websocket", "polling"], tryAllTransports: true });
}

/** Starts the connection (no namespace yet: the server sends nothing until labSocket). */
export function openConnection(lang: Lang, lessonId: string | undefined): void {
  if (opened) return;
  const manager = newManager(lang, lessonId);
  const settled = new Promise<void>((resolve) => {
    manager.once("open", resolve);
    manager.once("error", () => resolve());
  });
  opened = { manager, lang, lessonId, settled };
}

/**
 * Resolves once the connection boot.ts opened is open (at once if it is), or has failed,
 * or after maxWaitMs. Joining before the open would cost one more round trip, answered
 * only when the page's main thread is free again.
 */
export function connectionSettled(maxWaitMs: number): Promise<void> {
  if (!opened) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)));
  return Promise.race([opened.settled, late]).finally(() => clearTimeout(timer));
}

/**
 * The terminal's socket. Call it in the task that registers the handlers: the browser
 * dispatches no message before that task ends. Uses the connection boot.ts opened when it
 * was opened for this language and lesson; otherwise (on /join, where the lesson comes from
 * the list) opens one now.
 */
export function labSocket(lang: Lang, lessonId: string | undefined): ShiplabSocket {
  if (opened && (opened.lang !== lang || opened.lessonId !== lessonId)) {
    opened.manager._close(); // without reconnecting (the engine's close alone would)
    opened = undefined;
  }
  openConnection(lang, lessonId);
  return opened!.manager.socket("/");
}
