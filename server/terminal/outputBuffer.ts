// Terminal output on its way to the page: sent at once when the line is quiet (a keystroke's
// echo never waits), batched only under sustained output (one socket message per few ms
// instead of one per pty read), and remembered (the last N characters, replayed on reconnect).
//
// A leading-edge window: output that arrives when nothing was sent for `batchMs` goes out
// at once and opens a window; what arrives during the window goes out together when it
// closes (or sooner, at `batchMax`), and opens the next one.
export class OutputBuffer {
  private pending = "";
  /** Set while a window is open: something was sent less than batchMs ago. */
  private timer: NodeJS.Timeout | undefined;
  private history: string[] = [];
  private historyLength = 0;

  constructor(
    private readonly flush: (data: string) => void,
    private readonly batchMs = 8,
    private readonly batchMax = 32 * 1024,
    private readonly keep = 128 * 1024,
  ) {}

  push(data: string): void {
    this.remember(data);
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
