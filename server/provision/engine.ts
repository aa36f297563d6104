// Makes sure a Docker Engine answers on this host: installs Debian's packages when they
// are missing and starts dockerd when none is running. Idempotent; fast when all is there.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
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
  "mkfs.ext4": "e2fsprogs",
};

/** Installs the Debian packages behind any missing command (HOST_COMMANDS plus `extra`). */
export async function ensureHostPackages(log: Logger, extra: Record<string, string> = {}): Promise<void> {
  const missing = new Set<string>();
  for (const [cmd, pkg] of Object.entries({ ...HOST_COMMANDS, ...extra })) {
    if (!(await have(cmd))) missing.add(pkg);
  }
  if (missing.size === 0) return;
  const pkgs = [...missing];
  if (process.getuid?.() !== 0) {
    throw new SetupError(`Shiplab needs the Debian packages ${pkgs.join(", ")}: run \`npm start\` as root once so it can install them, or install them yourself with apt-get.`);
  }
  if (!(await have("apt-get"))) {
    throw new SetupError(`This machine has no apt-get, so Shiplab cannot install ${pkgs.join(", ")}: install Docker Engine and those tools yourself, then run \`npm start\` again.`);
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

export async function dockerAnswers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** Starts dockerd when no Docker Engine answers, and waits until it does. */
export async function ensureDockerEngine(docker: Docker, stateDir: string, log: Logger): Promise<void> {
  if (await dockerAnswers(docker)) return;
  if (process.getuid?.() !== 0) {
    throw new SetupError("No Docker Engine answers on /var/run/docker.sock: start it (for example `sudo systemctl start docker`), or run `npm start` as root so Shiplab can start it.");
  }
  const done = log.step("starting the Docker Engine");
  if (fs.existsSync("/run/systemd/system")) {
    await run("systemctl", ["start", "docker"], { log }).catch(() => undefined);
  }
  if (!(await dockerAnswers(docker))) {
    // No systemd (a container or a minimal VM): run dockerd ourselves, detached, so it
    // outlives this process like a service would.
    fs.mkdirSync(stateDir, { recursive: true });
    const logFile = path.join(stateDir, "dockerd.log");
    const out = fs.openSync(logFile, "a");
    const child = spawn("dockerd", [], { detached: true, stdio: ["ignore", out, out] });
    child.unref();
    fs.closeSync(out);
    log.info(`dockerd started (pid ${child.pid}); its log is ${logFile}`);
  }
  const deadline = Date.now() + 60_000;
  while (!(await dockerAnswers(docker))) {
    if (Date.now() > deadline) {
      throw new SetupError(`The Docker Engine did not answer within 60 s: read ${path.join(stateDir, "dockerd.log")} for why.`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  done();
}
