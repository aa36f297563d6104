// Seeds the lab registry offline with the images the lessons pull: busybox, hello-world
// and debian:bookworm-slim, all built from Debian packages already in the box image.
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import type { Logger } from "../log.ts";
import { REPO_ROOT } from "../paths.ts";
import { followProgress } from "../docker/progress.ts";
import type { LabRegistry } from "../registry/labRegistry.ts";
import { hashTree, type BoxImages } from "./boxImage.ts";

interface SeedImage {
  repository: string;
  tags: string[];
  /** Built from seed/<dir> with the box image as build argument, or an existing local image. */
  build: { dir: string } | { from: (images: BoxImages) => string };
}

export const SEED_IMAGES: SeedImage[] = [
  { repository: "library/busybox", tags: ["latest", "1.35"], build: { dir: "busybox" } },
  { repository: "library/hello-world", tags: ["latest"], build: { dir: "hello-world" } },
  { repository: "library/debian", tags: ["bookworm-slim", "12-slim", "bookworm"], build: { from: (i) => i.debian } },
];


async function buildSeed(docker: Docker, dir: string, tag: string, images: BoxImages): Promise<void> {
  const context = path.join(REPO_ROOT, "seed", dir);
  const stream = await docker.buildImage(
    { context, src: fs.readdirSync(context) },
    { t: tag, buildargs: { BOX: images.box }, rm: true, forcerm: true, labels: { "shiplab.seed": "1" } },
  );
  await followProgress(docker, stream);
}

export async function seedLabRegistry(
  docker: Docker,
  registry: LabRegistry,
  images: BoxImages,
  log: Logger,
): Promise<void> {
  const marker = path.join(registry.dirPath, `seeded-${images.recipeHash}-${hashTree(path.join(REPO_ROOT, "seed"))}`);
  if (fs.existsSync(marker) && (await registry.tags("library/busybox")).length > 0) return;
  const done = log.step("seeding the lab registry (busybox, hello-world, debian)");
  for (const seed of SEED_IMAGES) {
    let local: string;
    if ("dir" in seed.build) {
      local = `shiplab/seed-${path.basename(seed.repository)}:${images.recipeHash}`;
      log.info(`  building ${seed.repository}`);
      await buildSeed(docker, seed.build.dir, local, images);
    } else {
      local = seed.build.from(images);
    }
    for (const tag of seed.tags) {
      const target = registry.ref(seed.repository);
      await docker.getImage(local).tag({ repo: target, tag });
      log.info(`  pushing ${seed.repository}:${tag}`);
      await followProgress(docker, await docker.getImage(`${target}:${tag}`).push({ tag, authconfig: {} }));
      await docker.getImage(`${target}:${tag}`).remove({ noprune: true });
    }
  }
  fs.writeFileSync(marker, new Date().toISOString());
  done();
}
