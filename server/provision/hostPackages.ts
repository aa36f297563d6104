// Installs the Debian packages behind any host command Shiplab needs (Docker Engine's
// binaries among them). Idempotent; fast when all is there.
import { have, run } from "../host/run.ts";
import type { Logger } from "../log.ts";
import { SetupError } from "./setupError.ts";

/** Host commands Shiplab needs, and the Debian package that brings each. */
const HOST_COMMANDS: Record<string, string> = {
  dockerd: "docker.io",
  docker: "docker.io",
  "docker-registry": "docker-registry",
  debootstrap: "debootstrap",
  iptables: "iptables",
  // Each box's link to the box bridge (boxNetwork.ts, attachBox).
  ip: "iproute2",
  nsenter: "util-linux",
  // The data root of Shiplab's engine: btrfs, for a disk quota on every box.
  "mkfs.btrfs": "btrfs-progs",
};

/** Installs the Debian packages behind any missing command (HOST_COMMANDS plus `extra`). */
export async function ensureHostPackages(log: Logger, extra: Record<string, string> = {}): Promise<void> {
  await ensureCommands({ ...HOST_COMMANDS, ...extra }, log);
}

/** Installs the Debian package behind each missing command of `commands` (command → package). */
export async function ensureCommands(commands: Record<string, string>, log: Logger): Promise<void> {
  const missing = new Set<string>();
  for (const [cmd, pkg] of Object.entries(commands)) {
    if (!(await have(cmd))) missing.add(pkg);
  }
  if (missing.size === 0) return;
  const pkgs = [...missing];
  if (process.getuid?.() !== 0) {
    throw new SetupError(`Shiplab needs the Debian packages ${pkgs.join(", ")}: run Shiplab (\`npm start\`, \`npm run image\`) as root once so it can install them, or install them yourself with apt-get.`);
  }
  if (!(await have("apt-get"))) {
    throw new SetupError(`This machine has no apt-get, so Shiplab cannot install ${pkgs.join(", ")}: install Docker Engine and those tools yourself, then run Shiplab again.`);
  }
  const done = log.step(`installing Debian packages: ${pkgs.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-q"], { log, env, progress: /^(Get|Hit):\d+ /, });
  await run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...pkgs], {
    log,
    env,
    progress: /^(Unpacking|Setting up) /,
  });
  done();
}
