#!/usr/bin/env node
// Bootstrap in plain JavaScript (it runs before any dependency is installed): installs
// npm dependencies when they are missing or stale, builds the page when its sources
// changed, then hands over to the TypeScript entry points.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serverEnv } from "./serverEnv.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Progress goes to stderr: `grade --format json` must print nothing else on stdout.
const say = (msg) => process.stderr.write(`shiplab: ${msg}\n`);

function fail(msg) {
  process.stderr.write(`shiplab: ${msg}\n`);
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

const major = Number(process.versions.node.split(".")[0]);
if (major < 20) fail(`Shiplab needs Node.js 20 or newer; this is ${process.version}.`);

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Installs dependencies when node_modules is missing or was installed from another lock
 * file. By the lock file's content, not its age: a fresh checkout (a git worktree, a CI
 * clone) gives package-lock.json a new time, and a needless `npm ci` would wipe a working
 * node_modules (one shared through a link, too).
 */
function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".shiplab-lock-sha256");
  const lock = fs.readFileSync(path.join(root, "package-lock.json"));
  const want = crypto.createHash("sha256").update(lock).digest("hex");
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === want) return;
  // Installed by an older Shiplab (before this marker) from this very lock file: mark it.
  const npmsOwn = path.join(root, "node_modules", ".package-lock.json");
  if (fs.existsSync(npmsOwn) && sameLockedPackages(npmsOwn, lock)) {
    fs.writeFileSync(marker, `${want}\n`);
    return;
  }
  say("installing npm dependencies (once; about a minute) …");
  if (run("npm", ["ci", "--no-audit", "--no-fund"]) !== 0) fail("`npm ci` failed: read the lines above.");
  fs.writeFileSync(marker, `${want}\n`);
}

/** Whether npm's record of node_modules lists the lock file's packages at their versions. */
function sameLockedPackages(npmsOwnFile, lockText) {
  try {
    const installed = JSON.parse(fs.readFileSync(npmsOwnFile, "utf8")).packages ?? {};
    const locked = JSON.parse(lockText).packages ?? {};
    return Object.entries(locked).every(([name, p]) => name === "" || p.optional || installed[name]?.version === p.version);
  } catch {
    return false;
  }
}

function ensureClient() {
  const bundle = path.join(root, "dist", "client", "assets", "app.js");
  const sources = Math.max(newestMtime(path.join(root, "client")), fs.statSync(path.join(root, "package-lock.json")).mtimeMs);
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= sources) return;
  say("building the page …");
  if (run(process.execPath, ["--import", "tsx", "scripts/build-client.ts"]) !== 0) fail("building the page failed: read the lines above.");
}

/**
 * The server compiled to plain JavaScript (scripts/build-server.ts): `npm start` runs it
 * with node alone, not TypeScript through tsx, which cost ≈40 MiB of RSS. Rebuilt when a
 * server source is newer than the bundle.
 */
function ensureServer() {
  const bundle = path.join(root, "dist", "server", "cli.mjs");
  const sources = Math.max(newestMtime(path.join(root, "server")), fs.statSync(path.join(root, "package-lock.json")).mtimeMs);
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= sources) return bundle;
  say("compiling the server …");
  if (run(process.execPath, ["--import", "tsx", "scripts/build-server.ts"]) !== 0) fail("compiling the server failed: read the lines above.");
  return bundle;
}

const [command = "help", ...rest] = process.argv.slice(2);
ensureDependencies();
// `image` copies the built page into Shiplab's image.
if (command === "start" || command === "test" || command === "bench" || command === "image") ensureClient();
// `image` copies the compiled server into Shiplab's image too.
const serverBundle = command === "test" || command === "bench" || command === "soak" ? undefined : ensureServer();

/**
 * Runs the long-lived command as a child that gets our signals: a SIGTERM to `npm start`
 * (a supervisor stopping it) must reach the server, or it would be left running.
 */
function handOver(args, env = process.env) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

switch (command) {
  case "test": {
    // vitest's own summary is not a line CI reads; print the plain one from its JSON report.
    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-test-")), "vitest.json");
    const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
    const status = run(process.execPath, [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...rest]);
    if (fs.existsSync(report)) {
      const r = JSON.parse(fs.readFileSync(report, "utf8"));
      const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`);
    }
    process.exit(status);
  }
  case "bench":
    handOver(["--import", "tsx", "test/bench/bench.ts", ...rest]);
    break;
  case "soak":
    handOver(["--import", "tsx", "test/soak/main.ts", ...rest]);
    break;
  default:
    handOver([serverBundle, command, ...rest], serverEnv());
}
