// The daemon's recent events, read back with since/until: what the learner did, in order,
// even when nothing of it is left in the state. The daemon remembers only its last 256
// events (a health check every second uses that up in about a minute), so the events a
// box watcher saw live are kept too (EventLog), and a read merges both: the watcher's
// for what the daemon forgot, the daemon's for what happened before the watcher started.
// Once the watcher's log holds all the daemon could tell (the daemon's memory was read in
// when the stream came up, and the stream stayed up), it answers alone: no round trip to a
// daemon that a busy class slows down.
import type Docker from "dockerode";
import type { Readable } from "node:stream";

export interface DaemonEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

/** The daemon's remembered events matching `filters`, from `sinceMs` (ms since the epoch) on. */
export async function pastEvents(docker: Docker, filters: Record<string, string[]>, sinceMs = 0): Promise<DaemonEvent[]> {
  const recorded = recordedEvents(docker, filters, sinceMs);
  if (recorded) return recorded;
  const seen = new Map<string, DaemonEvent>();
  // The daemon's answer through our filters too, so that both ways agree (its container
  // filter also takes a name's prefix: "web" would let web2's events through).
  for (const e of [...(await daemonHistory(docker, filters, sinceMs)).filter((e) => matchesFilters(e, filters)), ...(logs.get(docker)?.matching(filters) ?? [])]) {
    if (e.timeNano >= sinceMs * 1e6) seen.set(eventKey(e), e);
  }
  return [...seen.values()].sort((a, b) => a.timeNano - b.timeNano);
}

/**
 * What the daemon itself still remembers (its last 256 events) matching `filters`, from
 * `sinceMs` on, up to `untilMs` (default now; a time ahead holds the answer open until then).
 */
export async function daemonHistory(docker: Docker, filters: Record<string, string[]>, sinceMs = 0, untilMs = Date.now()): Promise<DaemonEvent[]> {
  // `until` = now, to the millisecond: a whole second ahead would make the daemon hold the
  // stream open until then, and every check that reads history would take that long.
  const until = (untilMs / 1000).toFixed(3);
  const since = (sinceMs / 1000).toFixed(3);
  const stream = (await docker.getEvents({ since, until, filters } as object)) as unknown as Readable;
  let text = "";
  for await (const chunk of stream) text += (chunk as Buffer).toString();
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as DaemonEvent];
      } catch {
        return [];
      }
    });
}

/**
 * The events matching `filters` from `sinceMs` on, from the box watcher's log alone, when it
 * holds all the daemon could tell; undefined when the daemon must be asked (no watcher, its
 * stream is not up or not backfilled yet, or it does not follow the types asked for).
 */
export function recordedEvents(docker: Docker, filters: Record<string, string[]>, sinceMs = 0): DaemonEvent[] | undefined {
  const log = logs.get(docker);
  if (!log?.answers(filters.type)) return undefined;
  return log
    .matching(filters)
    .filter((e) => e.timeNano >= sinceMs * 1e6)
    .sort((a, b) => a.timeNano - b.timeNano);
}

const wellFormed = (e: DaemonEvent) => typeof e.timeNano === "number" && !!e.Type && !!e.Action;
const eventKey = (e: DaemonEvent) => `${e.timeNano}/${e.Type}/${e.Action}/${e.Actor?.ID}`;

/**
 * A box's events as its watcher saw them live, and what the daemon remembered when the
 * watcher's stream came up: the newest `max`, whatever the daemon forgot since.
 */
export class EventLog {
  private readonly events: DaemonEvent[] = [];
  /** The newest event the read-in brought: one up to then may still arrive live, and counts once. */
  private readInUntilNano = 0;
  /** Counts the stream's ups and downs, so that a late backfill of an old connection is ignored. */
  private connection = 0;
  /** Whether the daemon's memory was added in the current connection (and the stream is up). */
  private whole = false;

  /** `types`: the event types the watcher's stream follows (its filter). */
  constructor(
    private readonly types: readonly string[],
    private readonly max = 5000,
  ) {}

  /** The watcher's stream is up; returns the connection's number, for backfill. */
  connected(): number {
    this.whole = false;
    return ++this.connection;
  }

  /** The stream went down: events may be missed until it is up again. */
  disconnected(): void {
    this.whole = false;
    this.connection++;
  }

  /**
   * What the daemon remembered, read in for connection number `connection` (asked for once
   * the stream was up, and up to a moment past it: see BoxWatcher.backfill). From then on,
   * as long as the stream stays up, the log holds all that the daemon itself could still
   * tell of the followed types, and more.
   */
  backfill(connection: number, remembered: DaemonEvent[]): void {
    if (connection !== this.connection) return;
    const have = new Set(this.events.map(eventKey));
    for (const e of remembered) {
      if (!wellFormed(e) || have.has(eventKey(e))) continue;
      have.add(eventKey(e));
      this.events.push(e);
      this.readInUntilNano = Math.max(this.readInUntilNano, e.timeNano);
    }
    this.events.sort((a, b) => a.timeNano - b.timeNano);
    this.trim();
    this.whole = true;
  }

  add(e: DaemonEvent): void {
    if (!wellFormed(e)) return;
    // The read-in and the live stream overlap for a moment: an event in both counts once
    // (a removal counted twice would pass containers.cleanup early).
    if (e.timeNano <= this.readInUntilNano && this.events.some((x) => x.timeNano === e.timeNano && eventKey(x) === eventKey(e))) return;
    this.events.push(e);
    this.trim();
  }

  /** Whether `connection` is still the stream's current one (a read-in for it may still count). */
  current(connection: number): boolean {
    return connection === this.connection;
  }

  private trim(): void {
    // The oldest go: the daemon keeps only its newest 256, so nothing it could tell is lost.
    if (this.events.length > this.max) this.events.splice(0, this.events.length - this.max);
  }

  /** Whether the log alone tells all the daemon could of these types (none given: never). */
  answers(types: readonly string[] | undefined): boolean {
    return this.whole && !!types?.length && types.every((t) => this.types.includes(t));
  }

  /** The kept events that the daemon's own filters would let through. */
  matching(filters: Record<string, string[]>): DaemonEvent[] {
    return this.events.filter((e) => matchesFilters(e, filters));
  }
}

/**
 * The daemon's event filters, as the checks use them: type, event (an action, or the part
 * before ": " as in "exec_start: sh" and "health_status: healthy"), container (ID or
 * name), label ("key" or "key=value"). Each filter given must match one of its values.
 */
export function matchesFilters(e: DaemonEvent, filters: Record<string, string[]>): boolean {
  const attrs = e.Actor?.Attributes ?? {};
  for (const [name, values] of Object.entries(filters)) {
    if (!values.length) continue;
    const ok = values.some((v) => {
      switch (name) {
        case "type":
          return e.Type === v;
        case "event":
          return e.Action === v || e.Action.split(": ")[0] === v;
        case "container":
          return e.Type === "container" && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || attrs.name === v);
        case "label": {
          const eq = v.indexOf("=");
          return eq < 0 ? v in attrs : attrs[v.slice(0, eq)] === v.slice(eq + 1);
        }
        default:
          return true; // a filter the checks do not use: the daemon's answer decides
      }
    });
    if (!ok) return false;
  }
  return true;
}

const logs = new WeakMap<Docker, EventLog>();

/** From now on, pastEvents(docker, …) also reads what `log` kept. */
export function keepEventsOf(docker: Docker, log: EventLog): void {
  logs.set(docker, log);
}
