// At most N box starts at once, learners' prompts first: thirty learners arriving together
// must not start thirty boxes at once on two cores (each start is a container, a daemon
// and a cgroup hand-over; all at once, every one of them is slow). A learner waiting for a
// prompt goes before a daemon being started for a learner who has one (the daemon costs
// more CPU than the prompt), and both go before boxes made for nobody yet (the warm pool).
export type StartPriority = "learner" | "daemon" | "pool";

const RANK: Record<StartPriority, number> = { learner: 0, daemon: 1, pool: 2 };

/** A start's place in the queue, while it waits for a slot. */
export interface QueuedStart {
  /** Moves the start forward, as if it had come with `priority` (never back). */
  promote(priority: StartPriority): void;
}

interface Waiting {
  priority: StartPriority;
  go: () => void;
}

export class StartLimiter {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(private readonly max: number) {}

  /** Runs `start` in a slot; `queued` hears of it if it has to wait for one. */
  async run<T>(priority: StartPriority, start: () => Promise<T>, queued?: (q: QueuedStart) => void): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((go) => {
        const entry: Waiting = { priority, go };
        this.enqueue(entry);
        queued?.({
          promote: (to) => {
            const at = this.waiting.indexOf(entry);
            if (at < 0 || RANK[to] >= RANK[entry.priority]) return; // running already, or no step forward
            this.waiting.splice(at, 1);
            entry.priority = to;
            this.enqueue(entry);
          },
        });
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

  /** In front of every waiting start of a later rank, behind those of its own. */
  private enqueue(entry: Waiting): void {
    const later = this.waiting.findIndex((w) => RANK[w.priority] > RANK[entry.priority]);
    if (later >= 0) this.waiting.splice(later, 0, entry);
    else this.waiting.push(entry);
  }

  /** Starts waiting for a slot now (for figures and tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
