// One error type with a status and a sentence for the learner; one final handler that
// answers JSON for the API and escaped HTML for pages.
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { msg, type Localized } from "../checks/types.ts";
import type { Logger } from "../log.ts";
import { isLang, type Lang } from "../protocol.ts";

export class HttpError extends Error {
  /** The sentence in each language, for an HTML page; `message` is the English one. */
  readonly localized: Localized | undefined;
  constructor(readonly status: number, message: string | Localized) {
    super(typeof message === "string" ? message : message.en);
    this.localized = typeof message === "string" ? undefined : message;
  }
}

const NOT_READ = msg("The request could not be read.", "无法读取这个请求。");
const SERVER_FAILED = msg(
  "Something went wrong on the server; try again, and tell your teacher if it keeps happening.",
  "服务器出了问题；请再试一次，如果一直这样，请告诉老师。",
);
const BACK = msg("Back to the lessons", "回到课程");

/**
 * The language of an HTML error page. The learner's choice lives in their browser (the
 * page's ?lang= and local storage), which an address typed by hand does not carry: the
 * query when there is one, else what the browser says it prefers.
 */
export function pageLang(req: Request): Lang {
  const asked = req.query.lang;
  if (isLang(asked)) return asked;
  const preferred = req.acceptsLanguages("en", "zh-CN", "zh");
  return preferred === "zh-CN" || preferred === "zh" ? "zh-CN" : "en";
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, msg(`There is nothing at ${req.path}.`, `${req.path} 这里什么也没有。`)));
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = err instanceof HttpError ? err.status : typeof err?.status === "number" ? err.status : 500;
    const message: Localized =
      err instanceof HttpError
        ? (err.localized ?? msg(err.message, err.message))
        : status < 500
          ? NOT_READ
          : SERVER_FAILED;
    if (status >= 500) log.error(`${req.method} ${req.path}: ${err?.stack ?? err}`);
    if (res.headersSent) return;
    res.status(status);
    if (req.path.startsWith("/api/") || !req.accepts("html")) {
      // The API's callers ask in a language of their own where it matters (lessons: ?lang=).
      res.json({ error: message.en });
    } else {
      const lang = pageLang(req);
      res
        .type("html")
        .send(
          `<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>Shiplab</title><p>${escapeHtml(message[lang])}</p><p><a href="/">${BACK[lang]}</a></p></html>`,
        );
    }
  };
}
