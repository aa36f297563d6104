import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout's root folder, wherever the server is started from. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BOX_RECIPE_DIR = path.join(REPO_ROOT, "box");
/** Shiplab's own image: its base recipe, Dockerfile and entry point. */
export const DEPLOY_DIR = path.join(REPO_ROOT, "deploy");
export const LESSONS_DIR = path.join(REPO_ROOT, "lessons");
export const CLIENT_DIST_DIR = path.join(REPO_ROOT, "dist", "client");
