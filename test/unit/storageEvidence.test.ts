import { describe, expect, it } from "vitest";
import { commandWrites } from "../../server/checks/shellWrites.ts";
import { isAnonymousVolume } from "../../server/checks/volumeOutlived.ts";

describe("commandWrites", () => {
  it("sees redirections and file-writing commands", () => {
    expect(commandWrites("sh -c echo remember the milk > /data/todo.txt")).toBe(true);
    expect(commandWrites("sh -c echo more >> /data/todo.txt")).toBe(true);
    expect(commandWrites("touch /site/new.txt")).toBe(true);
    expect(commandWrites("sh -c cat /site/index.html; touch /site/new.txt")).toBe(true);
    expect(commandWrites("sh -c date | tee /data/when")).toBe(true);
    expect(commandWrites("cp /etc/hostname /data/")).toBe(true);
    expect(commandWrites("sh -c 'echo x>/data/f'")).toBe(true);
  });

  it("does not see reading, or output redirected only to another descriptor", () => {
    expect(commandWrites("cat /data/todo.txt")).toBe(false);
    expect(commandWrites("sh -c cat /data/todo.txt 2>&1")).toBe(false);
    expect(commandWrites("ls -l /data")).toBe(false);
    expect(commandWrites("wget -qO- http://api/hostname")).toBe(false);
    expect(commandWrites("sh -c grep milk /data/todo.txt")).toBe(false);
  });
});

describe("isAnonymousVolume", () => {
  it("is true only for Docker's 64-hex-digit names", () => {
    expect(isAnonymousVolume("816849aaeffacd402c76735d6f583e11d41779589bd8c2e7a8990a013df58bab")).toBe(true);
    expect(isAnonymousVolume("notes")).toBe(false);
    expect(isAnonymousVolume("816849aaeffa")).toBe(false);
  });
});
