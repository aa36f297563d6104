// Every set-up step, in order, each idempotent: what `npm start` and `npm test` run first.
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { LabRegistry } from "../registry/labRegistry.ts";
import { ensureBoxImages, type BoxImages } from "./boxImage.ts";
import { ensureDockerEngine, ensureHostPackages } from "./engine.ts";
import { seedLabRegistry } from "./seed.ts";

export interface Provisioned {
  docker: Docker;
  images: BoxImages;
  registry: LabRegistry;
}

/** Installs and builds what is missing, starts the lab registry; the caller disposes the registry. */
export async function provision(config: Config, log: Logger): Promise<Provisioned> {
  fs.mkdirSync(config.stateDir, { recursive: true });
  await ensureHostPackages(log);
  const docker = new Docker();
  await ensureDockerEngine(docker, config.stateDir, log);
  const images = await ensureBoxImages(docker, path.join(config.stateDir, "work"), log);
  const registry = new LabRegistry(path.join(config.stateDir, "registry"), config.registryPort, log);
  await registry.start();
  try {
    await seedLabRegistry(docker, registry, images, log);
  } catch (err) {
    registry.dispose();
    throw err;
  }
  return { docker, images, registry };
}
