// Errors of the box provider that the people around it must tell apart: an engine that
// does not answer is the operator's to fix, not the learner's, and says so.

/** Shiplab's Docker Engine did not answer (its socket is gone, refused, or dropped the call). */
export class EngineUnavailableError extends Error {
  constructor(readonly cause: Error) {
    super(`Shiplab's Docker Engine is not answering (${cause.message})`);
  }
}

const CONNECTION_CODES = new Set(["ENOENT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/** Whether an error from a Docker client means the engine itself is out of reach. */
export function isEngineUnreachable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return Boolean(e && ((e.code && CONNECTION_CODES.has(e.code)) || /socket hang up|connect E[A-Z]+/.test(e.message ?? "")));
}
