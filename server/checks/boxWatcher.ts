// Follows one box daemon's event stream and reports the types of events it sees.
// Reconnects when the stream drops (the daemon restarting, the box being replaced).
import type { Readable } from "node:stream";
import Docker from "dockerode";
import type { EventType } from "./types.ts";

const WATCHED: EventType[] = ["image", "container"];

export class BoxWatcher {
  private stream: Readable | undefined;
  private retry: NodeJS.Timeout | undefined;
  private disposed = false;
  private connectedBefore = false;
  readonly docker: Docker;

  constructor(
    private readonly socketPath: string,
    private readonly onEvent: (type: EventType, action: string) => void,
  ) {
    this.docker = new Docker({ socketPath, timeout: 10_000 });
  }

  start(): void {
    if (this.disposed) return;
    // Events stream without a time-out of their own: a separate client with none.
    const events = new Docker({ socketPath: this.socketPath });
    events.getEvents({ filters: { type: WATCHED } }).then(
      (stream) => {
        if (this.disposed) return (stream as Readable).destroy();
        this.stream = stream as Readable;
        // Events may have been missed while the stream was down: everything may have changed.
        if (this.connectedBefore) for (const t of WATCHED) this.onEvent(t, "resync");
        this.connectedBefore = true;
        let partial = "";
        this.stream.on("data", (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) {
            if (!line.trim()) continue;
            try {
              const ev = JSON.parse(line) as { Type?: EventType; Action?: string };
              if (ev.Type && WATCHED.includes(ev.Type)) this.onEvent(ev.Type, ev.Action ?? "");
            } catch {
              // A line we cannot read changes nothing we check.
            }
          }
        });
        const again = () => this.scheduleRetry();
        this.stream.on("end", again);
        this.stream.on("error", again);
      },
      () => this.scheduleRetry(),
    );
  }

  private scheduleRetry(): void {
    this.stream = undefined;
    if (this.disposed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start();
    }, 1000);
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
