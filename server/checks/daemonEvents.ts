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

export async function pastEvents(docker: Docker, filters: Record<string, string[]>): Promise<DaemonEvent[]> {
  // `until` = now, to the millisecond: a whole second ahead would make the daemon hold the
  // stream open until then, and every check that reads history would take that long.
  const until = (Date.now() / 1000).toFixed(3);
  const stream = (await docker.getEvents({ since: 0, until, filters } as object)) as unknown as Readable;
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
    })
    .sort((a, b) => a.timeNano - b.timeNano);
}
