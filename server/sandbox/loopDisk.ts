// A box's /var/lib/docker lives on its own ext4 file in a loop mount, so its disk has a
// hard size limit (a Docker volume has none) and goes away with the box.
import fs from "node:fs";
import path from "node:path";
import { run } from "../host/run.ts";

export interface BoxDisk {
  image: string;
  mountPoint: string;
}

export function diskPaths(boxDir: string): BoxDisk {
  return { image: path.join(boxDir, "disk.ext4"), mountPoint: path.join(boxDir, "docker") };
}

async function isMounted(dir: string): Promise<boolean> {
  try {
    await run("mountpoint", ["-q", dir]);
    return true;
  } catch {
    return false;
  }
}

export async function createDisk(boxDir: string, sizeBytes: number): Promise<BoxDisk> {
  const disk = diskPaths(boxDir);
  fs.mkdirSync(disk.mountPoint, { recursive: true });
  if (await isMounted(disk.mountPoint)) return disk;
  // Sparse: takes space only as the box writes.
  fs.closeSync(fs.openSync(disk.image, "w"));
  fs.truncateSync(disk.image, sizeBytes);
  await run("mkfs.ext4", ["-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1", disk.image]);
  await run("mount", ["-o", "loop", disk.image, disk.mountPoint]);
  return disk;
}

export async function removeDisk(boxDir: string): Promise<void> {
  const disk = diskPaths(boxDir);
  if (await isMounted(disk.mountPoint)) {
    // Lazy: the box's processes may still be exiting; the loop device is freed after them.
    await run("umount", ["-l", disk.mountPoint]).catch(() => undefined);
  }
  fs.rmSync(boxDir, { recursive: true, force: true });
}
