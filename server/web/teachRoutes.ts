// The teacher's HTTP side: log in and out, and who is logged in. Every other teacher
// route sits behind requireTeacher: anyone without a teacher session (a learner
// included) gets 403.
import express, { type RequestHandler, type Router } from "express";
import type { TeacherAccounts } from "../teach/teacherAccounts.ts";
import { HttpError } from "./httpError.ts";
import type { TeacherSessions } from "./teacherSessions.ts";

export function requireTeacher(sessions: TeacherSessions): RequestHandler {
  return (req, res, next) => {
    const name = sessions.fromCookieHeader(req.headers.cookie);
    if (!name) return next(new HttpError(403, "This is for teachers: log in at /teach/login."));
    res.locals.teacher = name;
    next();
  };
}

export function teachRoutes(accounts: TeacherAccounts, sessions: TeacherSessions): Router {
  const r = express.Router();
  const json = express.json({ limit: "4kb" });

  r.post("/api/teach/login", json, async (req, res) => {
    const { name, password } = (req.body ?? {}) as { name?: unknown; password?: unknown };
    if (typeof name !== "string" || typeof password !== "string" || name.length > 64 || password.length > 256) {
      throw new HttpError(400, "Send a teacher name and a password.");
    }
    const result = await accounts.login(name, password, req.socket.remoteAddress ?? "unknown");
    if (!result.ok && result.reason === "limited") {
      res.setHeader("Retry-After", String(result.retryAfterSeconds));
      throw new HttpError(429, `Too many failed logins: try again in ${Math.ceil(result.retryAfterSeconds / 60)} min.`);
    }
    if (!result.ok) throw new HttpError(401, "That name and password do not match a teacher.");
    res.append("Set-Cookie", sessions.setCookieHeader(result.name));
    res.json({ name: result.name });
  });

  r.post("/api/teach/logout", (_req, res) => {
    res.append("Set-Cookie", sessions.clearCookieHeader());
    res.json({ ok: true });
  });

  r.get("/api/teach/me", requireTeacher(sessions), (_req, res) => {
    res.json({ name: res.locals.teacher as string });
  });

  return r;
}
