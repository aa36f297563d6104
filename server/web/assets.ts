// The built page's files (/assets): the compressed copy when the browser takes one
// (precompressed.ts), else the file itself, each with how long a browser may keep it.
import path from "node:path";
import express from "express";
import { precompressed } from "./precompressed.ts";

/**
 * esbuild's `[name]-[hash]` (chunk-XXXXXXXX.js, lessonView-XXXXXXXX.js): the name changes
 * whenever the content does, so what a browser holds under it is never stale.
 */
const CONTENT_HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * A year, immutable, for a file named by its content: a learner's next visit does not ask
 * again (with a distant server, one round trip less before the lesson shows). The names the
 * page asks for by name (boot.js, app.js, app.css) are checked each time: a 304 when unchanged.
 */
export function cacheControlFor(file: string): string {
  return CONTENT_HASHED.test(path.basename(file)) ? "public, max-age=31536000, immutable" : "public, max-age=0";
}

export function assetRoutes(dir: string): express.Router {
  const router = express.Router();
  router.use(precompressed(dir, cacheControlFor));
  router.use(
    express.static(dir, {
      fallthrough: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, file) => res.setHeader("Cache-Control", cacheControlFor(file)),
    }),
  );
  return router;
}
