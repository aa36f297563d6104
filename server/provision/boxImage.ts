// Builds the box image offline (debootstrap + Debian packages), once per recipe: the
// image tag is the hash of the recipe files, so editing the recipe rebuilds it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import type { LabEngine } from "./labEngine.ts";
import { run } from "../host/run.ts";
import type { Logger } from "../log.ts";
import { BOX_RECIPE_DIR } from "../paths.ts";
import { hostDebianMirror } from "./aptMirror.ts";

export const BOX_REPOSITORY = "shiplab/box";
/** A bare Debian made by the same debootstrap: the lab registry's debian:trixie-slim. */
export const DEBIAN_SEED_REPOSITORY = "shiplab/seed-debian";
/** That Debian with gcc and the C library's headers: the lab registry's gcc:14. */
export const GCC_SEED_REPOSITORY = "shiplab/seed-gcc";

export interface BoxImages {
  box: string;
  debian: string;
  gcc: string;
  recipeHash: string;
}

/**
 * Names in code-unit order, not localeCompare's: localeCompare loads ICU's collator, which
 * pages 2.6 MiB of the node binary into the server for as long as it runs (issue 10: the
 * server's RSS). Every name in box/, seed/ and deploy/base/ sorts the same either way, so
 * no hash (and no image built from one) changed.
 */
const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A short hash of every file below `dir` (names and contents). */
export function hashTree(dir: string): string {
  const h = crypto.createHash("sha256");
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort(byName)) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else h.update(child).update("\0").update(fs.readFileSync(path.join(dir, child))).update("\0");
    }
  };
  walk("");
  return h.digest("hex").slice(0, 12);
}

export const boxRecipeHash = (): string => hashTree(BOX_RECIPE_DIR);

async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

export async function ensureBoxImages(engine: LabEngine, workRoot: string, log: Logger): Promise<BoxImages> {
  const { docker } = engine;
  const recipeHash = boxRecipeHash();
  const images = {
    box: `${BOX_REPOSITORY}:${recipeHash}`,
    debian: `${DEBIAN_SEED_REPOSITORY}:${recipeHash}`,
    gcc: `${GCC_SEED_REPOSITORY}:${recipeHash}`,
    recipeHash,
  };
  const built = await Promise.all([images.box, images.debian, images.gcc].map((ref) => imageExists(docker, ref)));
  if (built.every(Boolean)) return images;

  const mirror = hostDebianMirror();
  const work = path.join(workRoot, `box-build-${recipeHash}`);
  fs.mkdirSync(work, { recursive: true });
  const done = log.step(`building the box image ${images.box} from Debian packages (about 2 minutes, once)`);
  try {
    await run("sh", [path.join(BOX_RECIPE_DIR, "build-rootfs.sh"), work, mirror], { log, progress: /^::step::/ });
    await run("docker", [
      "--host", engine.host,
      "import",
      "-c", 'ENTRYPOINT ["/usr/local/sbin/shiplab-box-init"]',
      "-c", "WORKDIR /root",
      "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "-c", `LABEL shiplab.recipe=${recipeHash}`,
      path.join(work, "box.tar"),
      images.box,
    ]);
    await run("docker", ["--host", engine.host, "import", "-c", 'CMD ["bash"]', path.join(work, "debian-slim.tar"), images.debian]);
    await run("docker", ["--host", engine.host, "import", "-c", 'CMD ["bash"]', path.join(work, "gcc.tar"), images.gcc]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  done();
  return images;
}
