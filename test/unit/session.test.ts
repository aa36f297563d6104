import { describe, expect, it } from "vitest";
import { COOKIE_NAME, LearnerSessions } from "../../server/web/session.ts";

const sessions = new LearnerSessions("s3cret");
const id = "0123456789abcdef";

describe("LearnerSessions", () => {
  it("makes random 16-hex-digit learner ids", () => {
    const ids = new Set(Array.from({ length: 50 }, () => sessions.newLearnerId()));
    for (const i of ids) expect(i).toMatch(/^[a-f0-9]{16}$/);
    expect(ids.size).toBe(50);
  });

  it("verifies what it signed", () => {
    const signed = sessions.sign(id);
    expect(signed.startsWith(`${id}.`)).toBe(true);
    expect(sessions.verify(signed)).toBe(id);
  });

  it("signs differently with a different secret", () => {
    expect(new LearnerSessions("other").sign(id)).not.toBe(sessions.sign(id));
  });

  describe("refuses", () => {
    const signed = sessions.sign(id);
    const mac = signed.slice(id.length + 1);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);

    it.each([
      ["a tampered mac", `${id}.${flip(mac, 3)}`],
      ["a truncated mac", signed.slice(0, -1)],
      ["a mac with extra text", `${signed}x`],
      ["a tampered id with the old mac", `fedcba9876543210.${mac}`],
      ["no dot", `${id}${mac}`],
      ["only the id", id],
      ["only the id and a dot", `${id}.`],
      ["an empty string", ""],
      ["undefined", undefined],
      ["a value signed with another secret", new LearnerSessions("wrong").sign(id)],
      ["an upper-case id", sessions.sign(id.toUpperCase())],
      ["a non-hex id", sessions.sign("0123456789abcdeg")],
      ["a too-long id", sessions.sign(`${id}00`)],
      ["an id with a path", sessions.sign("../../etc/passwd")],
    ])("%s", (_what, value) => {
      expect(sessions.verify(value)).toBeUndefined();
    });
  });

  describe("fromCookieHeader", () => {
    it("finds the learner among several cookies", () => {
      const header = `theme=dark; ${COOKIE_NAME}=${sessions.sign(id)}; other=1`;
      expect(sessions.fromCookieHeader(header)).toBe(id);
    });

    it("decodes url-encoded values", () => {
      const encoded = encodeURIComponent(sessions.sign(id)).replace(/\./g, "%2E");
      expect(encoded).toContain("%2E");
      expect(sessions.fromCookieHeader(`${COOKIE_NAME}=${encoded}`)).toBe(id);
    });

    it("ignores cookies whose name only contains ours", () => {
      expect(sessions.fromCookieHeader(`x${COOKIE_NAME}=${sessions.sign(id)}`)).toBeUndefined();
    });

    it("returns undefined without the cookie", () => {
      expect(sessions.fromCookieHeader(undefined)).toBeUndefined();
      expect(sessions.fromCookieHeader("")).toBeUndefined();
      expect(sessions.fromCookieHeader("a=1; b=2; novalue")).toBeUndefined();
    });

    it("returns undefined for a forged cookie", () => {
      expect(sessions.fromCookieHeader(`${COOKIE_NAME}=${new LearnerSessions("x").sign(id)}`)).toBeUndefined();
    });

    it("returns undefined (does not throw) for a cookie with broken percent-encoding", () => {
      expect(sessions.fromCookieHeader(`${COOKIE_NAME}=%E0%A4%A`)).toBeUndefined();
    });
  });

  it("sets an HttpOnly, SameSite=Lax cookie that it reads back", () => {
    const header = sessions.setCookieHeader(id);
    const [pair, ...attrs] = header.split(";").map((s) => s.trim());
    expect(pair.startsWith(`${COOKIE_NAME}=`)).toBe(true);
    expect(attrs).toContain("HttpOnly");
    expect(attrs).toContain("SameSite=Lax");
    expect(attrs).toContain("Path=/");
    expect(sessions.fromCookieHeader(pair)).toBe(id);
  });
});
