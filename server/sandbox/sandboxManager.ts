// The port at the box provider: one sandbox per learner. The Docker Engine implementation
// is dockerSandbox.ts; others (remote engines, Kubernetes) implement the same interface.
import type Docker from "dockerode";
import type { ExecResult } from "./boxExec.ts";
import type { EngineApiCall } from "../protocol.ts";
import type { ShellHandlers, ShellProcess, TerminalSize } from "../terminal/shellProcess.ts";


export interface Box {
  id: string;
  /**
   * The provider's id of the box's container (or pod): stable for the box's whole life,
   * unlike its name, which changes when a warm box is handed to a learner.
   */
  container: string;
  learnerId: string | undefined;
  createdAt: number;
  /** Host path of the box's own Docker daemon socket, read by the checker. */
  socketPath: string;
}


export type RemovalReason = "idle" | "lifetime" | "died" | "requested" | "orphan" | "class-ended" | "reset-by-teacher";

export interface Acquired {
  box: Box;
  /** Set when the learner's previous box was gone and this one replaces it. */
  replacedBecause?: RemovalReason;
  /**
   * Settles once the box's own Docker daemon answers: already settled for a box that was
   * ready (warm, or the learner's own). Rejects if the daemon never starts; the box is then
   * removed (reason "died") and its learner told, as for any box that dies.
   */
  daemonReady: Promise<void>;
}

export interface SandboxManager {
  /** Adopts live boxes of this instance, reaps dead ones, fills the warm pool, starts reaping. */
  start(): Promise<void>;
  /**
   * The learner's box: their live one, else a warm one, else a new one. Ready to use, its
   * daemon answering; with `shellFirst`, as soon as a shell can be opened in it (a new
   * box's daemon needs as long again), `daemonReady` telling when the rest is.
   */
  acquire(learnerId: string, o?: { shellFirst?: boolean }): Promise<Acquired>;
  boxOf(learnerId: string): Box | undefined;
  /** Whether the learner's box still runs; a box found dead is removed (reason "died"). */
  verify(learnerId: string): Promise<boolean>;
  /** Terminals of the learner opened/closed: a box with none open for the idle timeout is removed. */
  setAttached(learnerId: string, attached: boolean): void;
  destroy(boxId: string, reason: RemovalReason): Promise<void>;
  list(): Box[];
  /** A client of the box's own Docker daemon (what the learner's `docker` talks to). */
  daemonOf(box: Box, timeoutMs?: number): Docker;
  /** Runs a command in the box as its root (not through the learner's shell). */
  exec(box: Box, cmd: string[], timeoutMs?: number): Promise<ExecResult>;
  /** Starts the learner's interactive shell in the box (confined like the box's other processes). */
  startShell(box: Box, size: TerminalSize, handlers: ShellHandlers): ShellProcess;
  /**
   * Warms `count` boxes ahead of a class (a teacher's "prepare boxes"): the pool holds them
   * until learners take them or `forMs` has passed; then it shrinks back to its usual size.
   * Returns how many are being prepared (capped).
   */
  prepare(count: number, forMs: number): number;
  /** Called when a ready box joins the warm pool (so a shell can be opened in it ahead of time). */
  onPooled(listener: (box: Box) => void): () => void;
  /** Called for each Engine API request a box's `docker` CLI makes ("under the hood"). */
  onApiCall(listener: (box: Box, call: EngineApiCall) => void): () => void;
  /** The box's last few Engine API requests, oldest first. */
  recentApiCalls(box: Box): EngineApiCall[];
  /** Called when a box is being removed (it is no one's from then on); returns an unsubscribe function. */
  onRemoved(listener: (box: Box, reason: RemovalReason) => void): () => void;
  /** Stops timers; boxes stay up so the next server adopts them. Idempotent. */
  dispose(): Promise<void>;
}
