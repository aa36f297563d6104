// Background work (a reap, a removal after a die event, a new connection) runs detached
// from whoever started it. On Node 20 an unhandled rejection ends the process, and with it
// every learner's session: so every such task goes through here, and a failure is logged
// with what the task was, and nothing else happens.
import type { Logger } from "./log.ts";

export function inBackground(log: Logger, what: string, work: () => Promise<unknown>): Promise<void> {
  return Promise.resolve()
    .then(work)
    .then(
      () => undefined,
      (err: unknown) => log.error(`${what}: ${err instanceof Error ? err.message : String(err)}`),
    );
}
