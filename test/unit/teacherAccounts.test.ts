// Teacher accounts on a real SQLite file: scrypt hashes, the first account, add and reset,
// and rate-limited logins (a fake clock for the limiter).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStateDb } from "../../server/store/stateDb.ts";
import { SqliteTeacherStore } from "../../server/store/teacherStore.ts";
import { LoginLimiter, MAX_FAILURES, WINDOW_MS } from "../../server/teach/loginLimiter.ts";
import { generatePassword, hashPassword, verifyPassword } from "../../server/teach/passwords.ts";
import { FIRST_TEACHER, TeacherAccounts, TeacherError } from "../../server/teach/teacherAccounts.ts";

describe("passwords", () => {
  it("hash with scrypt and a salt of their own, and verify only the right password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("treat a malformed or absurd stored hash as a wrong password", async () => {
    for (const stored of ["", "plain", "scrypt$1$1$1$$", "md5$1$2$3$abc$def", "scrypt$99999999$8$1$c2FsdA$a2V5"]) {
      expect(await verifyPassword("x", stored), stored).toBe(false);
    }
  });

  it("generate passwords a person can type", () => {
    const p = generatePassword();
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{4}(-[a-km-zA-HJ-NP-Z2-9]{4}){3}$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe("LoginLimiter", () => {
  it("refuses a key after too many failures in the window, until the oldest ages out", () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(() => now);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(limiter.retryAfterSeconds(["client:a"])).toBe(0);
      limiter.failed(["client:a"]);
      now += 1000;
    }
    const wait = limiter.retryAfterSeconds(["client:a"]);
    expect(wait).toBe(Math.ceil((WINDOW_MS - MAX_FAILURES * 1000) / 1000));
    expect(limiter.retryAfterSeconds(["client:b"])).toBe(0);
    now += wait * 1000;
    expect(limiter.retryAfterSeconds(["client:a"])).toBe(0);
  });

  it("forgets a key's failures on success", () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < MAX_FAILURES; i++) limiter.failed(["name:t"]);
    limiter.succeeded(["name:t"]);
    expect(limiter.retryAfterSeconds(["name:t"])).toBe(0);
  });
});

describe("TeacherAccounts", () => {
  let dir: string;
  let db: Database.Database;
  let accounts: TeacherAccounts;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-teachers-"));
    db = openStateDb(path.join(dir, "state.sqlite"));
    accounts = new TeacherAccounts(new SqliteTeacherStore(db));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("makes the first teacher from the given password, once", async () => {
    expect(await accounts.ensureFirst("from-env")).toEqual({ name: FIRST_TEACHER, generatedPassword: undefined });
    expect(await accounts.ensureFirst("other")).toBeUndefined();
    expect((await accounts.login(FIRST_TEACHER, "from-env", "c1")).ok).toBe(true);
    expect((await accounts.login(FIRST_TEACHER, "other", "c1")).ok).toBe(false);
  });

  it("generates a one-time password when none is given, and stores only its hash", async () => {
    const first = await accounts.ensureFirst(undefined);
    expect(first?.generatedPassword).toBeTruthy();
    const rows = JSON.stringify(db.prepare("SELECT * FROM teachers").all());
    expect(rows).not.toContain(first!.generatedPassword!);
    expect(await accounts.login(FIRST_TEACHER, first!.generatedPassword!, "c1")).toEqual({ ok: true, name: FIRST_TEACHER });
  });

  it("adds and resets teachers, refusing bad or taken names and unknown teachers", async () => {
    const pw = await accounts.add("ms.li");
    expect((await accounts.login("ms.li", pw, "c1")).ok).toBe(true);
    await expect(accounts.add("ms.li")).rejects.toThrow(TeacherError);
    await expect(accounts.add("no spaces")).rejects.toThrow(/not a teacher name/);
    await expect(accounts.add("=cmd|' /C calc'!A0")).rejects.toThrow(/not a teacher name/);
    await expect(accounts.reset("nobody")).rejects.toThrow(/no teacher named nobody/);
    const newPw = await accounts.reset("ms.li");
    expect((await accounts.login("ms.li", pw, "c1")).ok).toBe(false);
    expect((await accounts.login("ms.li", newPw, "c1")).ok).toBe(true);
  });

  it("limits failed logins per client and per name, unknown names included", async () => {
    await accounts.ensureFirst("right");
    for (let i = 0; i < MAX_FAILURES; i++) expect(await accounts.login(FIRST_TEACHER, `wrong${i}`, "attacker")).toEqual({ ok: false, reason: "wrong" });
    const limited = await accounts.login(FIRST_TEACHER, "right", "attacker");
    expect(limited).toMatchObject({ ok: false, reason: "limited" });
    // The same name from another client is limited too (the name's own count).
    expect(await accounts.login(FIRST_TEACHER, "right", "teacher-laptop")).toMatchObject({ ok: false, reason: "limited" });
    // Guessing names from one client hits the client's limit.
    for (let i = 0; i < MAX_FAILURES; i++) await accounts.login(`ghost${i}`, "x", "scanner");
    expect(await accounts.login("ghost-next", "x", "scanner")).toMatchObject({ ok: false, reason: "limited" });
  });
});
