import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root folder, wherever the server is started from: the nearest folder
 * above this module with Shiplab's package.json. Found, not assumed one level up, since
 * this module runs both from server/paths.ts (tsx) and from the bundle in dist/server/.
 */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "shiplab") return dir;
    } catch {
      // no package.json here, or not ours: go up
    }
    if (path.dirname(dir) === dir) throw new Error(`no Shiplab package.json above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
export const BOX_RECIPE_DIR = path.join(REPO_ROOT, "box");
/** Shiplab's own image: its base recipe, Dockerfile and entry point. */
export const DEPLOY_DIR = path.join(REPO_ROOT, "deploy");
export const LESSONS_DIR = path.join(REPO_ROOT, "lessons");
export const CLIENT_DIST_DIR = path.join(REPO_ROOT, "dist", "client");
