// Terminal output on its way to the page: batched (one socket message per few ms instead
// of one per pty read) and remembered (the last N characters, replayed on reconnect).
export class OutputBuffer {
  private pending = "";
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
    this.pending += data;
    if (this.pending.length >= this.batchMax) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.batchMs);
  }

  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
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
