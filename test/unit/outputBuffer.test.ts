import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OutputBuffer } from "../../server/terminal/outputBuffer.ts";

describe("OutputBuffer", () => {
  let flushed: string[];
  const sink = (data: string) => void flushed.push(data);

  beforeEach(() => {
    flushed = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends output that arrives on a quiet line at once: an echo never waits", () => {
    const b = new OutputBuffer(sink, 10, 1000, 1000);
    b.push("a");
    expect(flushed).toEqual(["a"]);
    vi.advanceTimersByTime(10);
    b.push("b");
    expect(flushed).toEqual(["a", "b"]);
  });

  /** What resetForNewShell adds after `chunks`. */
  const reset = (...chunks: string[]) => {
    const b = new OutputBuffer(() => undefined, 10, 1000, 1000);
    for (const c of chunks) b.push(c);
    b.resetForNewShell();
    b.dispose();
    return b.replay().slice(chunks.join("").length);
  };

  it("resetForNewShell breaks the line only when it holds text, and resets colours, cursor and modes either way", () => {
    const newLine = (r: string) => r.endsWith("\r\n");
    // A prompt: text after the last line break.
    expect(newLine(reset("one\r\n", "\x1b[?2004hlearner@shiplab:~# "))).toBe(true);
    // Split over chunks, the line is still the prompt's.
    expect(newLine(reset("learner@shiplab:~# ", "\x1b[?2004h"))).toBe(true);
    // A shell's last words end their line; escape sequences and a bell draw nothing.
    expect(newLine(reset("learner@shiplab:~# exit\r\n", "\x1b[?2004l\rlogout\r\n"))).toBe(false);
    expect(newLine(reset("done\r\n\x1b[?2004l\x1b[0m\x07\x1b]0;title\x07"))).toBe(false);
    // A program that printed half a line (no line break yet).
    expect(newLine(reset("\x1b[31mdownloading 40%"))).toBe(true);
    // Nothing printed yet.
    expect(newLine(reset())).toBe(false);
    for (const r of [reset(), reset("\x1b[31mred")]) {
      expect(r).toContain("\x1b[0m"); // colours
      expect(r).toContain("\x1b[?25h"); // a cursor a program hid
      expect(r).toContain("\x1b[?1000l"); // mouse clicks no longer typed as escape codes
      expect(r).not.toContain("\x1b[?1049l"); // no full-screen program: the screen stays
    }
  });

  it("resetForNewShell leaves a full-screen program's screen, and only then", () => {
    // vim is running (its screen holds text after the last line break): back to the shell's screen.
    const inVim = reset("learner@shiplab:~# vim notes\r\n", "\x1b[?1049h\x1b[22;0;0t\x1b[1;1H~\r\n~   ", "-- INSERT --");
    expect(inVim.startsWith("\x1b[?1049l")).toBe(true);
    expect(inVim.endsWith("\r\n")).toBe(false); // the line it started from was ended by Enter
    // less has quit (switched back) and the prompt is back: only the usual reset.
    expect(reset("\x1b[?1049hpage\x1b[?1049l\r\n", "learner@shiplab:~# ")).not.toContain("\x1b[?1049l");
  });

  it("batches what follows within batchMs, and sends it when the window closes", () => {
    const b = new OutputBuffer(sink, 10, 1000, 1000);
    b.push("a");
    b.push("b");
    vi.advanceTimersByTime(5);
    b.push("c");
    expect(flushed).toEqual(["a"]);
    vi.advanceTimersByTime(4);
    expect(flushed).toEqual(["a"]);
    vi.advanceTimersByTime(1);
    expect(flushed).toEqual(["a", "bc"]);
    vi.advanceTimersByTime(100);
    expect(flushed).toEqual(["a", "bc"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps batching under sustained output: at most one message per window", () => {
    const b = new OutputBuffer(sink, 10, 100_000, 100_000);
    for (let ms = 0; ms < 100; ms++) {
      b.push("x");
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(20);
    expect(flushed.join("")).toBe("x".repeat(100));
    expect(flushed.length).toBeLessThanOrEqual(11);
  });

  it("sends at once when a batch reaches batchMax, and leaves no timer behind once quiet", () => {
    const b = new OutputBuffer(sink, 10, 5, 1000);
    b.push("0");
    b.push("abc");
    expect(flushed).toEqual(["0"]);
    b.push("de");
    expect(flushed).toEqual(["0", "abcde"]);
    vi.advanceTimersByTime(50);
    expect(flushed).toEqual(["0", "abcde"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("flushNow sends what is pending and nothing when empty", () => {
    const b = new OutputBuffer(sink, 10, 1000, 1000);
    b.flushNow();
    expect(flushed).toEqual([]);
    b.push("x");
    b.push("y");
    b.flushNow();
    expect(flushed).toEqual(["x", "y"]);
    vi.advanceTimersByTime(50);
    expect(flushed).toEqual(["x", "y"]);
  });

  it("replays recent output, whole", () => {
    const b = new OutputBuffer(sink, 10, 1000, 1000);
    b.push("hello ");
    b.push("world");
    expect(b.replay()).toBe("hello world");
  });

  it("replays at most `keep` characters and keeps the newest", () => {
    const b = new OutputBuffer(sink, 10, 1000, 10);
    for (const chunk of ["aaaa", "bbbb", "cccc", "dddd"]) b.push(chunk);
    const replay = b.replay();
    expect(replay.length).toBeLessThanOrEqual(10);
    expect(replay.endsWith("dddd")).toBe(true);
    expect(replay).toBe("ccccdddd");
    expect(replay).not.toContain("a");
  });

  it("cuts a single chunk bigger than `keep` to its tail", () => {
    const b = new OutputBuffer(sink, 10, 1000, 10);
    b.push("old");
    b.push("0123456789ABCDEFGHIJ");
    expect(b.replay()).toBe("ABCDEFGHIJ");
    b.push("xy");
    expect(b.replay()).toBe("xy");
  });

  it("still flushes every character even when the replay is cut", () => {
    const b = new OutputBuffer(sink, 10, 1000, 4);
    b.push("0123456789");
    vi.advanceTimersByTime(10);
    expect(flushed).toEqual(["0123456789"]);
    expect(b.replay()).toBe("6789");
  });

  it("dispose drops the pending flush", () => {
    const b = new OutputBuffer(sink, 10, 1000, 1000);
    b.push("sent at once");
    b.push("never sent");
    b.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    b.flushNow();
    expect(flushed).toEqual(["sent at once"]);
  });
});
