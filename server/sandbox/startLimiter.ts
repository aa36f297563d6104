// At most N box starts at once, learners' prompts first: thirty learners arriving together
// must not start thirty boxes at once on two cores (each start is a container, a daemon
// and a cgroup hand-over; all at once, every one of them is slow). A learner waiting for a
// prompt goes before a daemon being started for a learner who has one (the daemon costs
// more CPU than the prompt), and both go before boxes made for nobody yet (the warm pool).
export type StartPriority = "learner" | "daemon" | "pool";

const RANK: Record<StartPriority, number> = { learner: 0, daemon: 1, pool: 2 };

export class StartLimiter {
  private running = 0;
  private readonly waiting: { priority: StartPriority; go: () => void }[] = [];

  constructor(private readonly max: number) {}

  async run<T>(priority: StartPriority, start: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((go) => {
        const entry = { priority, go };
        // In front of every waiting start of a later rank, behind those of its own.
        const later = this.waiting.findIndex((w) => RANK[w.priority] > RANK[priority]);
        if (later >= 0) this.waiting.splice(later, 0, entry);
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
