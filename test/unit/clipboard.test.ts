// What an OSC 52 sequence from the box may put on the clipboard (client/clipboard.ts).
import { describe, expect, it } from "vitest";
import { osc52Text } from "../../client/clipboard.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("osc52Text", () => {
  it("decodes a write, whatever the selection letters", () => {
    expect(osc52Text(`c;${b64("hello")}`)).toBe("hello");
    expect(osc52Text(`pc;${b64("你好 ✓")}`)).toBe("你好 ✓");
    expect(osc52Text(`;${b64("empty selection")}`)).toBe("empty selection");
  });

  it("never answers a query, and drops what is not base64 UTF-8", () => {
    expect(osc52Text("c;?")).toBeUndefined();
    expect(osc52Text("no-semicolon")).toBeUndefined();
    expect(osc52Text("c;!!!not base64")).toBeUndefined();
    expect(osc52Text(`c;${Buffer.from([0xff, 0xfe, 0x00]).toString("base64")}`)).toBeUndefined();
  });

  it("drops a payload larger than anyone copies from a terminal", () => {
    expect(osc52Text(`c;${b64("x".repeat(300 * 1024))}`)).toBeUndefined();
    expect(osc52Text(`c;${b64("x".repeat(200 * 1024))}`)).toHaveLength(200 * 1024);
  });
});
