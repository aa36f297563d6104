// The host folder through which the server reads a box's own Docker daemon: a tiny tmpfs
// owned by the box's (unprivileged) root, bind-mounted into the box as /shiplab. A tmpfs,
// not a plain folder, so a learner who writes there fills 1 MiB, not the host's disk; and
// nosymfollow, so a learner who swaps docker.sock for a symlink to a host socket (the
// engine's) sends the server, which runs as root, nowhere.
import fs from "node:fs";
import path from "node:path";
import { isMounted, run } from "../host/run.ts";

/** Where, in that folder, the box's shell relay listens (box/shell-relay.c, box-init.sh). */
export const SHELL_RELAY_SOCKET = "shell.sock";
/** Where, in that folder, the server's "under the hood" tap listens for the box's `docker`. */
export const API_TAP_SOCKET = "api.sock";

/** Another socket in the folder that holds the box daemon's socket. */
export function socketBeside(daemonSocket: string, name: string): string {
  return path.join(path.dirname(daemonSocket), name);
}

export function socketDir(boxDir: string): string {
  return path.join(boxDir, "sock");
}

export async function createSocketDir(boxDir: string, owner: { uid: number; gid: number }): Promise<string> {
  const dir = socketDir(boxDir);
  fs.mkdirSync(dir, { recursive: true });
  if (!(await isMounted(dir))) {
    await run("mount", ["-t", "tmpfs", "-o", `size=1m,nr_inodes=64,mode=0750,uid=${owner.uid},gid=${owner.gid},nosymfollow,nosuid,nodev,noexec`, "shiplab-box", dir]);
  }
  return dir;
}

/** Unmounts and deletes a box's folder; safe to call for a folder half made or already gone. */
export async function removeBoxDir(boxDir: string): Promise<void> {
  const dir = socketDir(boxDir);
  if (await isMounted(dir)) {
    // Lazy: the box's daemon may still be exiting.
    await run("umount", ["-l", dir]).catch(() => undefined);
  }
  // A box made before user namespaces (an older Shiplab) had a loop-mounted disk here.
  const legacyDisk = path.join(boxDir, "docker");
  if (await isMounted(legacyDisk)) await run("umount", ["-l", legacyDisk]).catch(() => undefined);
  fs.rmSync(boxDir, { recursive: true, force: true });
}
