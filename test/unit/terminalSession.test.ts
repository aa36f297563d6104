import { describe, expect, it } from "vitest";
import { MAX_COLS, MAX_ROWS, validSize } from "../../server/terminal/terminalSession.ts";

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
