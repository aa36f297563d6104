// Failed teacher logins are limited per client address and per account name: after
// MAX_FAILURES within WINDOW_MS, that key is refused until its oldest failure ages out.
// Guessing many names from one address, or one name from many, both hit a limit.
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
/** Keys kept at most; past it the stalest are forgotten (an attacker cannot grow memory). */
const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until a login may be tried for these keys; 0 when it may be tried now. */
  retryAfterSeconds(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, t);
      if (recent.length >= MAX_FAILURES) wait = Math.max(wait, recent[recent.length - MAX_FAILURES] + WINDOW_MS - t);
    }
    return Math.ceil(wait / 1000);
  }

  failed(keys: string[]): void {
    const t = this.now();
    for (const key of keys) {
      const recent = this.recent(key, t);
      recent.push(t);
      this.failures.delete(key); // re-insert: the map's order is least recently failed first
      this.failures.set(key, recent.slice(-MAX_FAILURES));
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, t: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => t - at < WINDOW_MS);
  }
}
