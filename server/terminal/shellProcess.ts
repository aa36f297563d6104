// The port between a learner's terminal and the shell behind it: something that takes
// keystrokes and a size, gives output, and ends. A box's shell runs on a pty made inside
// the box, by the box's relay or by the engine (sandbox/boxShell.ts).
// A host program behind a local pty (ptyShell.ts) is the other kind, for the bench's baseline.

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface ShellHandlers {
  /** Output, decoded (a character split across reads arrives whole). */
  data(text: string): void;
  /** The shell ended by itself (the learner typed exit, or its box went); not after kill(). */
  exit(code: number): void;
}

export interface ShellProcess {
  write(data: string): void;
  resize(size: TerminalSize): void;
  /** Ends the shell. Idempotent; no exit is reported after it. */
  kill(): void;
}

/** Starts a shell of the given size; it may take a moment, and keystrokes meanwhile are kept. */
export type ShellStarter = (size: TerminalSize, handlers: ShellHandlers) => ShellProcess;
