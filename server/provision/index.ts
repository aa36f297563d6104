// Every set-up step, in order, each idempotent: what `npm start` and `npm test` run first.
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { LabRegistry } from "../registry/labRegistry.ts";
import { ensureBoxImages, type BoxImages } from "./boxImage.ts";
import { ensureBoxSharedFiles, type SharedFile } from "./boxSharedFiles.ts";
import { ensureHostPackages } from "./hostPackages.ts";
import { ensureLabEngine, type LabEngine } from "./labEngine.ts";
import { reapLegacyBoxes } from "./legacyBoxes.ts";
import { seedLabRegistry } from "./seed.ts";

export interface Provisioned {
  /** Shiplab's own engine's client: boxes, images and seeds live there. */
  docker: Docker;
  engine: LabEngine;
  images: BoxImages;
  /** The box image's big files, mounted read-only into every box from one host copy. */
  sharedFiles: SharedFile[];
  registry: LabRegistry;
}

/** Installs and builds what is missing, starts the lab registry; the caller disposes the registry. */
export async function provision(config: Config, log: Logger): Promise<Provisioned> {
  fs.mkdirSync(config.stateDir, { recursive: true });
  await ensureHostPackages(log);
  const engine = await ensureLabEngine(config.stateDir, config.engineDiskBytes, config.boxRuntime, log);
  const docker = engine.docker;
  await reapLegacyBoxes(config.instance, config.stateDir, log);
  const images = await ensureBoxImages(engine, path.join(config.stateDir, "work"), log);
  const sharedFiles = await ensureBoxSharedFiles(engine.host, images.box, path.join(config.stateDir, "box-files"), log);
  const registry = new LabRegistry(path.join(config.stateDir, "registry"), config.registryPort, log);
  await registry.start();
  try {
    await seedLabRegistry(engine, registry, images, path.join(config.stateDir, "work"), log);
  } catch (err) {
    registry.dispose();
    throw err;
  }
  return { docker, engine, images, sharedFiles, registry };
}
