// The daemon's recent events, read back with since/until: what the learner did, in order,
// even when nothing of it is left in the state. The daemon remembers only its last 256
// events (a health check every second uses that up in about a minute), so the events a
// box watcher saw live are kept too (EventLog), and a read merges both: the watcher's
// for what the daemon forgot, the daemon's for what happened before the watcher started.
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
  // `until` = now, to the millisecond: a whole second ahead would make the daemon hold the
  // stream open until then, and every check that reads history would take that long.
  const until = (Date.now() / 1000).toFixed(3);
  const since = (sinceMs / 1000).toFixed(3);
  const stream = (await docker.getEvents({ since, until, filters } as object)) as unknown as Readable;
  let text = "";
  for await (const chunk of stream) text += (chunk as Buffer).toString();
  const fromDaemon = text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as DaemonEvent];
      } catch {
        return [];
      }
    });
  const seen = new Map<string, DaemonEvent>();
  for (const e of [...fromDaemon, ...(logs.get(docker)?.matching(filters) ?? [])]) {
    if (e.timeNano >= sinceMs * 1e6) seen.set(eventKey(e), e);
  }
  return [...seen.values()].sort((a, b) => a.timeNano - b.timeNano);
}

const eventKey = (e: DaemonEvent) => `${e.timeNano}/${e.Type}/${e.Action}/${e.Actor?.ID}`;

/** A box's events as its watcher saw them live: the newest `max`, whatever the daemon forgot. */
export class EventLog {
  private readonly events: DaemonEvent[] = [];

  constructor(private readonly max = 5000) {}

  add(e: DaemonEvent): void {
    if (typeof e.timeNano !== "number" || !e.Type || !e.Action) return;
    this.events.push(e);
    if (this.events.length > this.max) this.events.splice(0, this.events.length - this.max);
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
