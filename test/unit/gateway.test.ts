import { describe, expect, it } from "vitest";
import { originAllowed } from "../../server/terminal/gateway.ts";

describe("originAllowed", () => {
  const host = "lab.example:3000";

  it.each(["http://lab.example:3000", "https://lab.example:3000", "HTTP://LAB.EXAMPLE:3000"])("accepts same-host %s", (origin) => {
    expect(originAllowed(origin, host, [])).toBe(true);
  });

  it.each([
    ["a different port", "http://lab.example:3001"],
    ["no port", "http://lab.example"],
    ["a different host", "http://evil.example:3000"],
    ["a host with our name as prefix", "http://lab.example.evil.example:3000"],
    ["userinfo pointing elsewhere", "http://lab.example:3000@evil.example"],
    ["the opaque origin", "null"],
    ["javascript:", "javascript:alert(1)//lab.example:3000"],
    ["ws:", "ws://lab.example:3000"],
    ["file:", "file://lab.example:3000/"],
    ["not a URL", "lab.example:3000"],
    ["empty", ""],
  ])("refuses %s", (_what, origin) => {
    expect(originAllowed(origin, host, [])).toBe(false);
  });

  it("refuses when the origin or the host is missing", () => {
    expect(originAllowed(undefined, host, [])).toBe(false);
    expect(originAllowed("http://lab.example:3000", undefined, [])).toBe(false);
    expect(originAllowed(undefined, host, ["undefined"])).toBe(false);
  });

  it("accepts an allowed origin by exact match only", () => {
    const allowed = ["https://teacher.example"];
    expect(originAllowed("https://teacher.example", host, allowed)).toBe(true);
    expect(originAllowed("https://teacher.example:443", host, allowed)).toBe(false);
    expect(originAllowed("https://teacher.example.evil", host, allowed)).toBe(false);
    expect(originAllowed("http://teacher.example", host, allowed)).toBe(false);
  });
});
