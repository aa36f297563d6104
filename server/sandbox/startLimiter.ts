// At most N box starts at once, learners' prompts first: thirty learners arriving together
// must not start thirty boxes at once on two cores (each start is a container, a daemon
// and a cgroup hand-over; all at once, every one of them is slow). A learner waiting for a
// prompt goes before a daemon being started for a learner who has one (the daemon costs
// more CPU than the prompt), and both go before boxes made for nobody yet (the warm pool).
// Daemon starts may run beside the N (one, unless told otherwise), so that daemons go on while prompts keep
// every slot busy: a prompt's start waits on the engine much of the time, and measured
// (issue 10's bench, a class of 30 on 2 cores), with no daemon beside them the class's
// last daemon answered 14 s later than when each box kept its slot until its daemon did.
export type StartPriority = "learner" | "daemon" | "pool";

const RANK: Record<StartPriority, number> = { learner: 0, daemon: 1, pool: 2 };

/** A start's place in the queue, while it waits for a slot. */
export interface QueuedStart {
  /** Moves the start forward, as if it had come with `priority` (never back). */
  promote(priority: StartPriority): void;
}

type Slot = "main" | "beside";

interface Waiting {
  priority: StartPriority;
  go: (slot: Slot) => void;
}

export class StartLimiter {
  private running = 0;
  /** Daemon starts running beside the others. */
  private besideInUse = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly max: number,
    /** How many daemon starts may run beside the max. */
    private readonly beside = 1,
  ) {}

  /** Runs `start` in a slot; `queued` hears of it if it has to wait for one. */
  async run<T>(priority: StartPriority, start: () => Promise<T>, queued?: (q: QueuedStart) => void): Promise<T> {
    let slot: Slot;
    if (this.running < this.max) {
      this.running++;
      slot = "main";
    } else if (priority === "daemon" && this.besideInUse < this.beside) {
      this.besideInUse++;
      slot = "beside";
    } else {
      slot = await new Promise<Slot>((go) => {
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
    }
    try {
      return await start();
    } finally {
      this.release(slot);
    }
  }

  /** The slot passes straight to the next waiter that may have it (beside: a daemon's), or is free. */
  private release(slot: Slot): void {
    if (slot === "main") {
      const next = this.waiting.shift();
      if (next) next.go("main");
      else this.running--;
      return;
    }
    const at = this.waiting.findIndex((w) => w.priority === "daemon");
    if (at < 0) {
      this.besideInUse--;
      return;
    }
    const [next] = this.waiting.splice(at, 1);
    next.go("beside");
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
