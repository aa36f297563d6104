import { describe, expect, it } from "vitest";
import type { ShellHandlers, ShellStarter } from "../../server/terminal/shellProcess.ts";
import { MAX_COLS, MAX_ROWS, TerminalSession, validSize, type TerminalPeer } from "../../server/terminal/terminalSession.ts";

describe("TerminalSession, when the shell ends", () => {
  /** Shells that end when told to; each remembers what was typed into it and whether it was killed. */
  function fakeShells() {
    const shells: { handlers: ShellHandlers; typed: string[]; killed: boolean }[] = [];
    const start: ShellStarter = (_size, handlers) => {
      const shell = { handlers, typed: [] as string[], killed: false };
      shells.push(shell);
      return { write: (d) => void shell.typed.push(d), resize: () => undefined, kill: () => void (shell.killed = true) };
    };
    return { shells, start };
  }

  function peer() {
    const heard: string[] = [];
    const p: TerminalPeer = {
      output: () => undefined,
      shellExited: () => void heard.push("exited"),
      shellRestarted: () => void heard.push("restarted"),
    };
    return { p, heard };
  }

  it("tells every page when the next key starts a new shell, once, and not for a page's first shell", () => {
    const { shells, start } = fakeShells();
    const session = new TerminalSession({ startShell: start, graceMs: 60_000, onDisposed: () => undefined });
    const a = peer();
    const b = peer();
    session.attach(a.p);
    session.attach(b.p);
    session.write("ls\r");
    expect(a.heard).toEqual([]);

    shells[0].handlers.exit(0);
    expect(a.heard).toEqual(["exited"]);
    // The key that starts the new shell is not typed into it (a Ctrl-C would interrupt
    // its profile); what comes after is.
    session.write("\x03");
    session.write("echo hi\r");
    expect(shells).toHaveLength(2);
    expect(shells[1].typed).toEqual(["echo hi\r"]);
    expect(a.heard).toEqual(["exited", "restarted"]);
    expect(b.heard).toEqual(["exited", "restarted"]);
    session.dispose();
  });

  it("after exit, a lone key only starts the new shell; text (a Run button, a paste) is typed into it", () => {
    const { shells, start } = fakeShells();
    const session = new TerminalSession({ startShell: start, graceMs: 60_000, onDisposed: () => undefined });
    session.attach(peer().p);
    const typedAfterExit = (data: string) => {
      shells.at(-1)!.handlers.exit(0);
      session.write(data);
      return shells.at(-1)!.typed;
    };
    for (const key of ["\r", "\x03", "\x04", "\x1b", "\x1b[A", "\x1bOP"]) expect(typedAfterExit(key), JSON.stringify(key)).toEqual([]);
    for (const text of ["docker ps\r", "a", "\x1b[200~ls -l\x1b[201~"]) expect(typedAfterExit(text), JSON.stringify(text)).toEqual([text]);
    session.dispose();
  });

  it("restart ends the shell that holds the terminal and opens a new one; the old one's end is not reported", () => {
    const { shells, start } = fakeShells();
    const session = new TerminalSession({ startShell: start, graceMs: 60_000, onDisposed: () => undefined });
    const a = peer();
    session.attach(a.p);
    session.restart();
    expect(shells.map((s) => s.killed)).toEqual([true, false]);
    expect(a.heard).toEqual(["restarted"]);
    shells[0].handlers.exit(130); // the old shell's connection closing late
    expect(a.heard).toEqual(["restarted"]);
    session.dispose();
    session.restart(); // nothing after dispose
    expect(shells).toHaveLength(2);
  });

  it("a signal key (Ctrl-C, Ctrl-Z, Ctrl-\\) reaches a new shell only once it has printed something", () => {
    const { shells, start } = fakeShells();
    const session = new TerminalSession({ startShell: start, graceMs: 60_000, onDisposed: () => undefined });
    session.attach(peer().p);
    session.write("\x03");
    session.write("ls\x1a\x1c\r");
    expect(shells[0].typed).toEqual(["ls\r"]);
    shells[0].handlers.data("learner@shiplab:~# ");
    session.write("\x03");
    expect(shells[0].typed).toEqual(["ls\r", "\x03"]);
    // New shell: it reads its profile again; the old one talking meanwhile does not count.
    session.restart();
    shells[0].handlers.data("^C");
    session.write("\x03");
    expect(shells[1].typed).toEqual([]);
    shells[1].handlers.data("learner@shiplab:~# ");
    session.write("\x03");
    expect(shells[1].typed).toEqual(["\x03"]);
    session.dispose();
  });

  it("the new shell's first line starts on a line of its own, on every page and in the replay; the old shell's last words are dropped", () => {
    const { shells, start } = fakeShells();
    const session = new TerminalSession({ startShell: start, graceMs: 60_000, onDisposed: () => undefined });
    const seen: string[] = [];
    session.attach({ ...peer().p, output: (d) => void seen.push(d) });
    shells[0].handlers.data("learner@shiplab:~# ");
    session.restart();
    shells[0].handlers.data("^C"); // the old one, hung up, still talking
    shells[1].handlers.data("learner@shiplab:~# ");
    const replay = session.attach(peer().p); // sends what the batch window still held
    const screen = seen.join("");
    expect(screen).toMatch(/^learner@shiplab:~# \x1b\[0m.*\r\nlearner@shiplab:~# $/);
    expect(screen).not.toContain("^C");
    expect(replay).toBe(screen);
    session.dispose();
  });

  it("a shell that ended while no page was open starts clean when a page comes back", () => {
    const { shells, start } = fakeShells();
    const session = new TerminalSession({ startShell: start, graceMs: 60_000, onDisposed: () => undefined });
    const a = peer();
    const b = peer();
    session.attach(a.p);
    expect(session.attach(b.p)).toBe(""); // the first shell: nothing added
    shells[0].handlers.data("\x1b[32mlearner@shiplab:~# ");
    session.detach(a.p);
    session.detach(b.p); // the grace period runs
    shells[0].handlers.exit(0);
    const replay = session.attach(peer().p);
    expect(shells).toHaveLength(2);
    expect(replay).toMatch(/^\x1b\[32mlearner@shiplab:~# \x1b\[0m.*\r\n$/);
    session.dispose();
  });
});

describe("validSize", () => {
  it.each([
    [{ cols: 80, rows: 24 }],
    [{ cols: 2, rows: 1 }],
    [{ cols: MAX_COLS, rows: MAX_ROWS }],
  ])("accepts %j", (size) => {
    expect(validSize(size)).toEqual(size);
  });

  it("returns only cols and rows", () => {
    expect(validSize({ cols: 80, rows: 24, extra: "x", __proto__: { evil: 1 } })).toEqual({ cols: 80, rows: 24 });
    expect(Object.keys(validSize({ cols: 80, rows: 24, extra: "x" })!)).toEqual(["cols", "rows"]);
  });

  it.each([
    ["strings", { cols: "80", rows: "24" }],
    ["floats", { cols: 80.5, rows: 24 }],
    ["float rows", { cols: 80, rows: 24.1 }],
    ["negatives", { cols: -80, rows: 24 }],
    ["zero", { cols: 0, rows: 0 }],
    ["zero rows", { cols: 80, rows: 0 }],
    ["one column", { cols: 1, rows: 24 }],
    ["too many cols", { cols: MAX_COLS + 1, rows: 24 }],
    ["too many rows", { cols: 80, rows: MAX_ROWS + 1 }],
    ["NaN", { cols: NaN, rows: 24 }],
    ["Infinity", { cols: Infinity, rows: 24 }],
    ["huge", { cols: 1e12, rows: 1e12 }],
    ["null", null],
    ["undefined", undefined],
    ["a number", 80],
    ["a string", "80x24"],
    ["an array", [80, 24]],
    ["missing rows", { cols: 80 }],
    ["missing cols", { rows: 24 }],
    ["an empty object", {}],
  ])("rejects %s", (_what, size) => {
    expect(validSize(size)).toBeUndefined();
  });
});
