// The box image's big files (dockerd, containerd, the docker CLI and its plugins, gcc's cc1,
// the C library…), copied once to the host and bind-mounted read-only into every box.
//
// Why: each box's root file system is a btrfs snapshot of the image, and the kernel keeps
// file pages per inode, so every box held its own copy of the same binaries in memory:
// ≈ 90 MiB resident per idle box, for dockerd's and containerd's text alone. Bound from
// one host copy, they are in memory once for all boxes (measured by `npm run bench`).
//
// Why it stays safe: the copies belong to the host's root, whom a box's user namespace does
// not map (they show as nobody), are read-only (0555, mounted read-only) and sit in folders
// no box may write. A learner who unmounts one sees the box's own copy again; one who
// remounts it read-write still may not write a file owned by a user their namespace lacks
// (test/security/escape.test.ts tries).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isRunning } from "../host/processes.ts";
import { run } from "../host/run.ts";
import type { Logger } from "../log.ts";

export interface SharedFile {
  /** The host's copy. */
  source: string;
  /** Where it is mounted in the box. */
  target: string;
}

/** Files at least this big are shared: executables and libraries worth their mount. */
const MIN_SHARED_BYTES = 1024 * 1024;
const MANIFEST = "manifest.json";

/** The folder of one image's shared files, below `root`. */
export const sharedFilesDir = (root: string, image: string): string =>
  path.join(root, crypto.createHash("sha256").update(image).digest("hex").slice(0, 16));

/**
 * The shared files of `image` (a box image ref in the engine at `engineHost`), copied out of
 * it on first use. Copies of other images in `root` are removed.
 */
export async function ensureBoxSharedFiles(engineHost: string, image: string, root: string, log: Logger): Promise<SharedFile[]> {
  const dir = sharedFilesDir(root, image);
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  const manifest = path.join(dir, MANIFEST);
  let files = readManifest(manifest);
  if (!files) {
    const done = log.step(`copying the box's big files out of ${image}, to share them between boxes (once)`);
    files = await copyOut(engineHost, image, dir);
    done();
  }
  for (const entry of fs.readdirSync(root)) {
    const copying = /\.partial-(\d+)$/.exec(entry);
    if (path.join(root, entry) === dir || (copying && isRunning(Number(copying[1])))) continue;
    fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  }
  return files;
}

/** Every shared file copied below `root` (the bench measures how much of them is in memory). */
export function sharedFilesIn(root: string): SharedFile[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((entry) => readManifest(path.join(root, entry, MANIFEST)) ?? []);
}

/** The manifest's files, or undefined when it or any file it names is missing. */
function readManifest(manifest: string): SharedFile[] | undefined {
  try {
    const files = JSON.parse(fs.readFileSync(manifest, "utf8")) as SharedFile[];
    return files.every((f) => fs.existsSync(f.source)) ? files : undefined;
  } catch {
    return undefined;
  }
}

async function copyOut(engineHost: string, image: string, dir: string): Promise<SharedFile[]> {
  const docker = (...args: string[]) => run("docker", ["--host", engineHost, ...args]);
  const listed = await docker(
    "run", "--rm", "--network", "none", "--entrypoint", "/usr/bin/find", image,
    "/usr", "-xdev", "-type", "f", "-size", `+${MIN_SHARED_BYTES / 1024}k`,
  );
  const targets = listed.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("/usr/") && !l.includes(".."));
  const work = `${dir}.partial-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  const container = (await docker("create", "--network", "none", image)).trim();
  try {
    for (const target of targets) {
      const source = path.join(work, target);
      fs.mkdirSync(path.dirname(source), { recursive: true, mode: 0o755 });
      await docker("cp", `${container}:${target}`, source);
      fs.chownSync(source, 0, 0);
      fs.chmodSync(source, fs.statSync(source).mode & 0o111 ? 0o555 : 0o444);
      // Out of the page cache once on disk: what boxes use comes back, the rest (written
      // just now, most of it never read) does not sit in memory.
      await run("dd", [`of=${source}`, "oflag=nocache", "conv=notrunc,fdatasync", "count=0", "status=none"]);
    }
  } finally {
    await docker("rm", "-f", container).catch(() => undefined);
  }
  const files = targets.map((target) => ({ source: path.join(dir, target), target }));
  fs.writeFileSync(path.join(work, MANIFEST), JSON.stringify(files, null, 1));
  // Whole or not at all: boxes of a running server may be bound to the folder already there
  // (its files stay theirs even once unlinked), and another set-up may have finished first.
  const before = readManifest(path.join(dir, MANIFEST));
  if (before) {
    fs.rmSync(work, { recursive: true, force: true });
    return before;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(work, dir);
  return files;
}
