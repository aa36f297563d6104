// Follows one box daemon's events and reports the types it sees; after a reconnect it
// reports every type, since anything may have changed while the stream was down.
import Docker from "dockerode";
import { EventStream } from "../docker/eventStream.ts";
import type { EventType } from "./types.ts";

const WATCHED: EventType[] = ["image", "container"];

export class BoxWatcher {
  readonly docker: Docker;
  private readonly events: EventStream;

  constructor(socketPath: string, onEvent: (type: EventType, action: string) => void) {
    this.docker = new Docker({ socketPath, timeout: 10_000 });
    this.events = new EventStream({
      docker: new Docker({ socketPath }),
      filters: { type: WATCHED },
      onEvent: (ev) => {
        if (ev.Type && WATCHED.includes(ev.Type as EventType)) onEvent(ev.Type as EventType, ev.Action ?? "");
      },
      onResync: () => {
        for (const t of WATCHED) onEvent(t, "resync");
      },
    });
  }

  start(): void {
    this.events.start();
  }

  dispose(): void {
    this.events.dispose();
  }
}
