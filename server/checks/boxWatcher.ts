// Follows one box daemon's events and reports the types it sees; after a reconnect it
// reports every type, since anything may have changed while the stream was down. It also
// notes which containers were made with --rm (AutoRemove): their removal is the daemon's
// doing, not the learner's, and the daemon's events do not say so.
import Docker from "dockerode";
import { EventStream } from "../docker/eventStream.ts";
import { daemonHistory, EventLog, keepEventsOf, type DaemonEvent } from "./daemonEvents.ts";
import type { EventType } from "./types.ts";

const WATCHED: EventType[] = ["image", "container", "network", "volume"];
/** How far past the stream's start the read-in of the daemon's memory goes (see backfill). */
const READ_IN_PAST_MS = 2000;
/** Enough for a lesson's worth of --rm runs; the oldest are forgotten first. */
const MAX_AUTO_REMOVED = 2000;

export class BoxWatcher {
  readonly docker: Docker;
  private readonly events: EventStream;
  /** Ids of containers created with --rm since watching began. */
  readonly autoRemoved = new Set<string>();
  /** What this watcher saw, for checks that read history beyond the daemon's last 256 events. */
  private readonly log = new EventLog(WATCHED);
  private disposed = false;
  private backfillRetry: NodeJS.Timeout | undefined;

  constructor(socketPath: string, onEvent: (type: EventType, action: string) => void) {
    this.docker = new Docker({ socketPath, timeout: 10_000 });
    keepEventsOf(this.docker, this.log);
    this.events = new EventStream({
      docker: new Docker({ socketPath }),
      filters: { type: WATCHED },
      onEvent: (ev) => {
        if (!ev.Type || !WATCHED.includes(ev.Type as EventType)) return;
        this.log.add(ev as DaemonEvent);
        if (ev.Type === "container" && ev.Action === "create" && ev.Actor?.ID) {
          // Reported once known: a check that runs on the removal must already see it.
          void this.noteAutoRemove(ev.Actor.ID).finally(() => onEvent("container", "create"));
          return;
        }
        onEvent(ev.Type as EventType, ev.Action ?? "");
      },
      onConnected: () => this.backfill(this.log.connected()),
      onDisconnected: () => this.log.disconnected(),
      onResync: () => {
        for (const t of WATCHED) onEvent(t, "resync");
      },
    });
  }

  /**
   * A container gone before it could be looked at lived for milliseconds: counted as
   * removed by the daemon (--rm), so that a quick create-and-remove games nothing.
   */
  private async noteAutoRemove(id: string): Promise<void> {
    const info = await this.docker.getContainer(id).inspect().catch(() => undefined);
    if (info && !info.HostConfig?.AutoRemove) return;
    this.autoRemoved.add(id);
    if (this.autoRemoved.size > MAX_AUTO_REMOVED) this.autoRemoved.delete(this.autoRemoved.values().next().value!);
  }

  /**
   * Reads in what the daemon still remembers from before the stream was up (the lesson was
   * opened before the box's stream began): from then on the log alone answers history.
   * The daemon answers a stream before it subscribes it, so an event can fall between the
   * two: the read-in goes on to READ_IN_PAST_MS past now, and so covers that moment (the
   * live copies of what it brings twice count once). Tried again while it fails (a daemon
   * slow under load) and the stream stays the same.
   */
  private backfill(connection: number, attempt = 1): void {
    daemonHistory(this.docker, { type: WATCHED }, 0, Date.now() + READ_IN_PAST_MS).then(
      (remembered) => this.log.backfill(connection, remembered),
      () => {
        if (this.disposed || !this.log.current(connection)) return;
        this.backfillRetry = setTimeout(() => {
          this.backfillRetry = undefined;
          this.backfill(connection, attempt + 1);
        }, Math.min(10_000, 1000 * attempt));
      },
    );
  }

  start(): void {
    this.events.start();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.backfillRetry);
    this.log.disconnected();
    this.events.dispose();
  }
}
