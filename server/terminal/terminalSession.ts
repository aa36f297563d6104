// One learner's shell in their box: a pty running the sandbox's shell command, shared
// by every page the learner has open, kept for a grace period after the last page leaves
// so a reload or a dropped connection gets the same shell and its recent output back.
import { OutputBuffer } from "./outputBuffer.ts";
import type { ShellProcess, ShellStarter } from "./shellProcess.ts";

/** A key, not text: control characters only, or one escape sequence (an arrow, a function key). */
const LONE_KEY = /^(?:[\x00-\x1f\x7f]+|\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.))$/;
/** Ctrl-C, Ctrl-Z, Ctrl-\\: the keys that signal what runs in the terminal. */
const SIGNAL_KEYS = /[\x03\x1a\x1c]/g;

export interface TerminalPeer {
  output(data: string): void;
  shellExited(code: number): void;
  /** A new shell started: a key came after the last one ended, or the learner asked for one (not a page's first). */
  shellRestarted(): void;
}

/** Someone watching a shell without a hand on it (a teacher): output only, and its end. */
export interface TerminalWatcher {
  output(data: string): void;
  /** The shell went away (the learner left for good, or the box did). */
  ended(): void;
}

export interface TerminalSessionOptions {
  /** Starts the shell (in the learner's box). */
  startShell: ShellStarter;
  graceMs: number;
  /** Called once, when the session is disposed (grace ran out, or the box went away). */
  onDisposed: () => void;
  /** Called each time the shell ends (the learner typed exit, or the box died). */
  onShellExit?: () => void;
}

export const MAX_COLS = 500;
export const MAX_ROWS = 200;

export function validSize(size: unknown): { cols: number; rows: number } | undefined {
  const s = size as { cols?: unknown; rows?: unknown } | null;
  if (!s || typeof s !== "object") return undefined;
  const { cols, rows } = s;
  if (!Number.isInteger(cols) || !Number.isInteger(rows)) return undefined;
  if ((cols as number) < 2 || (cols as number) > MAX_COLS || (rows as number) < 1 || (rows as number) > MAX_ROWS) return undefined;
  return { cols: cols as number, rows: rows as number };
}

export class TerminalSession {
  private proc: ShellProcess | undefined;
  /** The shell has printed something (its prompt): until then it reads its profile. */
  private shellSpoke = false;
  /** Shells started so far: every one after the first starts on a cleaned screen. */
  private shellsStarted = 0;
  /** Shells this session ended (New shell): what they still print is theirs, not the learner's. */
  private readonly ended = new WeakSet<ShellProcess>();
  private readonly peers = new Set<TerminalPeer>();
  /** Watchers neither keep the shell alive nor start one: they see what the learner sees. */
  private readonly watchers = new Set<TerminalWatcher>();
  private readonly output: OutputBuffer;
  private graceTimer: NodeJS.Timeout | undefined;
  private size = { cols: 80, rows: 24 };
  private disposed = false;

  constructor(private readonly o: TerminalSessionOptions) {
    this.output = new OutputBuffer((data) => {
      for (const p of this.peers) p.output(data);
      for (const w of this.watchers) w.output(data);
    });
  }

  /** Opens the shell before any page attaches (a warm box): the learner's prompt is then ready. */
  prewarm(): void {
    if (!this.proc && !this.disposed) this.spawn();
  }

  /** Attaches a page; returns what it should paint first (recent output). */
  attach(peer: TerminalPeer): string {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.peers.add(peer);
    if (!this.proc) this.spawn();
    this.output.flushNow();
    return this.output.replay();
  }

  /** Adds a read-only watcher; returns the recent output to paint first, and how to stop. */
  watch(watcher: TerminalWatcher): { replay: string; stop: () => void } {
    if (this.disposed) {
      watcher.ended();
      return { replay: "", stop: () => undefined };
    }
    this.output.flushNow();
    this.watchers.add(watcher);
    return { replay: this.output.replay(), stop: () => void this.watchers.delete(watcher) };
  }

  detach(peer: TerminalPeer): void {
    if (!this.peers.delete(peer) || this.peers.size > 0 || this.disposed) return;
    this.graceTimer = setTimeout(() => this.dispose(), this.o.graceMs);
    this.graceTimer.unref();
  }

  write(data: string): void {
    if (this.disposed) return;
    if (!this.proc) {
      // The pages say the shell ended and a key starts a new one. A lone key (Enter, Ctrl-C)
      // only asked for the shell and is not typed into it: a Ctrl-C would reach bash while
      // it reads its profile and leave it half set up (no prompt of ours), for good. Text
      // (a Run button's command, a paste) is typed: the learner meant it for the shell.
      this.reopen();
      if (LONE_KEY.test(data)) return;
    }
    // A signal key that reaches bash while it reads its profile stops the profile halfway
    // and leaves a bare "bash-5.2#" with none of the box's set-up, for good: a learner who
    // presses Ctrl-C right after New shell meant it for the old program, not the new shell.
    if (!this.shellSpoke) data = data.replace(SIGNAL_KEYS, "");
    if (data) this.proc!.write(data);
  }

  /** Ends the shell, and what runs in it, and opens a new one; the pages hear that it is back. */
  restart(): void {
    if (this.disposed) return;
    const old = this.proc;
    this.proc = undefined; // its exit, if it still reports one, is no longer this session's
    if (old) this.ended.add(old);
    old?.kill();
    this.reopen();
  }

  /** A new shell in place of one that ended or was ended, announced to the pages. */
  private reopen(): void {
    this.spawn();
    for (const p of this.peers) p.shellRestarted();
  }

  resize(size: { cols: number; rows: number }): void {
    this.size = size;
    this.proc?.resize(size);
  }

  private spawn(): void {
    // Also when a page comes back after the shell ended and every page had left.
    if (this.shellsStarted++ > 0) this.output.resetForNewShell();
    this.shellSpoke = false;
    const proc: ShellProcess = this.o.startShell(this.size, {
      data: (d) => {
        // A hung-up program's last words (vim putting the screen back) would land after the
        // new shell's clean start; the learner asked to be rid of it. (A shell that ended by
        // itself may still be read out after its exit: that output is kept.)
        if (this.ended.has(proc)) return;
        if (this.proc === proc) this.shellSpoke = true;
        this.output.push(d);
      },
      exit: (exitCode) => {
        if (this.proc !== proc) return;
        this.proc = undefined;
        this.output.flushNow();
        if (this.disposed) return;
        for (const p of this.peers) p.shellExited(exitCode);
        this.o.onShellExit?.();
      },
    });
    this.proc = proc;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    const proc = this.proc;
    this.proc = undefined;
    proc?.kill();
    this.output.dispose();
    this.peers.clear();
    for (const w of this.watchers) w.ended();
    this.watchers.clear();
    this.o.onDisposed();
  }
}
