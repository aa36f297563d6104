// Polls until a condition holds: the one wait every test uses (no host, engine or server in
// here, so that unit tests may use it too).

/** Resolves with fn()'s first truthy value; rejects with "timed out waiting for <what>". */
export async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
