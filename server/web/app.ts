// The HTTP side: learner cookie, lesson API, teacher API, the built page, then 404 and errors.
import express from "express";
import fs from "node:fs";
import path from "node:path";
import type { LessonCatalog } from "../lessons/catalog.ts";
import type { Logger } from "../log.ts";
import type { ProgressStore } from "../store/progressStore.ts";
import { errorHandler, HttpError, notFound } from "./httpError.ts";
import { lessonRoutes } from "./lessonRoutes.ts";
import type { TeacherAccounts } from "../teach/teacherAccounts.ts";
import { assetRoutes } from "./assets.ts";
import { classRoutes, type ClassRouteDeps } from "./classRoutes.ts";
import { requireTeacher, teachRoutes } from "./teachRoutes.ts";

/** The class routes' needs (classes, sessions, the teacher's actions on boxes and exercises), and the rest of the page's. */
export interface AppDeps extends ClassRouteDeps {
  lessons: LessonCatalog;
  store: ProgressStore;
  teachers: TeacherAccounts;
  log: Logger;
  clientDir: string;
}

/** "?lang=zh-CN" of "/x?lang=zh-CN", or "": what a redirect carries along. */
const queryOf = (url: string): string => (url.includes("?") ? url.slice(url.indexOf("?")) : "");

export function createApp(d: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  // Before the learner's cookie: the page's files are the same for everyone, and one that a
  // cache may keep for a year must never carry a Set-Cookie.
  app.use("/assets", assetRoutes(path.join(d.clientDir, "assets")));
  app.use((req, res, next) => {
    let learnerId = d.sessions.fromCookieHeader(req.headers.cookie);
    if (!learnerId) {
      learnerId = d.sessions.newLearnerId();
      res.setHeader("Set-Cookie", d.sessions.setCookieHeader(learnerId));
    }
    res.locals.learnerId = learnerId;
    next();
  });
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.use(lessonRoutes(d.lessons, d.store));
  app.use(teachRoutes(d.teachers, d.teacherSessions));
  app.use(classRoutes(d));
  const servePage = (name: "index.html" | "teach.html") => (_req: express.Request, res: express.Response) => {
    const file = path.join(d.clientDir, name);
    if (!fs.existsSync(file)) throw new HttpError(503, "The page has not been built: run `npm start`, which builds it.");
    res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:");
    res.sendFile(file);
  };
  const page = servePage("index.html");
  // "/" is the first lesson, and the server says so with a redirect rather than the page
  // finding out: knowing its lesson from its address, the page opens the terminal's socket
  // at once instead of after the lesson list's round trip (≈50–120 ms on a page still busy
  // building itself, all of it before the first prompt). The query (?lang=…) goes along.
  app.get("/", (req, res) => {
    const first = d.lessons.list()[0];
    if (!first) return page(req, res);
    res.redirect(302, `/lessons/${encodeURIComponent(first.id)}${queryOf(req.originalUrl)}`);
  });
  app.get("/lessons/:id", (req, res) => {
    // Ids are lowercase; an address typed as /lessons/IMAGES means the lesson all the same.
    const id = String(req.params.id);
    const lower = id.toLowerCase();
    if (lower !== id && d.lessons.get(lower)) return res.redirect(301, `/lessons/${encodeURIComponent(lower)}${queryOf(req.originalUrl)}`);
    page(req, res);
  });
  // The learner's page opens its join form on these.
  app.get("/join", page);
  app.get("/join/:code", page);
  app.get("/teach/login", servePage("teach.html"));
  app.get("/teach", requireTeacher(d.teacherSessions), servePage("teach.html"));
  app.use(notFound);
  app.use(errorHandler(d.log));
  return app;
}
