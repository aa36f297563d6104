// Boxes as containers on Shiplab's own user-namespaced Docker Engine (provision/labEngine.ts),
// each running its own dockerd. Recipe measured on these machines: see shared DESIGN.md
// ("Box recipe", "Isolation") and the README ("A box").
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { EventStream } from "../docker/eventStream.ts";
import { inBackground } from "../background.ts";
import type { Logger } from "../log.ts";
import { LAB_REGISTRY_HOST } from "../registry/labGate.ts";
import { attachBox, boxPortName, portAddress, type BoxNetwork } from "./boxNetwork.ts";
import { delegateCgroups, hostRootOf } from "./boxCgroups.ts";
import { EngineUnavailableError, isEngineUnreachable } from "./errors.ts";
import { API_TAP_SOCKET, createSocketDir, removeBoxDir, SHELL_RELAY_SOCKET, socketBeside, socketDir } from "./boxSocketDir.ts";
import { allCapabilitiesOf, boxCapDrop, hostBoundingSet } from "./capabilities.ts";
import { BOX_ISOLATION, LABEL, baseLabels, isBoxId } from "./labels.ts";
import { boxSeccompOpt } from "./seccompProfile.ts";
import { execInBox, type ExecResult } from "./boxExec.ts";
import { EngineApiTap } from "./engineApiTap.ts";
import type { EngineApiCall } from "../protocol.ts";
import type { Acquired, Box, RemovalReason, SandboxManager } from "./sandboxManager.ts";
import { startBoxShell } from "./boxShell.ts";
import { StartLimiter, type QueuedStart } from "./startLimiter.ts";
import type { SharedFile } from "../provision/boxSharedFiles.ts";
import { BOX_DAEMONS_GOGC } from "../provision/labEngine.ts";
import type { ShellHandlers, ShellProcess, TerminalSize } from "../terminal/shellProcess.ts";

export interface DockerSandboxOptions {
  /** Shiplab's own engine (user-namespaced), where boxes run. */
  docker: Docker;
  /** Its socket, for the docker CLI behind each learner's shell. */
  engineHost: string;
  /** The host user and group that are root inside a box. */
  boxRoot: { uid: number; gid: number };
  /** Makes the engine's per-box disk quotas exact again if they drifted (after removals). */
  repairQuotas(): Promise<boolean>;
  log: Logger;
  instance: string;
  stateDir: string;
  image: string;
  /** Files of the image bound read-only into every box from one host copy (boxSharedFiles.ts). */
  sharedFiles?: SharedFile[];
  network: BoxNetwork;
  gatePort: number;
  memoryBytes: number;
  cpus: number;
  pids: number;
  diskBytes: number;
  runtime: string;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  warmPool: number;
  /** Boxes started at once at most; learners' before the pool's. */
  boxStarts: number;
  testRun: string | undefined;
  /** How often the reaper looks; defaults to a quarter of the shortest timeout, 1–30 s. */
  reapIntervalMs?: number;
}

/** When a box's daemon was let start (box-init waits for its turn); unset while it waits. */
interface DaemonTurn {
  at?: number;
}

interface Tracked {
  box: Box;
  attached: number;
  idleSince: number;
}

/**
 * How long a box's daemon may take to answer. It takes under a second on a quiet machine,
 * but a learner arriving while a class of 30 each runs three containers waited 45 s and
 * more on 2 cores (issue 10's bench): a wait is better than an error, whose reload starts
 * it all over. A box that dies meanwhile is reported at once (isRunning below).
 */
const READY_TIMEOUT_MS = 90_000;
/** At most this many boxes prepared ahead for a class (each holds memory until used). */
export const MAX_PREPARED = 60;
/** Written into the box's /shiplab once the host has confined it (box-init waits for it). */
const CONFINED_MARKER = ".confined";
/** Written into the box's /shiplab when its daemon may start (box-init waits for it, for a while). */
const DAEMON_MARKER = ".daemon";
/** How often a box whose daemon has not had its turn yet is checked for having died. */
const HELD_POLL_MS = 1000;

/** True when the Docker daemon behind `socketPath` answers a ping within 2 s. */
export async function daemonAnswers(socketPath: string): Promise<boolean> {
  try {
    await new Docker({ socketPath, timeout: 2000 }).ping();
    return true;
  } catch {
    return false;
  }
}

export class DockerSandbox implements SandboxManager {
  private readonly boxes = new Map<string, Tracked>();
  /** Each box's address on the box network, by box id, from when it is attached to when it is gone. */
  private readonly addresses = new Map<string, string>();
  private readonly pool: Box[] = [];
  private readonly pending = new Map<string, Promise<Acquired>>();
  /** Why a learner's last box went, told with their next one. */
  private readonly lost = new Map<string, RemovalReason>();
  private readonly removedListeners = new Set<(box: Box, reason: RemovalReason) => void>();
  private readonly pooledListeners = new Set<(box: Box) => void>();
  private readonly apiCallListeners = new Set<(box: Box, call: EngineApiCall) => void>();
  /** Each box's "under the hood" tap, by box id: the socket its docker CLI talks to. */
  private readonly taps = new Map<string, EngineApiTap>();
  /**
   * Boxes handed out before their daemon answered, by box id, until it does: settles then.
   * A box not in here has a daemon that answers (or had, when it was handed out).
   */
  private readonly daemons = new Map<string, Promise<void>>();
  private filling = 0;
  /** Boxes a teacher asked to have ready, still to be handed out, until when. */
  private prepared = { left: 0, until: 0 };
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Removals under way, by container name. */
  private readonly removals = new Map<string, { boxId: string; done: Promise<void> }>();
  private reaper: NodeJS.Timeout | undefined;
  private reaping: Promise<void> | undefined;
  private deaths: EventStream | undefined;
  private disposed = false;
  /** The capabilities every box drops: they depend on how this engine reads "ALL". */
  private capDrop: Promise<string[]> | undefined;
  private readonly boxesDir: string;
  private readonly starts: StartLimiter;

  constructor(private readonly o: DockerSandboxOptions) {
    this.boxesDir = path.join(o.stateDir, "boxes", o.instance);
    this.starts = new StartLimiter(o.boxStarts);
  }

  private learnerName(learnerId: string): string {
    return `shiplab-${this.o.instance}-l-${learnerId}`;
  }

  private poolName(boxId: string): string {
    return `shiplab-${this.o.instance}-p-${boxId}`;
  }

  /** The container's name now (it changes when a warm box is handed to a learner). */
  private nameOf(box: Box): string {
    return box.learnerId ? this.learnerName(box.learnerId) : this.poolName(box.id);
  }

  async start(): Promise<void> {
    await this.adoptOrReap();
    // A box whose container stops (the learner killed its init, the engine restarted…)
    // is removed at once, so its learner hears about it now rather than at the next reap.
    this.deaths = new EventStream({
      docker: new Docker({ socketPath: this.o.engineHost.replace(/^unix:\/\//, "") }),
      filters: { type: ["container"], event: ["die"], label: [`${LABEL.instance}=${this.o.instance}`] },
      onEvent: (ev) => {
        const id = ev.Actor?.Attributes?.[LABEL.box];
        if (id && this.list().some((b) => b.id === id)) void inBackground(this.o.log, `removing dead box ${id}`, () => this.destroy(id, "died"));
      },
    });
    this.deaths.start();
    this.fillPool();
    const interval =
      this.o.reapIntervalMs ?? Math.min(30_000, Math.max(1_000, Math.min(this.o.idleTimeoutMs, this.o.maxLifetimeMs) / 4));
    this.reaper = setInterval(() => {
      // One reap at a time: a slow one (a quota rescan) is not stacked on.
      this.reaping ??= inBackground(this.o.log, "reaping boxes", () => this.reap()).finally(() => (this.reaping = undefined));
    }, interval);
    this.reaper.unref();
  }

  private async adoptOrReap(): Promise<void> {
    const containers = await this.o.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.instance}=${this.o.instance}`, LABEL.box] },
    });
    const learnerPrefix = `/shiplab-${this.o.instance}-l-`;
    const poolPrefix = `/shiplab-${this.o.instance}-p-`;
    const kept = new Set<string>();
    for (const c of containers) {
      const id = c.Labels[LABEL.box];
      const name = c.Names[0] ?? "";
      const box: Box = {
        id,
        container: c.Id,
        learnerId: name.startsWith(learnerPrefix) ? name.slice(learnerPrefix.length) : undefined,
        createdAt: Number(c.Labels[LABEL.created]) || Date.now(),
        socketPath: this.socketPath(id),
      };
      // A box made another way (before user namespaces) is reaped; its learner gets a new one.
      const current = c.Labels[LABEL.isolation] === BOX_ISOLATION;
      const alive = current && c.State === "running" && (name.startsWith(learnerPrefix) || name.startsWith(poolPrefix));
      // Its address is read back from its port on the bridge (a box without one is not kept).
      const address = alive && isBoxId(id) ? portAddress(this.o.network, boxPortName(id)) : undefined;
      if (address && !this.addressTaken(address) && (await daemonAnswers(box.socketPath))) {
        this.addresses.set(id, address);
        kept.add(id);
        // The last server's tap went with it: the learner's `docker` needs a new one. One
        // that cannot be opened (the box's root tampered with its folder) costs only the
        // learner's own `docker`, not the adoption of everyone else's box.
        await this.openTap(box).catch((err: Error) => this.o.log.warn(`box ${name.slice(1)}: no "under the hood" tap: ${err.message}`));
        if (box.learnerId) this.boxes.set(box.learnerId, { box, attached: 0, idleSince: Date.now() });
        else this.addToPool(box);
        this.o.log.info(`adopted box ${name.slice(1)}`);
      } else {
        await this.removeBox(box, "orphan");
      }
    }
    // Disks left behind by boxes whose containers are gone.
    if (fs.existsSync(this.boxesDir)) {
      for (const id of fs.readdirSync(this.boxesDir)) {
        if (!kept.has(id) && isBoxId(id)) await removeBoxDir(path.join(this.boxesDir, id));
      }
    }
  }

  async acquire(learnerId: string, o: { shellFirst?: boolean } = {}): Promise<Acquired> {
    const acquired = await this.acquireShared(learnerId);
    if (!o.shellFirst) await acquired.daemonReady;
    return acquired;
  }

  private acquireShared(learnerId: string): Promise<Acquired> {
    if (this.disposed) return Promise.reject(new Error("the sandbox manager is shut down"));
    // Two tabs of one learner must not create two boxes.
    let p = this.pending.get(learnerId);
    if (!p) {
      p = this.acquireNow(learnerId)
        .catch((err: unknown) => {
          throw isEngineUnreachable(err) ? new EngineUnavailableError(err as Error) : err;
        })
        .finally(() => this.pending.delete(learnerId));
      this.pending.set(learnerId, p);
    }
    return p;
  }

  private async acquireNow(learnerId: string): Promise<Acquired> {
    let replacedBecause = this.lost.get(learnerId);
    this.lost.delete(learnerId);
    const current = this.boxes.get(learnerId);
    if (current) {
      if (await this.isRunning(current.box)) return { box: current.box, daemonReady: this.daemonReady(current.box) };
      replacedBecause = "died";
      await this.destroy(current.box.id, "died");
    }
    let box = this.pool.shift();
    if (box && this.prepared.left > 0) this.prepared.left--;
    if (box && (await this.pooledBoxRunning(box))) {
      box = { ...box, learnerId };
      this.recordOwner(box, learnerId);
    } else {
      if (box) await this.removeBox(box, "died");
      box = await this.createLearnerBox(learnerId);
    }
    this.boxes.set(learnerId, { box, attached: 0, idleSince: Date.now() });
    // The refill's first steps (≈10 ms of engine calls being set up) come after the learner
    // has the box, not before: they held a warm box's first output back by that much.
    setImmediate(() => this.fillPool());
    return { box, replacedBecause, daemonReady: this.daemonReady(box) };
  }

  private daemonReady(box: Box): Promise<void> {
    return this.daemons.get(box.id) ?? Promise.resolve();
  }

  /**
   * Whether a warm box can be handed out. While the engine's die events are flowing, a warm
   * box that stopped has been taken out of the pool already, so the learner's prompt does
   * not wait for an inspect (3–13 ms measured while a page loads, 95 once while a box
   * started): the box is handed out at once and inspected behind it, and if
   * it stopped unseen (between adoption at start and the first event), it is removed as a
   * box that died, which the learner's page is told. Without events (the engine is away or
   * restarting), the inspect decides first, as it tells an engine that is down.
   */
  private async pooledBoxRunning(box: Box): Promise<boolean> {
    if (!this.deaths?.connected) return this.isRunning(box);
    void inBackground(this.o.log, `checking warm box ${box.id}`, async () => {
      // destroy() does nothing for a box that is already gone (the learner's page closed…).
      if (!(await this.isRunning(box))) await this.destroy(box.id, "died");
    });
    return true;
  }

  /**
   * Renames a warm box after the learner it was handed to. The name is what a restarted
   * server reads to give each learner their box back (adoptOrReap); everything else refers
   * to the box by its id, which stays. Not awaited by acquire(): the learner's prompt does
   * not wait for the engine's rename (10 ms on an idle engine, up to 130 ms measured while
   * the pool refills). A box whose owner could not be written down is removed, since after
   * a restart it would pass for a warm box and go to another learner.
   */
  private recordOwner(box: Box, learnerId: string): void {
    const name = this.learnerName(learnerId);
    const done = (async () => {
      await this.nameFree(name);
      await this.o.docker.getContainer(box.container).rename({ name });
    })()
      .catch(async (err: Error) => {
        if (this.boxes.get(learnerId)?.box.id !== box.id) return; // gone meanwhile: nothing to record
        this.o.log.warn(`box ${box.id} could not be named after learner ${learnerId}: ${err.message}; removing it`);
        await this.destroy(box.id, "died");
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  boxOf(learnerId: string): Box | undefined {
    return this.boxes.get(learnerId)?.box;
  }

  /**
   * The learner whose box has this address on the box network (the lab gate asks, to know
   * whose push it is).
   */
  async learnerAt(address: string): Promise<string | undefined> {
    const ip = address.replace(/^::ffff:/, "");
    for (const [learnerId, t] of this.boxes) if (this.addresses.get(t.box.id) === ip) return learnerId;
    return undefined;
  }

  private addressTaken(address: string): boolean {
    for (const a of this.addresses.values()) if (a === address) return true;
    return false;
  }

  /** The box's address on the box network. */
  addressOf(box: Box): string | undefined {
    return this.addresses.get(box.id);
  }

  async verify(learnerId: string): Promise<boolean> {
    const t = this.boxes.get(learnerId);
    if (!t) return false;
    if (await this.isRunning(t.box)) return true;
    await this.destroy(t.box.id, "died");
    return false;
  }

  daemonOf(box: Box, timeoutMs = 60_000): Docker {
    return new Docker({ socketPath: box.socketPath, timeout: timeoutMs });
  }

  exec(box: Box, cmd: string[], timeoutMs?: number): Promise<ExecResult> {
    return execInBox(this.o.docker, box.container, cmd, timeoutMs);
  }

  startShell(box: Box, size: TerminalSize, handlers: ShellHandlers): ShellProcess {
    return startBoxShell(this.o.docker, box.container, socketBeside(box.socketPath, SHELL_RELAY_SOCKET), size, handlers);
  }

  list(): Box[] {
    return [...[...this.boxes.values()].map((t) => t.box), ...this.pool];
  }

  setAttached(learnerId: string, attached: boolean): void {
    const t = this.boxes.get(learnerId);
    if (!t) return;
    t.attached = Math.max(0, t.attached + (attached ? 1 : -1));
    if (t.attached === 0) t.idleSince = Date.now();
  }

  private addToPool(box: Box): void {
    this.pool.push(box);
    for (const l of this.pooledListeners) l(box);
  }

  onPooled(listener: (box: Box) => void): () => void {
    this.pooledListeners.add(listener);
    return () => this.pooledListeners.delete(listener);
  }

  onApiCall(listener: (box: Box, call: EngineApiCall) => void): () => void {
    this.apiCallListeners.add(listener);
    return () => this.apiCallListeners.delete(listener);
  }

  recentApiCalls(box: Box): EngineApiCall[] {
    return this.taps.get(box.id)?.recent() ?? [];
  }

  /**
   * Puts the tap in front of the box's daemon: the box's /var/run/docker.sock links to
   * /shiplab/api.sock (box-init.sh), which is this server's. Calls are told with the box
   * as it is then (a warm box gets its learner later).
   */
  private async openTap(box: Box, daemonReady?: Promise<void>, daemonWanted?: () => void): Promise<void> {
    const tap = new EngineApiTap({
      listenPath: socketBeside(box.socketPath, API_TAP_SOCKET),
      daemonPath: box.socketPath,
      owner: this.o.boxRoot,
      daemonReady,
      daemonWanted,
      onCall: (call) => {
        const now = this.list().find((b) => b.id === box.id);
        if (now) for (const l of this.apiCallListeners) l(now, call);
      },
    });
    this.taps.get(box.id)?.dispose();
    this.taps.set(box.id, tap);
    await tap.start();
  }

  onRemoved(listener: (box: Box, reason: RemovalReason) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  async destroy(boxId: string, reason: RemovalReason): Promise<void> {
    // A removal already under way (a die event racing a reap or an acquire) is awaited,
    // not repeated: whoever asks next finds the box gone.
    const underway = [...this.removals.values()].find((r) => r.boxId === boxId);
    if (underway) return underway.done;
    for (const [learnerId, t] of this.boxes) {
      if (t.box.id === boxId) {
        this.boxes.delete(learnerId);
        if (reason !== "requested") this.lost.set(learnerId, reason);
        await this.removeBox(t.box, reason);
        return;
      }
    }
    const i = this.pool.findIndex((b) => b.id === boxId);
    if (i >= 0) await this.removeBox(this.pool.splice(i, 1)[0], reason);
  }

  private async reap(): Promise<void> {
    if (this.disposed) return;
    const repaired = await this.o.repairQuotas().catch((err: Error) => {
      this.o.log.warn(`disk quotas: ${err.message}`);
      return false;
    });
    if (repaired) {
      this.o.log.warn("the engine's disk quotas had stopped counting; rescanned them");
    }
    const now = Date.now();
    for (const t of [...this.boxes.values()]) {
      if (now - t.box.createdAt > this.o.maxLifetimeMs) await this.destroy(t.box.id, "lifetime");
      else if (t.attached === 0 && !this.daemons.has(t.box.id) && now - t.idleSince > this.o.idleTimeoutMs) await this.destroy(t.box.id, "idle");
    }
    for (const b of [...this.pool]) {
      if (now - b.createdAt > this.o.maxLifetimeMs) await this.destroy(b.id, "lifetime");
    }
    // Prepared boxes nobody took, once their time is up: back to the usual pool size.
    while (this.pool.length > this.poolTarget()) await this.destroy(this.pool[this.pool.length - 1].id, "requested");
    this.fillPool();
  }

  prepare(count: number, forMs: number): number {
    const left = Math.max(0, Math.min(MAX_PREPARED, Math.floor(count)));
    this.prepared = { left, until: Date.now() + forMs };
    this.fillPool();
    return left;
  }

  /** The pool's size now: the usual warm pool, or more while a class's boxes are prepared. */
  private poolTarget(): number {
    const preparing = Date.now() < this.prepared.until ? this.prepared.left : 0;
    return Math.max(this.o.warmPool, preparing);
  }

  private fillPool(): void {
    while (!this.disposed && this.pool.length + this.filling < this.poolTarget()) {
      this.filling++;
      const p = this.createPoolBox()
        .then((box) => {
          if (this.disposed) return this.removeBox(box, "requested");
          this.addToPool(box);
        })
        .catch((err: Error) => this.o.log.warn(`could not warm a box: ${err.message}`))
        .finally(() => {
          this.filling--;
          this.inFlight.delete(p);
        });
      this.inFlight.add(p);
    }
  }

  private socketPath(boxId: string): string {
    return path.join(socketDir(path.join(this.boxesDir, boxId)), "docker.sock");
  }

  /** A warm box: ready in full (its daemon answers) before it joins the pool. */
  private createPoolBox(): Promise<Box> {
    return this.starts.run("pool", async () => {
      const { box, daemonReady } = await this.createBoxNow(undefined);
      try {
        await daemonReady;
      } catch (err) {
        await this.removeBox(box, "died", false);
        throw err;
      }
      return box;
    });
  }

  /**
   * A learner's box, handed out as soon as a shell can be opened in it: its daemon takes as
   * long again to start (1.2–1.9 s of a cold box's 3.3 s measured on a slow machine), and the
   * learner can read and type meanwhile; a `docker` typed before it answers waits in the tap.
   * In two turns of the start limiter: the prompt's, then the daemon's, which waits behind
   * every learner still waiting for a prompt (a class arriving at once gets its prompts
   * first: a box's daemon costs more CPU than its prompt). A learner whose `docker` waits
   * for it (the tap says so) moves up in front of the other daemons. Both turns bound the
   * CPU the starts take. A daemon that never answers takes its box with it, as a box that
   * died.
   */
  private createLearnerBox(learnerId: string): Promise<Box> {
    // The daemon's place in the queue, once it has one; wanted before that, it queues in front.
    const daemonTurn: { queued?: QueuedStart; wanted: boolean } = { wanted: false };
    const wanted = () => {
      daemonTurn.wanted = true;
      daemonTurn.queued?.promote("learner");
    };
    return new Promise<Box>((handOut, fail) => {
      const started = (async () => {
        const { box, daemonReady, startDaemon } = await this.starts.run("learner", async () => {
          const made = await this.createBoxNow(learnerId, { holdDaemon: { wanted } });
          this.daemons.set(made.box.id, made.daemonReady);
          try {
            await Promise.race([made.shellReady(), made.daemonReady]);
          } catch (err) {
            this.daemons.delete(made.box.id);
            await this.removeBox(made.box, "died", false);
            throw err;
          }
          return made;
        });
        handOut(box);
        const priority = daemonTurn.wanted ? "learner" : "daemon";
        await this.starts.run(priority, async () => {
          // Gone while it waited for its turn (its learner left): nothing to start.
          if (!this.daemons.has(box.id)) return;
          startDaemon();
          try {
            await daemonReady;
            this.daemons.delete(box.id);
            // Idle time counts from when the box is whole (reap() leaves a starting box be).
            const t = this.boxes.get(learnerId);
            if (t?.box.id === box.id && t.attached === 0) t.idleSince = Date.now();
          } catch (err) {
            this.o.log.warn(`box ${this.nameOf(box)}: ${(err as Error).message}; removing it`);
            // The learner's turn first: acquire() records the box as theirs, then hears it went.
            await new Promise((r) => setImmediate(r));
            if (this.list().some((b) => b.id === box.id)) await this.destroy(box.id, "died");
            else await this.removeBox(box, "died", false);
          }
        }, (queued) => (daemonTurn.queued = queued));
      })()
        .catch(fail)
        .finally(() => this.inFlight.delete(started));
      this.inFlight.add(started);
    });
  }

  /**
   * Creates, starts and confines a box; a box that fails that far is removed. The shell
   * relay and the daemon come after: `shellReady()` waits for the relay (only a learner's
   * box asks), `daemonReady` settles with the daemon. Whoever holds the box decides what a
   * daemon that never answers means.
   */
  private async createBoxNow(
    learnerId: string | undefined,
    /** Its daemon waits for startDaemon(); `wanted` hears when the learner's `docker` waits for it. */
    o: { holdDaemon?: { wanted: () => void } } = {},
  ): Promise<{ box: Box; shellReady: () => Promise<void>; daemonReady: Promise<void>; startDaemon: () => void }> {
    const id = crypto.randomBytes(6).toString("hex");
    const boxDir = path.join(this.boxesDir, id);
    const name = learnerId ? this.learnerName(learnerId) : this.poolName(id);
    // Until the container exists, its name stands for it (a failed create is removed by name).
    const box: Box = { id, container: name, learnerId, createdAt: Date.now(), socketPath: this.socketPath(id) };
    try {
      await this.nameFree(name);
      const sockDir = await createSocketDir(boxDir, this.o.boxRoot);
      // The tap listens before the box starts; what it receives waits for the daemon.
      let daemon!: { resolve: () => void; reject: (err: Error) => void };
      const daemonAnswered = new Promise<void>((resolve, reject) => (daemon = { resolve, reject }));
      daemonAnswered.catch(() => undefined); // told to the tap's callers, not an unhandled error
      const turn: DaemonTurn = {};
      const startDaemon = () => this.giveDaemonItsTurn(box, turn);
      await this.openTap(box, daemonAnswered, o.holdDaemon?.wanted);
      const gate = `http://${LAB_REGISTRY_HOST}:${this.o.gatePort}`;
      const container = await this.createContainerNamed(name, {
        Image: this.o.image,
        Hostname: "shiplab",
        // No network from Docker at all, only loopback: confine() attaches the box to the
        // box bridge itself (attachBox says why, and checks that Docker gave it nothing).
        // Measured per box start (create + start, 2 cores): network mode "none" 0.65–0.75 s,
        // as it runs libnetwork's hook for the null network; the default network, which
        // --bridge none leaves empty, 0.3–0.4 s but each removed box left a stale sandbox in
        // the engine's store (6 of 6), cleared at the engine's next start at 0.33 s each (183
        // after one day's test runs: 64 s before it answered); disabled, 0.26–0.34 s and
        // nothing left. So no /etc/hosts from Docker either: box-init writes it
        // (SHIPLAB_HOSTS below) and /etc/resolv.conf.
        NetworkDisabled: true,
        Labels: {
          ...baseLabels(this.o.instance, this.o.testRun),
          [LABEL.box]: id,
          [LABEL.created]: String(box.createdAt),
          [LABEL.isolation]: BOX_ISOLATION,
        },
        Cmd: [
          "--registry-mirror", gate,
          "--insecure-registry", `${LAB_REGISTRY_HOST}:${this.o.gatePort}`,
          // Containers in the box get no DNS server either: names fail at once.
          "--dns", "127.0.0.1",
        ],
        // The daemon's way out is the lab gate, which answers Internet requests with a
        // sentence saying the lab has no Internet (see labGate.ts). Set for the daemon
        // only (through env in front of the entrypoint), not for the learner's shells,
        // where a proxy would break `wget <container IP>`.
        Entrypoint: [
          "/usr/bin/env",
          // For the box's dockerd and containerd: smaller heaps (see BOX_DAEMONS_GOGC).
          `GOGC=${BOX_DAEMONS_GOGC}`,
          `HTTPS_PROXY=${gate}`,
          `HTTP_PROXY=${gate}`,
          `NO_PROXY=${LAB_REGISTRY_HOST},localhost,127.0.0.1`,
          // The lab registry's name, for the box's /etc/hosts: the lab gate on the bridge.
          `SHIPLAB_HOSTS=${this.o.network.gateway} ${LAB_REGISTRY_HOST}`,
          "/usr/local/sbin/shiplab-box-init",
        ],
        StopTimeout: 5,
        HostConfig: {
          Init: true,
          Runtime: this.o.runtime,
          // With the network disabled above.
          NetworkMode: "none",
          // Capabilities, seccomp and /proc below are those of the box's own user namespace
          // (the engine remaps root): its daemon needs them, and they reach nothing of the
          // host's. The seccomp profile is Docker's default plus what an inner daemon needs.
          CapAdd: ["ALL"],
          CapDrop: await this.boxCapDrop(),
          SecurityOpt: [boxSeccompOpt(), "apparmor=unconfined"],
          // Its own cgroup namespace: its cgroup mounts show the box's cgroup as their root.
          ...({ CgroupnsMode: "private" } as object),
          // `systempaths=unconfined` through the API: the inner daemon mounts its own /proc
          // for containers; the box's /proc/sys stays read-only to it where the host owns it.
          MaskedPaths: [],
          ReadonlyPaths: [],
          Tmpfs: { "/run": "rw,nosuid,nodev,mode=755,size=64m" },
          Mounts: [
            { Type: "bind", Source: sockDir, Target: "/shiplab" },
            // In memory once for all boxes, not once per box (boxSharedFiles.ts).
            ...(this.o.sharedFiles ?? []).map((f) => ({ Type: "bind" as const, Source: f.source, Target: f.target, ReadOnly: true })),
          ],
          // One disk limit for everything the box writes, its inner daemon's images and
          // containers included: the engine's btrfs quota on the box's root file system.
          StorageOpt: { size: String(this.o.diskBytes) },
          LogConfig: { Type: "json-file", Config: { "max-size": "5m", "max-file": "2" } },
          Memory: this.o.memoryBytes,
          MemorySwap: this.o.memoryBytes,
          NanoCpus: Math.round(this.o.cpus * 1e9),
          PidsLimit: this.o.pids,
          RestartPolicy: { Name: "no" },
        },
      });
      box.container = container.id;
      await container.start();
      await this.confine(box);
      if (!o.holdDaemon) startDaemon();
      const starting = { done: false };
      const daemonReady = this.waitForDaemon(box, turn).finally(() => (starting.done = true));
      daemonReady.then(daemon.resolve, daemon.reject);
      return { box, shellReady: () => this.waitForShellRelay(box, starting), daemonReady, startDaemon };
    } catch (err) {
      // Never handed out: nobody is told it went (its learner hears why it failed instead).
      await this.removeBox(box, "died", false);
      throw err;
    }
  }

  private boxCapDrop(): Promise<string[]> {
    if (!this.capDrop) {
      const asked = this.o.docker.version().then((v) => boxCapDrop(hostBoundingSet(), allCapabilitiesOf(v.Version)));
      // A failed look-up (the engine away) is asked again with the next box.
      asked.catch(() => {
        if (this.capDrop === asked) this.capDrop = undefined;
      });
      this.capDrop = asked;
    }
    return this.capDrop;
  }

  /**
   * Creates the box's container. A container already holding the name is one whose
   * removal failed (the engine went away meanwhile): the name is this box's now.
   */
  private async createContainerNamed(name: string, spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    try {
      return await this.o.docker.createContainer({ ...spec, name });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      this.o.log.warn(`removing a stale container named ${name} left by an earlier failed removal`);
      await this.removeContainer(name);
      return this.o.docker.createContainer({ ...spec, name });
    }
  }

  /**
   * Checks that the box's root is not the host's, hands the box its own cgroup, and puts
   * it on the box bridge where it cannot talk to its neighbours.
   */
  private async confine(box: Box): Promise<void> {
    const info = await this.o.docker.getContainer(box.container).inspect();
    const pid = info.State.Pid;
    this.addresses.set(box.id, await attachBox(this.o.network, pid, box.id, (a) => this.addressTaken(a)));
    if (this.o.runtime === "runc") {
      // Other runtimes (sysbox-runc) make the user namespace and cgroups themselves.
      const root = hostRootOf(pid);
      if (root.uid === 0 || root.uid !== this.o.boxRoot.uid) {
        throw new Error(`box ${this.nameOf(box)} is not in a user namespace (its root is host uid ${root.uid}); refusing to hand it out`);
      }
      const { dirs } = delegateCgroups(pid, root.uid, root.gid);
      if (dirs.length === 0) throw new Error(`box ${this.nameOf(box)}: none of its cgroups could be found to hand over`);
    }
    // Its disk limit must count from the start (a removal elsewhere may have paused counting).
    await this.o.repairQuotas();
    // box-init waits for this before it sets up the box's cgroups and starts its daemon.
    fs.writeFileSync(path.join(path.dirname(box.socketPath), CONFINED_MARKER), "");
  }

  /**
   * Until the box's shell relay listens (box-init starts it before the daemon), or the
   * daemon answered first (an image without a relay: the shell comes as an exec).
   */
  private async waitForShellRelay(box: Box, daemon: { done: boolean }): Promise<void> {
    const relay = socketBeside(box.socketPath, SHELL_RELAY_SOCKET);
    while (!daemon.done && !fs.existsSync(relay)) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Until the daemon answers. Its time counts from its turn: a daemon held back while a
   * class gets its prompts has not started yet (an image that does not wait for its turn
   * is seen answering all the same).
   */
  private async waitForDaemon(box: Box, turn: DaemonTurn): Promise<void> {
    while (!(await daemonAnswers(box.socketPath))) {
      if (turn.at !== undefined && Date.now() > turn.at + READY_TIMEOUT_MS) {
        throw new Error(`the Docker daemon in box ${this.nameOf(box)} did not start within ${READY_TIMEOUT_MS / 1000} s`);
      }
      if (!(await this.isRunning(box))) throw new Error(`box ${this.nameOf(box)} stopped while starting`);
      await new Promise((r) => setTimeout(r, turn.at === undefined ? HELD_POLL_MS : 50));
    }
  }

  /** Lets the box's daemon start (box-init waits for the marker); once is enough. */
  private giveDaemonItsTurn(box: Box, turn: DaemonTurn): void {
    if (turn.at !== undefined) return;
    turn.at = Date.now();
    try {
      fs.writeFileSync(path.join(path.dirname(box.socketPath), DAEMON_MARKER), "");
    } catch (err) {
      // The box's folder is gone with the box: waitForDaemon tells that.
      this.o.log.warn(`box ${this.nameOf(box)}: could not give its daemon its turn: ${(err as Error).message}`);
    }
  }

  /** Whether the box's container runs; an engine that does not answer is an error, not "no". */
  private async isRunning(box: Box): Promise<boolean> {
    try {
      const info = await this.o.docker.getContainer(box.container).inspect();
      return info.State.Running;
    } catch (err) {
      if (isEngineUnreachable(err)) throw new EngineUnavailableError(err as Error);
      return false;
    }
  }

  /**
   * Removes a box's container and waits until it is gone: deleting a btrfs subvolume
   * takes a moment, and a second remove meanwhile (a die event racing a reap) only says
   * "in progress" — the learner's next box must not find the name still taken.
   */
  private async removeContainer(ref: string): Promise<void> {
    const container = this.o.docker.getContainer(ref);
    await container.remove({ force: true, v: true }).catch(() => undefined);
    const deadline = Date.now() + 60_000;
    let unreachable = 0;
    while (Date.now() < deadline) {
      try {
        await container.inspect();
        unreachable = 0;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return;
        // One failed call can be a kept-alive connection the engine dropped when it came
        // back; several in a row mean it is gone.
        if (isEngineUnreachable(err) && ++unreachable >= 3) {
          // Left for the next start: it adopts or reaps every box of this instance.
          this.o.log.warn(`could not remove box container ${ref}: ${(err as Error).message}`);
          return;
        }
        if (unreachable) await container.remove({ force: true, v: true }).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.o.log.warn(`box container ${ref} was still there 60 s after its removal`);
  }

  private removeBox(box: Box, reason: RemovalReason, notify = true): Promise<void> {
    const name = this.nameOf(box);
    const entry = { boxId: box.id, done: Promise.resolve() };
    entry.done = this.removeBoxNow(box, reason, notify).finally(() => {
      // A newer removal of a box with the same name keeps its own entry.
      if (this.removals.get(name) === entry) this.removals.delete(name);
    });
    this.removals.set(name, entry);
    return entry.done;
  }

  /** Waits for the removal of a container of this name, if one is under way. */
  private async nameFree(name: string): Promise<void> {
    await this.removals.get(name)?.done.catch(() => undefined);
  }

  private async removeBoxNow(box: Box, reason: RemovalReason, notify: boolean): Promise<void> {
    // Told first: the box is no one's from now on, and its learner hears at once (the
    // container's removal can take a second or two, and an acquire waits for it).
    if (notify) for (const l of this.removedListeners) l(box, reason);
    this.daemons.delete(box.id);
    this.taps.get(box.id)?.dispose();
    this.taps.delete(box.id);
    await this.removeContainer(box.container);
    // Free once the container is gone: its network namespace, and the veth with it, went too.
    this.addresses.delete(box.id);
    // The id names a folder: only one of ours is ever removed (a label could say "..").
    if (isBoxId(box.id)) await removeBoxDir(path.join(this.boxesDir, box.id));
    if (reason !== "orphan") this.o.log.info(`removed box ${this.nameOf(box)} (${reason})`);
  }

  /** Removes every box of this instance (tests and `shiplab reset`); not part of shutdown. */
  async destroyAll(): Promise<void> {
    for (const b of this.list()) await this.destroy(b.id, "requested");
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    this.deaths?.dispose();
    for (const tap of this.taps.values()) tap.dispose();
    this.taps.clear();
    await Promise.allSettled([
      ...this.pending.values(),
      ...this.inFlight,
      ...[...this.removals.values()].map((r) => r.done),
      ...(this.reaping ? [this.reaping] : []),
    ]);
  }
}
