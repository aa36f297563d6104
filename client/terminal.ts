// The right pane: xterm.js + fit addon, wired to the server over socket.io.
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import type { AnswerAck, AnswerValue, EngineApiCall, ExerciseUpdate, Lang } from "../server/protocol.ts";
import { installClipboardBridge } from "./clipboard.ts";
import type { ShiplabSocket } from "./connection.ts";
import { t } from "./i18n.ts";
import type { StatusBar } from "./status.ts";


export interface TerminalOptions {
  /** From labSocket, in the same task: its events are handled from here on. */
  socket: ShiplabSocket;
  /** The element xterm opens into (data-testid="terminal"). */
  host: HTMLElement;
  status: StatusBar;
  lang: Lang;
  /** Undefined when there are no lessons: the terminal still works. */
  lessonId: string | undefined;
  onExercise: (update: ExerciseUpdate) => void;
  onConnectionChange: (connected: boolean) => void;
  /** The learner leaves the terminal with the keyboard (Shift+Tab). */
  onLeave: () => void;
  /** The learner pressed Enter (or a Run button typed a line): a command begins. */
  onCommand: () => void;
  /** Engine API requests the learner's `docker` made (see hood.ts). */
  onEngineCalls: (calls: EngineApiCall[], earlier: boolean) => void;
}

export interface TerminalSession {
  term: Terminal;
  socket: ShiplabSocket;
  /** Types each line into the shell followed by Enter; false (and a note) when disconnected. */
  typeLines: (lines: string[]) => boolean;
  checkNow: () => void;
  /** Asks for a new shell in the same box (the old one, and what holds it, ends); false when disconnected. */
  restartShell: () => boolean;
  /**
   * Sends an answer (`answer:submit`) and waits for the server's acknowledgement. Never rejects:
   * when disconnected (nothing is sent), on timeout or on an unreadable reply it resolves with
   * `{ ok: false, message }`, the message being a sentence for the learner.
   */
  submitAnswer: (exerciseId: string, answer: AnswerValue) => Promise<AnswerAck>;
  /**
   * Resolves once the terminal has drawn its first output, or once it is clear that this
   * will take a while (connected but no box yet, a refused connection, a box error): the
   * page holds the lesson's render (tens of ms of script) until then, so that it does
   * not stand between a warm box's prompt and the screen.
   */
  firstScreen: Promise<void>;
}

/** After connecting, how long a warm box's first output may take before the page stops waiting for it. */
const FIRST_OUTPUT_GRACE_MS = 150;
/** However the connection goes, the page waits no longer than this for the terminal. */
const FIRST_SCREEN_MAX_MS = 1500;

/** How long to wait for the acknowledgement of an answer. */
const ANSWER_ACK_TIMEOUT_MS = 10_000;

const THEME = {
  background: "#0d1117",
  foreground: "#e6edf3",
  cursor: "#58a6ff",
  cursorAccent: "#0d1117",
  selectionBackground: "#264f78",
  black: "#484f58",
  red: "#ff7b72",
  green: "#3fb950",
  yellow: "#d29922",
  blue: "#58a6ff",
  magenta: "#bc8cff",
  cyan: "#39c5cf",
  white: "#b1bac4",
  brightBlack: "#6e7681",
  brightRed: "#ffa198",
  brightGreen: "#56d364",
  brightYellow: "#e3b341",
  brightBlue: "#79c0ff",
  brightMagenta: "#d2a8ff",
  brightCyan: "#56d4dd",
  brightWhite: "#f0f6fc",
};

/** Opens a terminal link only if it is http(s), in a new tab without an opener. */
export function openSafeLink(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return;
  window.open(url.href, "_blank", "noopener,noreferrer");
}

export function startTerminal(opts: TerminalOptions): TerminalSession {
  const { host, status } = opts;

  const { socket } = opts;

  const term = new Terminal({
    cursorBlink: true,
    fontSize: 14,
    lineHeight: 1.15,
    fontFamily: '"JetBrains Mono", "Cascadia Mono", "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace',
    scrollback: 5000,
    theme: THEME,
    // Output comes from a root shell the learner (or anything they run) controls. Links
    // (OSC 8) open only as http(s), in a new tab that cannot reach back to this page;
    // javascript:, data: and the like do nothing. The title (OSC 0/2) is never shown, and
    // clipboard writes (OSC 52) reach the clipboard only once the learner allows them.
    linkHandler: { activate: (_event, uri) => openSafeLink(uri) },
  });
  installClipboardBridge(term, () => status.flashNote(t("clipboard.copied")));
  // Tab belongs to the shell (completion), so the keyboard needs a way out (WCAG 2.1.2):
  // Shift+Tab, which the shell hardly uses, goes back to the lesson.
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== "keydown" || e.key !== "Tab" || !e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return true;
    e.preventDefault();
    opts.onLeave();
    return false;
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  performance.mark("shiplab:terminal-open");
  term.textarea?.setAttribute("aria-describedby", "terminal-keys");

  // --- size -------------------------------------------------------------------------------
  let sent: { cols: number; rows: number } | null = null;

  const fitAndSend = (force = false): void => {
    if (!host.isConnected || host.clientWidth === 0 || host.clientHeight === 0) return;
    try {
      fit.fit();
    } catch {
      return; // not measurable yet (fonts, hidden pane)
    }
    const size = { cols: term.cols, rows: term.rows };
    if (!socket.connected) return;
    if (force || !sent || sent.cols !== size.cols || sent.rows !== size.rows) {
      socket.emit("term:resize", size);
      sent = size;
    }
  };

  let frame = 0;
  const scheduleFit = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      fitAndSend();
    });
  };
  window.addEventListener("resize", scheduleFit);
  new ResizeObserver(scheduleFit).observe(host);
  void document.fonts?.ready.then(scheduleFit);
  fitAndSend();

  // --- output -----------------------------------------------------------------------------
  let screenShown!: () => void;
  const firstScreen = new Promise<void>((resolve) => (screenShown = resolve));
  const maxWait = setTimeout(screenShown, FIRST_SCREEN_MAX_MS);
  void firstScreen.then(() => clearTimeout(maxWait));
  let firstOutput = true;
  // Resolved once xterm has drawn the first output: parsed (the write's callback), laid out
  // in the next frame, and that frame painted (the task after it).
  const drawn = (): void => void requestAnimationFrame(() => setTimeout(screenShown, 0));
  const outputArrived = (): (() => void) | undefined => {
    if (!firstOutput) return undefined;
    firstOutput = false;
    performance.mark("shiplab:first-output");
    return drawn;
  };
  socket.on("term:output", (data) => term.write(data, outputArrived()));
  // While old output is repainted, xterm answers the terminal queries in it (cursor
  // position, device attributes) as if they were new: those answers must not reach the shell.
  let replaying = false;
  socket.on("term:replay", (data) => {
    const first = outputArrived();
    term.reset();
    replaying = true;
    term.write(data, () => {
      replaying = false;
      first?.();
    });
  });
  socket.on("box:state", (payload) => {
    if (payload.state === "error" || payload.state === "shell-exited") screenShown();
    status.setBox(payload);
  });
  socket.on("progress:saving", (s) => status.setSaving(s.saving, s.message));
  socket.on("exercise", (update) => opts.onExercise(update));
  socket.on("engine:calls", (batch) => {
    if (batch && Array.isArray(batch.calls)) opts.onEngineCalls(batch.calls, batch.earlier === true);
  });
  // This page sends only well-formed requests; a refusal means a bug worth seeing in the console.
  socket.on("request:refused", (r) => console.warn(`Shiplab refused ${r.event}: ${r.message}`));

  // --- input ------------------------------------------------------------------------------
  // Keystrokes typed while disconnected are dropped rather than buffered and replayed later.
  term.onData((data) => {
    if (!socket.connected || replaying) return;
    if (data.includes("\r")) opts.onCommand();
    socket.emit("term:input", data);
  });

  // --- connection -------------------------------------------------------------------------
  status.setConnection("connecting");

  socket.on("connect", () => {
    performance.mark("shiplab:connected");
    setTimeout(screenShown, FIRST_OUTPUT_GRACE_MS);
    opts.onConnectionChange(true);
    if (status.showsConnectionState) status.setConnection("connected");
    fitAndSend(true);
  });

  socket.on("disconnect", (reason) => {
    opts.onConnectionChange(false);
    sent = null;
    if (reason === "io client disconnect") return;
    if (reason === "io server disconnect") {
      // The server ended it on purpose (e.g. the session moved to another tab): don't fight it.
      status.setConnection("kicked", { onAction: () => socket.connect() });
    } else {
      status.setConnection("lost"); // socket.io reconnects by itself; the server then sends term:replay
    }
  });

  socket.on("connect_error", (err) => {
    screenShown();
    const message = err?.message || String(err);
    if (socket.active) {
      // Retrying on its own; keep "lost" if that is what the learner already sees.
      if (status.state !== "lost") status.setConnection("connect-error", { message });
    } else {
      // Refused by the server (e.g. missing cookie): socket.io will not retry.
      status.setConnection("connect-error", { message, onAction: () => socket.connect() });
    }
  });

  const typeLines = (lines: string[]): boolean => {
    if (!socket.connected) {
      status.flashNote(t("status.notConnected"));
      return false;
    }
    for (const line of lines) {
      opts.onCommand();
      socket.emit("term:input", `${line}\r`);
    }
    term.focus();
    return true;
  };

  const restartShell = (): boolean => {
    if (!socket.connected) {
      status.flashNote(t("status.notConnected"));
      return false;
    }
    socket.emit("term:restart");
    term.focus();
    return true;
  };

  const checkNow = (): void => {
    if (socket.connected) socket.emit("check:run");
  };

  const submitAnswer = (exerciseId: string, answer: AnswerValue): Promise<AnswerAck> => {
    if (!socket.connected) {
      // Not buffered for later: the learner may change it before the connection comes back.
      status.flashNote(t("answer.notConnected"));
      return Promise.resolve({ ok: false, message: t("answer.notConnected") });
    }
    return new Promise<AnswerAck>((resolve) => {
      socket.timeout(ANSWER_ACK_TIMEOUT_MS).emit("answer:submit", { exerciseId, answer }, (err, result) => {
        if (err) {
          resolve({ ok: false, message: t("answer.timeout", { seconds: ANSWER_ACK_TIMEOUT_MS / 1000 }) });
        } else if (!result || typeof result !== "object" || typeof result.ok !== "boolean") {
          resolve({ ok: false, message: t("answer.badReply") });
        } else {
          resolve({ ok: result.ok, message: typeof result.message === "string" ? result.message : "" });
        }
      });
    });
  };

  // Focus once the first screen is drawn (focusing costs a layout, not to be paid before
  // the prompt shows), unless the learner has put it elsewhere meanwhile (the lesson
  // picker, a link). The join form is modal: nothing outside it can take its focus anyway.
  void firstScreen.then(() => {
    if (!document.activeElement || document.activeElement === document.body) term.focus();
  });
  return { term, socket, typeLines, checkNow, restartShell, submitAnswer, firstScreen };
}
