import { describe, expect, it } from "vitest";
import { demuxLogs } from "../../server/checks/logs.ts";

/** One frame of Docker's multiplexed log stream: stream, 0, 0, 0, big-endian size, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("demuxLogs", () => {
  it("reads one stdout frame", () => {
    expect(demuxLogs(frame(1, "hello docker\n"))).toBe("hello docker\n");
  });

  it("concatenates stdout and stderr frames in order", () => {
    const buf = Buffer.concat([frame(1, "out 1\n"), frame(2, "err 1\n"), frame(1, "out 2\n")]);
    expect(demuxLogs(buf)).toBe("out 1\nerr 1\nout 2\n");
  });

  it("keeps multi-byte characters split across frames", () => {
    const bytes = Buffer.from("你好", "utf8");
    const h1 = Buffer.alloc(8);
    h1[0] = 1;
    h1.writeUInt32BE(2, 4);
    const h2 = Buffer.alloc(8);
    h2[0] = 1;
    h2.writeUInt32BE(bytes.length - 2, 4);
    expect(demuxLogs(Buffer.concat([h1, bytes.subarray(0, 2), h2, bytes.subarray(2)]))).toBe("你好");
  });

  it("reads a frame whose size needs more than one byte", () => {
    const text = "x".repeat(70_000);
    expect(demuxLogs(frame(2, text))).toBe(text);
  });

  it("handles empty frames and an empty buffer", () => {
    expect(demuxLogs(Buffer.concat([frame(1, ""), frame(2, "a")]))).toBe("a");
    expect(demuxLogs(Buffer.alloc(0))).toBe("");
  });

  it("returns text that is not multiplexed as it is", () => {
    const raw = "hello docker\nthis is a tty log line\n";
    expect(demuxLogs(Buffer.from(raw))).toBe(raw);
  });

  it("returns the whole buffer as text when a later header is not a frame header", () => {
    const buf = Buffer.concat([frame(1, "ok\n"), Buffer.from("plain text after\n")]);
    expect(demuxLogs(buf)).toBe(buf.toString("utf8"));
  });

  it("keeps the available bytes of a truncated last frame", () => {
    const full = frame(1, "abcdef");
    expect(demuxLogs(full.subarray(0, full.length - 2))).toBe("abcd");
  });
});

describe("demuxLogs on short plain text", () => {
  it("returns plain text shorter than a frame header as it is", () => {
    expect(demuxLogs(Buffer.from("hello\n"))).toBe("hello\n");
  });
});
