// One error type with a status and a sentence for the learner; one final handler that
// answers JSON for the API and escaped HTML for pages.
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../log.ts";

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `There is nothing at ${req.path}.`));
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = err instanceof HttpError ? err.status : typeof err?.status === "number" ? err.status : 500;
    const message =
      err instanceof HttpError
        ? err.message
        : status < 500
          ? "The request could not be read."
          : "Something went wrong on the server; try again, and tell your teacher if it keeps happening.";
    if (status >= 500) log.error(`${req.method} ${req.path}: ${err?.stack ?? err}`);
    if (res.headersSent) return;
    res.status(status);
    if (req.path.startsWith("/api/") || !req.accepts("html")) {
      res.json({ error: message });
    } else {
      res.type("html").send(`<!doctype html><meta charset="utf-8"><title>Shiplab</title><p>${escapeHtml(message)}</p><p><a href="/">Back to the lessons</a></p>`);
    }
  };
}
