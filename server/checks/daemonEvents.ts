// The daemon's recent events, read back with since/until (the daemon keeps the last few
// hundred): what the learner did, in order, even when nothing of it is left in the state.
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
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        const e = JSON.parse(l) as DaemonEvent;
        return e.timeNano >= sinceMs * 1e6 ? [e] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.timeNano - b.timeNano);
}
