// At most N box starts at once, learners before the warm pool: thirty learners arriving
// together must not start thirty boxes at once on two cores (each start is a container,
// a daemon and a cgroup hand-over; all at once, every one of them is slow), and a learner
// waiting for a prompt must not wait behind boxes made for nobody yet.
export type StartPriority = "learner" | "pool";

export class StartLimiter {
  private running = 0;
  private readonly waiting: { priority: StartPriority; go: () => void }[] = [];

  constructor(private readonly max: number) {}

  async run<T>(priority: StartPriority, start: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((go) => {
        const entry = { priority, go };
        // A learner goes in front of every pool start still waiting, behind earlier learners.
        const firstPool = priority === "learner" ? this.waiting.findIndex((w) => w.priority === "pool") : -1;
        if (firstPool >= 0) this.waiting.splice(firstPool, 0, entry);
        else this.waiting.push(entry);
      });
    } else {
      this.running++;
    }
    try {
      return await start();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter: running stays as it is.
      if (next) next.go();
      else this.running--;
    }
  }

  /** Starts waiting for a slot now (for figures and tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
