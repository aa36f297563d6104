// The teacher's HTTP side, through the real app on a real SQLite file: logging in, the
// session cookie, and refusals (a learner, a forged or stale cookie, too many failures).
import { afterEach, beforeEach, expect, it } from "vitest";
import { MAX_FAILURES } from "../../server/teach/loginLimiter.ts";
import { TEACHER_COOKIE, TeacherSessions } from "../../server/web/teacherSessions.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.teachers.ensureFirst("first-password");
});
afterEach(() => t.dispose());

const login = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.base}/api/teach/login`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const teacherCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith(`${TEACHER_COOKIE}=`));
const me = (cookie?: string) => fetch(`${t.base}/api/teach/me`, { headers: cookie ? { cookie } : {} });

it("logs a teacher in with an HttpOnly, SameSite=Strict session cookie, and out again", async () => {
  const res = await login({ name: "teacher", password: "first-password" });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ name: "teacher" });
  const set = teacherCookie(res)!;
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Strict/);
  const cookie = set.split(";")[0];
  expect(await (await me(cookie)).json()).toEqual({ name: "teacher" });

  const out = await fetch(`${t.base}/api/teach/logout`, { method: "POST", headers: { cookie } });
  expect(teacherCookie(out)).toMatch(/Max-Age=0/);
});

it("refuses a learner, no cookie, a forged cookie and a cookie from before a password reset with 403", async () => {
  const learner = (await fetch(`${t.base}/healthz`)).headers.getSetCookie()[0].split(";")[0];
  expect((await me(learner)).status).toBe(403);
  expect((await me()).status).toBe(403);
  const forged = new TeacherSessions("another-secret", { find: () => ({ name: "teacher", passwordHash: "", createdAt: 0, passwordSetAt: 0 }) });
  expect((await me(forged.setCookieHeader("teacher").split(";")[0])).status).toBe(403);
  expect((await me(`${TEACHER_COOKIE}=dGVhY2hlcg.1.${"A".repeat(43)}`)).status).toBe(403);

  const cookie = teacherCookie(await login({ name: "teacher", password: "first-password" }))!.split(";")[0];
  expect((await me(cookie)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 5)); // the reset comes strictly after the session began
  await t.teachers.reset("teacher");
  expect((await me(cookie)).status).toBe(403);
});

it("answers a wrong password 401, a malformed request 400, and too many failures 429 with Retry-After", async () => {
  expect((await login({ name: "teacher", password: "nope" })).status).toBe(401);
  expect((await login({ name: "teacher" })).status).toBe(400);
  expect((await login({ name: ["teacher"], password: "x" })).status).toBe(400);
  const broken = await fetch(`${t.base}/api/teach/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
  expect(broken.status).toBe(400);
  for (let i = 1; i < MAX_FAILURES; i++) expect((await login({ name: "teacher", password: `nope${i}` })).status).toBe(401);
  const limited = await login({ name: "teacher", password: "first-password" });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(((await limited.json()) as { error: string }).error).toMatch(/Too many failed logins/);
});
