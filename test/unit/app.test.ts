import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqliteProgressStore } from "../../server/store/progressStore.ts";
import http from "node:http";
import type { LessonCatalog } from "../../server/lessons/catalog.ts";
import { COOKIE_NAME, LearnerSessions } from "../../server/web/session.ts";
import { startTestApp, TEST_INDEX_HTML as INDEX_HTML, type TestApp } from "../support/testApp.ts";

describe("createApp", () => {
  let t: TestApp;
  let base: string;
  let dir: string;
  let store: SqliteProgressStore;
  let sessions: LearnerSessions;
  let lessons: LessonCatalog;

  beforeEach(async () => {
    t = await startTestApp();
    ({ base, dir, store, sessions, lessons } = t);
  });

  afterEach(() => t.dispose());

  /** The signed value of the learner cookie a response sets, or undefined. */
  const cookieOf = (res: Response): string | undefined => {
    const set = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`));
    return set?.split(";")[0];
  };
  const learnerOf = (cookie: string) => sessions.fromCookieHeader(cookie);

  it("gives a first visit a signed learner cookie", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = cookieOf(res)!;
    expect(learnerOf(cookie)).toMatch(/^[a-f0-9]{16}$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("keeps a valid cookie and sets no new one", async () => {
    const cookie = cookieOf(await fetch(`${base}/healthz`))!;
    const res = await fetch(`${base}/api/lessons`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("replaces a forged cookie with a new one", async () => {
    const forged = `${COOKIE_NAME}=${new LearnerSessions("not-the-secret").sign("0123456789abcdef")}`;
    const res = await fetch(`${base}/api/lessons`, { headers: { cookie: forged } });
    expect(res.status).toBe(200);
    const cookie = cookieOf(res)!;
    expect(cookie).toBeDefined();
    expect(learnerOf(cookie)).toMatch(/^[a-f0-9]{16}$/);
    expect(learnerOf(cookie)).not.toBe("0123456789abcdef");
  });

  it("treats a cookie with broken percent-encoding as no cookie", async () => {
    const res = await fetch(`${base}/api/lessons`, { headers: { cookie: `${COOKIE_NAME}=%E0%A4%A` } });
    expect(res.status).toBe(200);
    expect(cookieOf(res)).toBeDefined();
  });

  it("lists the lessons", async () => {
    const res = await fetch(`${base}/api/lessons`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { id: string; order: number; title: string }[];
    expect(list).toContainEqual({ id: "images", order: 2, title: lessons.get("images")!.title.en, passed: 0, total: 5 });
  });

  it("counts the learner's passed exercises per lesson", async () => {
    const cookie = cookieOf(await fetch(`${base}/healthz`))!;
    store.record(learnerOf(cookie)!, {
      exerciseId: "images.pull",
      status: "passed",
      message: { en: "Pulled.", "zh-CN": "已拉取。" },
      updatedAt: Date.now(),
    });
    const list = (await (await fetch(`${base}/api/lessons`, { headers: { cookie } })).json()) as { id: string; passed: number }[];
    expect(list.find((l) => l.id === "images")?.passed).toBe(1);
    expect(list.find((l) => l.id === "containers")?.passed).toBe(0);
  });

  it("lists the lessons in Chinese", async () => {
    const list = (await (await fetch(`${base}/api/lessons?lang=zh-CN`)).json()) as { id: string; title: string }[];
    expect(list.find((l) => l.id === "images")?.title).toBe(lessons.get("images")!.title["zh-CN"]);
  });

  it("serves a lesson in Chinese with every exercise pending", async () => {
    const res = await fetch(`${base}/api/lessons/images?lang=zh-CN`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const images = lessons.get("images")!;
    expect(body.id).toBe("images");
    expect(body.lang).toBe("zh-CN");
    expect(body.title).toBe(images.title["zh-CN"]);
    expect(body.title).toMatch(/镜像/);
    expect(body.markdown).toBe(images.body["zh-CN"]);
    expect(body.exercises.map((e: any) => [e.id, e.status, e.message])).toEqual(images.exercises.map((e) => [e.id, "pending", ""]));
    expect(body.exercises[0].title).toBe(images.exercises[0].title["zh-CN"]);
    expect(body.exercises[0].hints).toEqual(images.exercises[0].hints["zh-CN"]);
    // The solution stays on the server: each exercise has exactly these fields
    // (plus its answer form, on exercises answered in the page).
    for (const e of body.exercises) {
      const fields = ["hints", "id", "message", "status", "task", "title", ...(e.answerForm ? ["answerForm"] : [])];
      expect(Object.keys(e).sort()).toEqual(fields.sort());
    }
    expect(body.exercises.find((e: any) => e.id === "images.layers").answerForm).toEqual({ kind: "text" });
    expect(JSON.stringify(body)).not.toContain("solution");
  });

  it("shows the learner's own progress, and only theirs", async () => {
    const cookie = cookieOf(await fetch(`${base}/healthz`))!;
    const learner = learnerOf(cookie)!;
    expect(learner).toBeDefined();
    store.record(learner, {
      exerciseId: "images.build-hello",
      status: "passed",
      message: { en: "Built FROM scratch.", "zh-CN": "已从零构建。" },
      updatedAt: Date.now(),
    });
    const mine = (await (await fetch(`${base}/api/lessons/images`, { headers: { cookie } })).json()) as any;
    const byId = (body: any, id: string) => body.exercises.find((e: any) => e.id === id);
    expect(byId(mine, "images.build-hello")).toMatchObject({ status: "passed", message: "Built FROM scratch." });
    expect(byId(mine, "images.run-hello")).toMatchObject({ status: "pending", message: "" });
    const zh = (await (await fetch(`${base}/api/lessons/images?lang=zh-CN`, { headers: { cookie } })).json()) as any;
    expect(byId(zh, "images.build-hello").message).toBe("已从零构建。");

    const someoneElse = (await (await fetch(`${base}/api/lessons/images`)).json()) as any;
    expect(byId(someoneElse, "images.build-hello").status).toBe("pending");
  });

  it("answers 404 JSON naming an unknown lesson", async () => {
    const res = await fetch(`${base}/api/lessons/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/There is no lesson "nope"/);
    const zh = (await (await fetch(`${base}/api/lessons/nope?lang=zh-CN`)).json()) as { error: string };
    expect(zh.error).toBe("没有名为“nope”的课程。请从课程列表里选一课。");
  });

  it.each(["fr", "EN", "", "zh-CN,en"])("answers 400 JSON for lang=%j", async (lang) => {
    const res = await fetch(`${base}/api/lessons/images?lang=${encodeURIComponent(lang)}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/Unknown language .*use one of en, zh-CN/);
  });

  it("answers 400 for a repeated lang parameter", async () => {
    const res = await fetch(`${base}/api/lessons?lang=en&lang=zh-CN`);
    expect(res.status).toBe(400);
  });

  it("sends / to the first lesson, keeping the query and setting the learner's cookie", async () => {
    const first = lessons.list()[0].id;
    const res = await fetch(`${base}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/lessons/${first}`);
    expect(learnerOf(cookieOf(res)!)).toMatch(/^[a-f0-9]{16}$/);
    const zh = await fetch(`${base}/?lang=zh-CN`, { redirect: "manual" });
    expect(zh.headers.get("location")).toBe(`/lessons/${first}?lang=zh-CN`);
  });

  it.each(["/", "/lessons/images", "/lessons/anything"])("serves the page at %s", async (p) => {
    const res = await fetch(`${base}${p}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(await res.text()).toBe(INDEX_HTML);
  });

  it("serves built assets and 404s missing ones", async () => {
    const ok = await fetch(`${base}/assets/app.js`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("shiplab");
    // The same for everyone, and cacheable: never a learner's cookie on it (asked without one).
    expect(ok.headers.get("set-cookie")).toBeNull();
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    const page = await fetch(`${base}/lessons/images`);
    expect(page.headers.get("set-cookie")).toMatch(/shiplab/i);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    await page.arrayBuffer();
    const missing = await fetch(`${base}/assets/missing.js`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it("does not serve files outside the assets folder", async () => {
    for (const p of ["/assets/../index.html", "/assets/%2e%2e/index.html", "/assets/..%2fprogress.sqlite"]) {
      const res = await rawGet(p);
      expect(res.status, p).not.toBe(200);
      expect(res.body).not.toContain("Shiplab test page");
    }
  });

  it("answers 503 with a sentence when the page has not been built", async () => {
    fs.rmSync(path.join(dir, "client", "index.html"));
    const res = await fetch(`${base}/`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/The page has not been built/);
  });

  it("answers an unknown page with 404 HTML", async () => {
    const res = await fetch(`${base}/nothing`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("There is nothing at /nothing.");
  });

  it("answers an unknown page in the language asked for, or else the one the browser prefers", async () => {
    const zh = await fetch(`${base}/nothing`, { headers: { accept: "text/html", "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" } });
    expect(zh.status).toBe(404);
    const zhText = await zh.text();
    expect(zhText).toContain('lang="zh-CN"');
    expect(zhText).toContain("/nothing 这里什么也没有。");
    expect(zhText).toContain("回到课程");
    const asked = await fetch(`${base}/nothing?lang=en`, { headers: { accept: "text/html", "accept-language": "zh-CN" } });
    expect(await asked.text()).toContain("There is nothing at /nothing.");
    const other = await fetch(`${base}/nothing`, { headers: { accept: "text/html", "accept-language": "fr-FR" } });
    expect(await other.text()).toContain("Back to the lessons");
  });

  it("sends a lesson's address in capitals to the lesson, and leaves an unknown one to the page", async () => {
    const res = await fetch(`${base}/lessons/IMAGES?lang=zh-CN`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/lessons/images?lang=zh-CN");
    const unknown = await fetch(`${base}/lessons/NO-SUCH`, { redirect: "manual" });
    expect(unknown.status).toBe(200); // the page says the lesson does not exist
  });

  it("answers an unknown path with 404 JSON for API clients", async () => {
    const res = await fetch(`${base}/api/nothing`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "There is nothing at /api/nothing." });
  });

  it("escapes the path in the 404 page", async () => {
    const encoded = await fetch(`${base}/%3Cscript%3Ealert(1)%3C/script%3E`, { headers: { accept: "text/html" } });
    expect(encoded.status).toBe(404);
    expect(await encoded.text()).not.toMatch(/<script>/i);

    const raw = await rawGet(`/<script>alert("x")</script>'`, { accept: "text/html" });
    expect(raw.status).toBe(404);
    expect(raw.body).not.toMatch(/<script>/i);
    expect(raw.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;");
  });

  /** A GET with the path sent byte for byte (fetch would normalise or encode it). */
  function rawGet(p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const port = Number(new URL(base).port);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: p, headers, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }
});
