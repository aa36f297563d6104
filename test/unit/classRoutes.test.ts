// Classes over HTTP through the real app on a real SQLite file: a teacher's classes, a
// learner joining and recovering, grades out, and a refusal for every permission.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COOKIE_NAME } from "../../server/web/session.ts";
import { TEACHER_COOKIE } from "../../server/web/teacherSessions.ts";
import { startTestApp, type TestApp } from "../support/testApp.ts";

let t: TestApp;
let msLi: string;
let mrWang: string;

const post = (p: string, body: unknown, cookie?: string) =>
  fetch(`${t.base}${p}`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
const get = (p: string, cookie?: string) => fetch(`${t.base}${p}`, { headers: cookie ? { cookie } : {} });
const cookieNamed = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0];

async function teacherCookie(name: string): Promise<string> {
  const password = await t.teachers.add(name);
  return cookieNamed(await post("/api/teach/login", { name, password }), TEACHER_COOKIE)!;
}
async function newLearner(): Promise<string> {
  return cookieNamed(await get("/healthz"), COOKIE_NAME)!;
}
async function newClass(cookie: string, body: Record<string, unknown> = {}): Promise<{ code: string }> {
  const res = await post("/api/teach/classes", { name: "Docker 101", lessons: ["images"], ...body }, cookie);
  expect(res.status).toBe(201);
  return (await res.json()) as { code: string };
}

beforeEach(async () => {
  t = await startTestApp();
  msLi = await teacherCookie("ms.li");
  mrWang = await teacherCookie("mr.wang");
});
afterEach(() => t.dispose());

describe("a teacher's classes", () => {
  it("creates a class with a join path and lists only their own", async () => {
    const res = await post("/api/teach/classes", { name: "Docker 101", lessons: ["images", "registry"], maxLearners: 30 }, msLi);
    expect(res.status).toBe(201);
    const c = (await res.json()) as { code: string; joinPath: string; lessons: string[]; maxLearners: number };
    expect(c.joinPath).toBe(`/join/${c.code}`);
    expect(c).toMatchObject({ lessons: ["images", "registry"], maxLearners: 30 });
    await newClass(mrWang);
    const mine = (await (await get("/api/teach/classes", msLi)).json()) as { code: string; members: number }[];
    expect(mine.map((x) => x.code)).toEqual([c.code]);
    expect(mine[0].members).toBe(0);
  });

  it("says what is wrong with a class, in the page's language", async () => {
    const res = await post("/api/teach/classes?lang=zh-CN", { name: "", lessons: ["images"] }, msLi);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/请为班级起一个/);
  });
});

describe("a learner", () => {
  it("joins with the code, sees their class, and gets the same learner back on another device", async () => {
    const { code } = await newClass(msLi);
    expect(await (await get(`/api/join/${code.toLowerCase()}`)).json()).toEqual({ code, name: "Docker 101", open: true });
    const phone = await newLearner();
    const joined = await post("/api/join", { code, name: "王小明" }, phone);
    expect(joined.status).toBe(201);
    const { recoveryCode, displayName } = (await joined.json()) as { recoveryCode: string; displayName: string };
    expect(displayName).toBe("王小明");
    expect(await (await get("/api/me", phone)).json()).toEqual({ class: { code, name: "Docker 101", lessons: ["images"] }, displayName: "王小明" });

    const laptop = await newLearner();
    const recovered = await post("/api/recover", { code: recoveryCode }, laptop);
    expect(recovered.status).toBe(200);
    const sameLearner = cookieNamed(recovered, COOKIE_NAME)!;
    expect(t.sessions.fromCookieHeader(sameLearner)).toBe(t.sessions.fromCookieHeader(phone));
    expect(((await (await get("/api/me", sameLearner)).json()) as { displayName: string }).displayName).toBe("王小明");
  });

  it("is told why a join fails: unknown code, taken name, full, ended", async () => {
    const { code } = await newClass(msLi, { maxLearners: 2 });
    expect((await get("/api/join/ZZZZZZ")).status).toBe(404);
    await post("/api/join", { code, name: "Ada" }, await newLearner());
    const taken = await post("/api/join?lang=zh-CN", { code, name: "ada" }, await newLearner());
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: string }).error).toMatch(/班里已经有人叫 ada/);
    await post("/api/join", { code, name: "Grace" }, await newLearner());
    expect(((await (await post("/api/join", { code, name: "Linus" }, await newLearner())).json()) as { error: string }).error).toMatch(/full/);
    const other = await newClass(msLi);
    expect((await post(`/api/teach/classes/${other.code}/end`, {}, msLi)).status).toBe(200);
    expect(t.ended).toEqual([other.code]);
    expect((await post("/api/join", { code: other.code, name: "Late" }, await newLearner())).status).toBe(410);
    expect((await post("/api/recover", { code: "NOPE-NOPE-NOPE" }, await newLearner())).status).toBe(404);
  });
});

describe("grades", () => {
  it("shows the grid and exports it as CSV and JSON", async () => {
    const { code } = await newClass(msLi);
    const learner = await newLearner();
    await post("/api/join", { code, name: `=cmd|' /C calc'!A0, "x"` }, learner);
    t.store.record(t.sessions.fromCookieHeader(learner)!, { exerciseId: "images.pull", status: "passed", message: { en: "", "zh-CN": "" }, updatedAt: Date.now() });
    const grid = (await (await get(`/api/teach/classes/${code}?lang=zh-CN`, msLi)).json()) as {
      exercises: { id: string; title: string }[];
      learners: { displayName: string; passed: number }[];
    };
    expect(grid.exercises[0]).toMatchObject({ id: "images.pull", title: "拉取 busybox" });
    expect(grid.learners).toMatchObject([{ displayName: `=cmd|' /C calc'!A0, "x"`, passed: 1 }]);

    const csv = await get(`/api/teach/classes/${code}/export?format=csv`, msLi);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="shiplab-${code}-grades.csv"`);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split("\r\n")[1]).toMatch(/^"'=cmd\|' \/C calc'!A0, ""x""",/);
    const json = (await (await get(`/api/teach/classes/${code}/export?format=json`, msLi)).json()) as { learners: { passed: number }[] };
    expect(json.learners[0].passed).toBe(1);
    expect((await get(`/api/teach/classes/${code}/export?format=xlsx`, msLi)).status).toBe(400);
  });
});

describe("permissions", () => {
  it("refuses a learner every teacher route with 403", async () => {
    const { code } = await newClass(msLi);
    const learner = await newLearner();
    for (const [method, p] of [
      ["GET", "/api/teach/me"],
      ["GET", "/api/teach/classes"],
      ["POST", "/api/teach/classes"],
      ["GET", `/api/teach/classes/${code}`],
      ["POST", `/api/teach/classes/${code}/end`],
      ["GET", `/api/teach/classes/${code}/export`],
    ]) {
      const res = method === "GET" ? await get(p, learner) : await post(p, { name: "x", lessons: ["images"] }, learner);
      expect(res.status, `${method} ${p}`).toBe(403);
    }
  });

  it("refuses a teacher another teacher's class with 403, and an unknown one with 404", async () => {
    const { code } = await newClass(msLi);
    expect((await get(`/api/teach/classes/${code}`, mrWang)).status).toBe(403);
    expect((await get(`/api/teach/classes/${code}/export`, mrWang)).status).toBe(403);
    expect((await post(`/api/teach/classes/${code}/end`, {}, mrWang)).status).toBe(403);
    expect(t.ended).toEqual([]);
    expect((await get("/api/teach/classes/ZZZZZZ", msLi)).status).toBe(404);
  });
});

describe("preparing boxes before a lesson", () => {
  it("asks the sandbox for the teacher's count, and refuses a bad count, another's class and an ended one", async () => {
    const { code } = await newClass(msLi);
    const ok = await post(`/api/teach/classes/${code}/prepare-boxes`, { count: 25 }, msLi);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ preparing: 25 });
    expect((await (await post(`/api/teach/classes/${code}/prepare-boxes`, { count: 150 }, msLi)).json())).toEqual({ preparing: 60 });
    expect(t.prepared).toEqual([25, 150]);

    for (const count of [0, -1, 2.5, "30", 201, null]) {
      expect((await post(`/api/teach/classes/${code}/prepare-boxes`, { count }, msLi)).status, String(count)).toBe(400);
    }
    expect((await post(`/api/teach/classes/${code}/prepare-boxes`, { count: 5 }, mrWang)).status).toBe(403);
    expect((await post(`/api/teach/classes/${code}/prepare-boxes`, { count: 5 })).status).toBe(403);
    await post(`/api/teach/classes/${code}/end`, {}, msLi);
    expect((await post(`/api/teach/classes/${code}/prepare-boxes`, { count: 5 }, msLi)).status).toBe(409);
    expect(t.prepared).toEqual([25, 150]);
  });
});

