// A Docker daemon's live event stream that survives the daemon going away: it reconnects,
// and says so (onResync) since events may have been missed in between.
import type { Readable } from "node:stream";
import type Docker from "dockerode";

export interface DockerEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export interface EventStreamOptions {
  /** A client without a request time-out: the stream is long-lived. */
  docker: Docker;
  filters: Record<string, string[]>;
  onEvent: (ev: DockerEvent) => void;
  /** After a reconnect (not the first connect). */
  onResync?: () => void;
  /**
   * Each time the stream is set up (its answer came). The daemon answers a stream a moment
   * before it subscribes it: an event of that moment is not on the stream, but the daemon
   * remembers it (BoxWatcher reads its memory in, up to a moment past this).
   */
  onConnected?: () => void;
  /** Each time a set-up stream ends: events may be missed from now until onConnected. */
  onDisconnected?: () => void;
  retryMs?: number;
}

export class EventStream {
  private stream: Readable | undefined;
  private retry: NodeJS.Timeout | undefined;
  private connectedBefore = false;
  private disposed = false;

  constructor(private readonly o: EventStreamOptions) {}

  /** Whether events are flowing now (false before the first connect and while reconnecting). */
  get connected(): boolean {
    return this.stream !== undefined;
  }

  start(): void {
    if (this.disposed) return;
    this.o.docker.getEvents({ filters: this.o.filters }).then(
      (s) => {
        const stream = s as unknown as Readable;
        if (this.disposed) return stream.destroy();
        this.stream = stream;
        this.o.onConnected?.();
        if (this.connectedBefore) this.o.onResync?.();
        this.connectedBefore = true;
        let partial = "";
        stream.on("data", (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) {
            if (!line.trim()) continue;
            let ev: DockerEvent;
            try {
              ev = JSON.parse(line) as DockerEvent;
            } catch {
              continue; // a line we cannot read changes nothing we act on
            }
            this.o.onEvent(ev);
          }
        });
        stream.on("end", () => this.scheduleRetry());
        stream.on("error", () => this.scheduleRetry());
      },
      () => this.scheduleRetry(),
    );
  }

  private scheduleRetry(): void {
    if (this.stream) this.o.onDisconnected?.();
    this.stream = undefined;
    if (this.disposed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start();
    }, this.o.retryMs ?? 1000);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.stream?.destroy();
    this.stream = undefined;
  }
}
