// Terminal output on its way to the page: sent at once when the line is quiet (a keystroke's
// echo never waits), batched only under sustained output (one socket message per few ms
// instead of one per pty read), and remembered (the last N characters, replayed on reconnect).
//
// A leading-edge window: output that arrives when nothing was sent for `batchMs` goes out
// at once and opens a window; what arrives during the window goes out together when it
// closes (or sooner, at `batchMax`), and opens the next one.

/** Escape sequences (CSI, OSC, two-byte) and control characters: what draws no character. */
const INVISIBLE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|[\x00-\x1f\x7f]/g;

/** Switching to the alternate screen (h) and back (l): what full-screen programs do. */
const ALT_SCREEN = /\x1b\[\?(?:1049|1047|47)([hl])/g;

/** Whether text after the last line break draws something: the cursor then sits after it. */
function drawsOnLine(text: string): boolean {
  return text.replace(INVISIBLE, "") !== "";
}

export class OutputBuffer {
  private pending = "";
  /** Set while a window is open: something was sent less than batchMs ago. */
  private timer: NodeJS.Timeout | undefined;
  private history: string[] = [];
  private historyLength = 0;
  /** The last line holds text (a prompt, a program's half line): the next output would go on after it. */
  private midLine = false;
  /** A full-screen program switched to the terminal's other screen and has not switched back. */
  private altScreen = false;

  constructor(
    private readonly flush: (data: string) => void,
    private readonly batchMs = 8,
    private readonly batchMax = 32 * 1024,
    private readonly keep = 128 * 1024,
  ) {}

  push(data: string): void {
    this.remember(data);
    this.trackScreen(data);
    if (!this.timer) {
      // Quiet until now: an echo, a prompt, the first line of a burst. Out at once.
      this.flush(data);
      this.openWindow();
      return;
    }
    this.pending += data;
    if (this.pending.length >= this.batchMax) this.sendPending();
  }

  /** Sends what is pending now (a page attaching must see everything before its replay). */
  flushNow(): void {
    this.sendPending();
  }

  private openWindow(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Output kept coming: send it, and keep batching while it does.
      if (this.pending) {
        this.sendPending();
        this.openWindow();
      }
    }, this.batchMs);
  }

  private sendPending(): void {
    if (!this.pending) return;
    const data = this.pending;
    this.pending = "";
    this.flush(data);
  }

  /**
   * Undoes what the last shell's programs left on the screen, so a new shell starts clean:
   * out of a full-screen program's screen (vim, top, less), cursor shown, colours, mouse
   * reporting and cursor-key mode reset, and on a line of its own (not after the old
   * shell's prompt or a program's half line).
   */
  resetForNewShell(): void {
    let reset = "";
    if (this.altScreen) {
      // Back to the screen and cursor the program started from: a command line's Enter
      // had left that at the start of a line.
      reset += "\x1b[?1049l";
      this.midLine = false;
    }
    reset += "\x1b[0m\x1b[?25h\x1b[?1l\x1b>\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l";
    if (this.midLine) reset += "\r\n";
    this.push(reset);
  }

  private trackScreen(data: string): void {
    for (const m of data.matchAll(ALT_SCREEN)) this.altScreen = m[1] === "h";
    const lineBreak = data.lastIndexOf("\n");
    const draws = drawsOnLine(lineBreak < 0 ? data : data.slice(lineBreak + 1));
    // Without a line break, text only adds to the line; escape sequences alone leave it as it was.
    if (lineBreak >= 0) this.midLine = draws;
    else if (draws) this.midLine = true;
  }

  /** What a page that attaches now should paint: recent output, whole. */
  replay(): string {
    return this.history.join("");
  }

  private remember(data: string): void {
    this.history.push(data);
    this.historyLength += data.length;
    while (this.historyLength > this.keep && this.history.length > 1) {
      this.historyLength -= this.history.shift()!.length;
    }
    if (this.historyLength > this.keep) {
      // One huge chunk: keep its tail.
      this.history = [this.history[0].slice(-this.keep)];
      this.historyLength = this.keep;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = "";
  }
}
