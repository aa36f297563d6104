// Builds Shiplab's own image, the one docker-compose.yml runs, offline and into the Docker
// Engine the `docker` CLI points at (DOCKER_HOST, else /var/run/docker.sock): first a base
// of Debian packages made by debootstrap, once per recipe (deploy/base: its hash is the
// tag), then the app on top of it (deploy/Dockerfile). No registry is needed.
import fs from "node:fs";
import path from "node:path";
import { run } from "../host/run.ts";
import type { Logger } from "../log.ts";
import { DEPLOY_DIR, REPO_ROOT } from "../paths.ts";
import { hostDebianMirror } from "./aptMirror.ts";
import { hashTree } from "./boxImage.ts";
import { ensureCommands } from "./hostPackages.ts";
import { SetupError } from "./setupError.ts";

export const SERVER_IMAGE = "shiplab/server:latest";
export const SERVER_BASE_REPOSITORY = "shiplab/server-base";
const BASE_RECIPE_DIR = path.join(DEPLOY_DIR, "base");

export interface ServerImageOptions {
  /** Where the base is debootstrapped when it is not kept (made and removed in a folder of its own). */
  workRoot: string;
  /**
   * Keeps the debootstrapped base here as a tar, by recipe hash, so that an engine that
   * lacks the base (a fresh one) imports it rather than running debootstrap again.
   */
  baseCache?: string;
  log: Logger;
}

/** The tag of the base: a hash of its recipe, so editing the recipe makes a new base. */
export const serverBaseImage = (): string => `${SERVER_BASE_REPOSITORY}:${hashTree(BASE_RECIPE_DIR)}`;

async function imageExists(ref: string): Promise<boolean> {
  try {
    await run("docker", ["image", "inspect", "--format", "{{.Id}}", ref]);
    return true;
  } catch {
    return false;
  }
}

/** Debootstraps the base into `tar` (skipped when a cached tar is there). */
async function buildBaseTar(tar: string, log: Logger): Promise<void> {
  if (fs.existsSync(tar)) return;
  if (process.getuid?.() !== 0) {
    throw new SetupError("Building Shiplab's image runs debootstrap, which needs root: run `npm run image` as root.");
  }
  await ensureCommands({ debootstrap: "debootstrap" }, log);
  // Beside the tar, so that the finished tar is moved in one rename: a build cut short
  // leaves no tar that looks whole.
  const work = `${tar}.build`;
  fs.mkdirSync(work, { recursive: true });
  const done = log.step("building the base of Shiplab's image from Debian packages (debootstrap trixie, once per recipe)");
  try {
    await run("sh", [path.join(BASE_RECIPE_DIR, "build-rootfs.sh"), work, hostDebianMirror()], { log, progress: /^::step::/ });
    fs.renameSync(path.join(work, "server-base.tar"), tar);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  done();
}

/** Imports the base into the engine unless it is there already; returns its tag. */
async function ensureBase(opts: ServerImageOptions): Promise<string> {
  const base = serverBaseImage();
  if (await imageExists(base)) return base;
  const hash = base.split(":")[1];
  const cached = opts.baseCache ? path.join(opts.baseCache, `server-base-${hash}.tar`) : undefined;
  const tar = cached ?? path.join(opts.workRoot, `server-base-${hash}.tar`);
  try {
    fs.mkdirSync(path.dirname(tar), { recursive: true });
    await buildBaseTar(tar, opts.log);
    const done = opts.log.step(`importing ${base}`);
    await run("docker", [
      "import",
      "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "-c", `LABEL shiplab.recipe=${hash}`,
      tar,
      base,
    ]);
    done();
  } finally {
    if (!cached) fs.rmSync(tar, { force: true });
  }
  if (opts.baseCache) {
    // Bases of older recipes are of no more use.
    for (const f of fs.readdirSync(opts.baseCache)) {
      if (/^server-base-[0-9a-f]+\.tar(\.build)?$/.test(f) && f !== path.basename(tar)) fs.rmSync(path.join(opts.baseCache, f), { recursive: true, force: true });
    }
  }
  return base;
}

/** Builds SERVER_IMAGE from this checkout (its node_modules and built page included). */
export async function buildServerImage(opts: ServerImageOptions): Promise<{ base: string; image: string }> {
  try {
    await run("docker", ["version", "--format", "{{.Server.Version}}"]);
  } catch (err) {
    const why = (err as Error).message.trim().split("\n").pop();
    throw new SetupError(`Building Shiplab's image needs a Docker Engine, and none answers (${why}): start one, or point DOCKER_HOST at it.`);
  }
  const base = await ensureBase(opts);
  const done = opts.log.step(`building ${SERVER_IMAGE} on ${base}`);
  // The classic builder: it uses the engine's own images for FROM, and needs no buildx
  // plugin (BuildKit with another driver would look for the base in a registry).
  const env = { ...process.env, DOCKER_BUILDKIT: "0" };
  await run(
    "docker",
    ["build", "--file", path.join(DEPLOY_DIR, "Dockerfile"), "--build-arg", `BASE=${base}`, "--label", `shiplab.base=${base}`, "--tag", SERVER_IMAGE, REPO_ROOT],
    { log: opts.log, env, progress: /^Step \d+\/\d+ : / },
  );
  done();
  return { base, image: SERVER_IMAGE };
}
