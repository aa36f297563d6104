import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout's root folder, wherever the server is started from. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BOX_RECIPE_DIR = path.join(REPO_ROOT, "box");
export const LESSONS_DIR = path.join(REPO_ROOT, "lessons");
export const CLIENT_DIST_DIR = path.join(REPO_ROOT, "dist", "client");
