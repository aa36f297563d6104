// Seeds the lab registry offline with the images the lessons pull: busybox, hello-world,
// debian:trixie-slim and gcc:14, all built from Debian packages already in the box image.
import fs from "node:fs";
import path from "node:path";
import { run } from "../host/run.ts";
import type { Logger } from "../log.ts";
import { REPO_ROOT } from "../paths.ts";
import { followProgress } from "../docker/progress.ts";
import type { LabRegistry } from "../registry/labRegistry.ts";
import { hashTree, type BoxImages } from "./boxImage.ts";
import type { LabEngine } from "./labEngine.ts";

interface SeedImage {
  repository: string;
  tags: string[];
  /**
   * Made by seed/<dir>/rootfs.sh in a box-image container, then imported with `cmd`; or an
   * existing local image. Not a Dockerfile: an engine with user namespaces keeps the
   * remapped owner on files that `COPY --from` copies, and no box could then extract them.
   */
  build: { dir: string; cmd: string[] } | { from: (images: BoxImages) => string };
}

export const SEED_IMAGES: SeedImage[] = [
  { repository: "library/busybox", tags: ["latest", "1.37"], build: { dir: "busybox", cmd: ["sh"] } },
  { repository: "library/hello-world", tags: ["latest"], build: { dir: "hello-world", cmd: ["/hello"] } },
  { repository: "library/debian", tags: ["trixie-slim", "13-slim", "trixie"], build: { from: (i) => i.debian } },
  // The build stage of the multistage lesson: the box has no Internet to install gcc from.
  { repository: "library/gcc", tags: ["14", "latest"], build: { from: (i) => i.gcc } },
];

async function buildSeed(engine: LabEngine, build: { dir: string; cmd: string[] }, tag: string, images: BoxImages, workRoot: string): Promise<void> {
  const work = path.join(workRoot, `seed-${build.dir}`);
  const out = path.join(work, "rootfs");
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // Written by the container's root, which is the engine's remapped root on the host.
  fs.chownSync(out, engine.boxRoot.uid, engine.boxRoot.gid);
  try {
    const container = await engine.docker.createContainer({
      Image: images.box,
      Entrypoint: ["/bin/sh"],
      Cmd: ["/seed/rootfs.sh", "/out"],
      Labels: { "shiplab.seed": build.dir },
      HostConfig: {
        NetworkMode: "none",
        Binds: [`${path.join(REPO_ROOT, "seed", build.dir)}:/seed:ro`, `${out}:/out`],
      },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      if (StatusCode !== 0) {
        const logs = (await container.logs({ stdout: true, stderr: true })).toString("utf8");
        throw new Error(`seed/${build.dir}/rootfs.sh failed (exit ${StatusCode}):\n${logs}`);
      }
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
    // Owned by root in the image, whoever wrote it on the host.
    const tar = path.join(work, "rootfs.tar");
    await run("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", out, "-cf", tar, "."]);
    await run("docker", ["--host", engine.host, "import", "-c", `CMD ${JSON.stringify(build.cmd)}`, "-c", "LABEL shiplab.seed=1", tar, tag]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function seedLabRegistry(
  engine: LabEngine,
  registry: LabRegistry,
  images: BoxImages,
  workRoot: string,
  log: Logger,
): Promise<void> {
  const { docker } = engine;
  const marker = path.join(registry.dirPath, `seeded-${images.recipeHash}-${hashTree(path.join(REPO_ROOT, "seed"))}`);
  if (fs.existsSync(marker) && (await registry.tags("library/busybox")).length > 0) return;
  const done = log.step("seeding the lab registry (busybox, hello-world, debian, gcc)");
  for (const seed of SEED_IMAGES) {
    let local: string;
    if ("dir" in seed.build) {
      local = `shiplab/seed-${path.basename(seed.repository)}:${images.recipeHash}`;
      log.info(`  building ${seed.repository}`);
      await buildSeed(engine, seed.build, local, images, workRoot);
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
