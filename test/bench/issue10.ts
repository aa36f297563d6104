// Issue 10's figures (`npm run bench -- --only issue10 [--rounds N]`): echo latency alone and
// beside 30 printing neighbours, a class of 30 arriving (warm pool at its default, boxes
// prepared by the teacher, a cold box), host memory per idle learner and the capacity of
// 24 GiB, grading under load, `shiplab export` of a 100-learner class, and the page's weight
// and time to first prompt in chromium.
//
// Why the figures are honest:
// - Each is printed beside a BASELINE measured in the same run: the same app, page, socket.io
//   server and TerminalGateway serving a local bash in a pty instead of a box
//   (baselineServer.ts). The ratio is the cost of boxes; on this shared 2-core machine it
//   matters more than the absolute figure.
// - Both servers are separate processes, compiled the same way with esbuild (no tsx), and
//   each phase of each round starts a FRESH server process; rounds are interleaved
//   (Shiplab, baseline, Shiplab, baseline …), so load from other work on the machine falls
//   on both alike.
// - Learners are socket.io clients (browsers would dominate two cores), except for the page
//   figures, which use chromium.
// - Echo is measured at a typist's pace (keys 60 ms apart): keys sent back to back measure
//   the output buffer's 8 ms batching window instead, and are shown apart as such.
// - Raw samples go to bench-results/issue10-<time>.json (git-ignored) beside the table;
//   each server's log to /tmp/shiplab-bench-<instance>.log.
// Where there is no baseline (grading and export need a daemon / a state database, which a
// local shell does not have), the "baseline" column says what stands in for it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import * as esbuild from "esbuild";
import type { Browser } from "playwright-core";
import type { ExerciseUpdate } from "../../server/protocol.ts";
import { REPO_ROOT } from "../../server/paths.ts";
import { buildServer, serverBuildOptions } from "../../scripts/build-server.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage, PROMPT } from "../support/labPage.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { engineDocker, removeStateDb, removeTestDisks, removeTestObjects } from "../support/testHost.ts";
import { removeStaleFirewallRules } from "../../server/sandbox/boxNetwork.ts";
import { removeBoxDir } from "../../server/sandbox/boxSocketDir.ts";
import { daemonAnswers } from "../../server/sandbox/dockerSandbox.ts";
import { sharedFilesIn } from "../../server/provision/boxSharedFiles.ts";
import { run } from "../../server/host/run.ts";
import { serverEnv } from "../../bin/serverEnv.mjs";

type Kind = "shiplab" | "baseline";
const KINDS: Kind[] = ["shiplab", "baseline"];
const STATE_DIR = process.env.SHIPLAB_STATE_DIR ?? "/var/lib/shiplab-bench";
const TEACHER_PASSWORD = `bench-${process.pid}-teacher-password`;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const BASELINE_BUNDLE = path.join(REPO_ROOT, "dist", "bench", "baseline.mjs");

export interface Issue10Options {
  rounds: number;
  /** Echo pairs (a letter and its backspace) per measurement. */
  echoes: number;
  classSize: number;
  /** Idle learners opened at once in the first round, for the measured capacity. */
  capacity: number;
  /** Page loads in chromium counted per round and kind (after one not counted). */
  pageLoads: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * p) - 1)] : NaN);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const say = (msg: string) => process.stderr.write(`issue10: ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Host memory, read from /proc

function procStatusKiB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
const rssBytes = (pid: number) => procStatusKiB(pid, "VmRSS") * 1024;
/** Proportional set size: a process's private memory plus its share of what it shares (libc…). */
function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
function processes(): { pid: number; ppid: number; comm: string; cmdline: string }[] {
  const out = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ");
      out.push({ pid: Number(name), ppid, comm, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
const memAvailable = () => Number(/^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/meminfo", "utf8"))![1]) * 1024;

/** Shiplab's engine for the bench's state folder: dockerd and its containerd (PSS). */
function enginePss(): number {
  const dockerd = Number(fs.readFileSync(path.join(STATE_DIR, "engine", "dockerd.pid"), "utf8").trim());
  const containerd = processes().filter((p) => p.ppid === dockerd && p.comm === "containerd");
  return pssBytes(dockerd) + containerd.reduce((a, p) => a + pssBytes(p.pid), 0);
}

/**
 * The box image's big files that every box maps from one host copy (boxSharedFiles.ts): how
 * much of them is in memory. A fixed cost, like the engine's: paid once however many boxes.
 */
async function sharedFilesResident(): Promise<number> {
  const files = sharedFilesIn(path.join(STATE_DIR, "box-files")).map((f) => f.source);
  if (!files.length) return 0;
  const out = await run("fincore", ["--bytes", "--noheadings", "--output", "RES", ...files]);
  return out.split("\n").reduce((a, l) => a + (Number(l.trim()) || 0), 0);
}

/**
 * A server's RSS once it has settled: the median of one sample a second from 10 to 20 s
 * after its last work. Read sooner, it is mostly garbage not yet collected (a fresh server
 * showed 92 MiB at 5 s and 76 MiB from 10 s on), which says when V8 collects, not what the
 * server holds.
 */
async function settledRss(pid: number): Promise<number> {
  await sleep(10_000);
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    samples.push(rssBytes(pid));
    await sleep(1000);
  }
  return pct(samples, 0.5);
}

// ---------------------------------------------------------------------------------------------
// Servers: each its own process, started fresh, stopped by its PID.

interface Srv {
  kind: Kind;
  url: string;
  pid: number;
  instance: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

let serial = 0;
async function startServer(kind: Kind, warmPool: number): Promise<Srv> {
  const instance = `i10${process.pid.toString(36)}${(serial++).toString(36)}`;
  // Both kinds started as `npm start` starts Shiplab's server.
  const env: NodeJS.ProcessEnv = {
    ...serverEnv(),
    PORT: "0",
    SHIPLAB_BIND: "127.0.0.1",
    SHIPLAB_STATE_DIR: STATE_DIR,
    SHIPLAB_INSTANCE: instance,
    SHIPLAB_REGISTRY_PORT: "5006",
    SHIPLAB_WARM_POOL: String(warmPool),
    SHIPLAB_TEACHER_PASSWORD: TEACHER_PASSWORD,
  };
  const args = kind === "shiplab" ? [path.join(REPO_ROOT, "dist", "server", "cli.mjs"), "start"] : [BASELINE_BUNDLE];
  const child = spawn(process.execPath, args, { env, cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} server did not serve within 10 min:\n${text}`)), 600_000);
    const onData = (c: Buffer) => {
      text += c.toString();
      const m = /is serving (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`${kind} server exited ${code}:\n${text}`));
    });
  });
  // The server's own log, kept for when a figure looks wrong.
  const logFile = path.join(os.tmpdir(), `shiplab-bench-${instance}.log`);
  fs.writeFileSync(logFile, text);
  const toLog = (c: Buffer) => fs.appendFileSync(logFile, c);
  child.stdout!.on("data", toLog);
  child.stderr!.on("data", toLog);
  return {
    kind,
    url,
    pid: child.pid!,
    instance,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        process.kill(child.pid!, "SIGTERM");
        const t = setTimeout(() => child.exitCode === null && process.kill(child.pid!, "SIGKILL"), 60_000);
        await exited;
        clearTimeout(t);
      }
      if (kind === "shiplab") {
        // Boxes are kept by a stopped server (SHIPLAB_ON_STOP=keep: `remove` would stop the
        // shared engine too); the bench removes what this instance labelled.
        await removeTestObjects(instance);
        removeStateDb(STATE_DIR, instance);
        // Each box's folder holds its socket mount: unmounted first, as the server would.
        const dir = path.join(STATE_DIR, "boxes", instance);
        for (const id of fs.existsSync(dir) ? fs.readdirSync(dir) : []) await removeBoxDir(path.join(dir, id));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0];
const learnerIdOf = (cookie: string) => {
  const v = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  return v.slice(0, v.indexOf("."));
};

async function teacherClass(url: string): Promise<{ teacher: string; code: string }> {
  const post = (p: string, body: unknown, cookie = "") =>
    fetch(`${url}${p}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });
  const teacher = cookieOf(await post("/api/teach/login", { name: "teacher", password: TEACHER_PASSWORD }), "shiplab_teacher");
  if (!teacher) throw new Error("teacher login failed");
  const res = await post("/api/teach/classes", { name: "Bench class", lessons: ["images"] }, teacher);
  const { code } = (await res.json()) as { code: string };
  return { teacher, code };
}

/** A learner joins the class (when given) and opens the terminal; ms from opening the socket to the prompt. */
async function learner(url: string, code?: string, name?: string): Promise<{ l: SocketLearner; promptMs: number; learnerId: string; startedAt: number }> {
  const cookie = cookieOf(await fetch(`${url}/`), "shiplab_learner")!;
  if (code) {
    const r = await fetch(`${url}/api/join`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ code, name }) });
    if (!r.ok) throw new Error(`join: ${r.status} ${await r.text()}`);
  }
  const t0 = performance.now();
  const l = await openSocketLearner(url, { cookie, lesson: "images", timeoutMs: 300_000 });
  return { l, promptMs: performance.now() - t0, learnerId: learnerIdOf(cookie), startedAt: t0 };
}

/** `n` learners, the i-th connecting at i × spreadMs (a class arriving within a second). */
async function classArrives(url: string, code: string, n: number, spreadMs = 1000) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await sleep((i * spreadMs) / n);
      return learner(url, code, `Student ${i + 1}`);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Shiplab's boxes, seen from its engine

interface BoxInfo {
  id: string;
  container: string;
  name: string;
  socketPath: string;
}
async function boxesOf(instance: string): Promise<BoxInfo[]> {
  const list = await engineDocker().listContainers({ filters: { label: [`shiplab.instance=${instance}`, "shiplab.box"] } });
  return list.map((c) => {
    const id = c.Labels["shiplab.box"];
    return { id, container: c.Id, name: c.Names[0].replace(/^\//, ""), socketPath: path.join(STATE_DIR, "boxes", instance, id, "sock", "docker.sock") };
  });
}
const boxOfLearner = async (instance: string, learnerId: string) => (await boxesOf(instance)).find((b) => b.name.endsWith(`-l-${learnerId}`));

/** Until `n` warm boxes' daemons answer (Shiplab; the baseline's are ready at once). */
async function poolReady(srv: Srv, n: number, timeoutMs = 600_000): Promise<void> {
  if (srv.kind === "baseline") return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pool = (await boxesOf(srv.instance)).filter((b) => b.name.includes("-p-"));
    const ready = (await Promise.all(pool.map((b) => daemonAnswers(b.socketPath)))).filter(Boolean).length;
    if (ready >= n) break;
    if (Date.now() > deadline) throw new Error(`only ${ready} of ${n} warm boxes ready`);
    await sleep(500);
  }
}

/** Ms from `startedAt` until the learner's box daemon answers (the baseline's: at once). */
async function daemonAnswered(srv: Srv, learnerId: string, startedAt: number, timeoutMs = 120_000): Promise<number> {
  if (srv.kind === "baseline") return performance.now() - startedAt;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const box = await boxOfLearner(srv.instance, learnerId);
    if (box && (await daemonAnswers(box.socketPath))) return performance.now() - startedAt;
    if (Date.now() > deadline) throw new Error(`learner ${learnerId}'s box daemon did not answer within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

/**
 * Ms from each learner's arrival until their box's daemon answers, polled every 250 ms from
 * when the whole class has a prompt (a daemon up earlier counts as up then; the polls do
 * not weigh on the prompts). Shiplab starts daemons after every waiting prompt.
 */
async function classDaemons(srv: Srv, cls: { learnerId: string; startedAt: number; promptMs: number }[]): Promise<number[]> {
  if (srv.kind === "baseline") return cls.map((c) => c.promptMs);
  const boxes = await boxesOf(srv.instance);
  const sockets = cls.map((c) => boxes.find((b) => b.name.endsWith(`-l-${c.learnerId}`))?.socketPath);
  const out: number[] = cls.map(() => NaN);
  for (const deadline = Date.now() + 180_000; out.some((x) => Number.isNaN(x)) && Date.now() < deadline; await sleep(250)) {
    await Promise.all(
      cls.map(async (c, i) => {
        // A warm box handed over may not carry its learner's name yet: it counts at the next look.
        if (Number.isNaN(out[i]) && sockets[i] && (await daemonAnswers(sockets[i]!))) out[i] = performance.now() - c.startedAt;
      }),
    );
    if (sockets.some((x) => !x)) {
      const again = await boxesOf(srv.instance);
      cls.forEach((c, i) => (sockets[i] ??= again.find((b) => b.name.endsWith(`-l-${c.learnerId}`))?.socketPath));
    }
  }
  return out;
}

/** A box's memory as its engine reports it: usage minus inactive file cache. */
async function boxMemory(container: string): Promise<number> {
  const s = (await engineDocker().getContainer(container).stats({ stream: false, "one-shot": true } as never)) as unknown as {
    memory_stats: { usage: number; stats?: { inactive_file?: number; total_inactive_file?: number } };
  };
  return s.memory_stats.usage - (s.memory_stats.stats?.total_inactive_file ?? s.memory_stats.stats?.inactive_file ?? 0);
}

/** Host memory per learner, split as the issue asks, for the learners now open and idle. */
async function memoryNow(srv: Srv, engineIdle: number): Promise<{ learners: number; boxBytes: number; pathBytes: number; boxEach: number[]; byName: Record<string, number> }> {
  if (srv.kind === "baseline") {
    // The baseline's "box" is a bash under the server (node-pty forks it; no helper process).
    const shells = processes().filter((p) => p.ppid === srv.pid && p.comm === "bash");
    const boxEach = shells.map((p) => pssBytes(p.pid));
    return { learners: shells.length, boxBytes: mean(boxEach), pathBytes: 0, boxEach, byName: {} };
  }
  const boxes = (await boxesOf(srv.instance)).filter((b) => b.name.includes("-l-"));
  const boxEach = await Promise.all(boxes.map((b) => boxMemory(b.container)));
  // Outside the box's cgroup: its containerd shim, and what the engine grew by for it
  // (the exec and its attached stream are held by dockerd).
  const procs = processes();
  const shims = boxes.map((b) => procs.filter((p) => p.comm.startsWith("containerd-shim") && p.cmdline.includes(`-id ${b.container}`)).reduce((a, p) => a + pssBytes(p.pid), 0));
  const engineGrowth = Math.max(0, enginePss() - engineIdle);
  const byName = Object.fromEntries(boxes.map((b, i) => [b.name, boxEach[i]]));
  // The median box: the box that first read a shared file (boxSharedFiles.ts) has its pages
  // charged to its cgroup, and they are counted already, once, as the shared files' row.
  return { learners: boxes.length, boxBytes: pct(boxEach, 0.5), pathBytes: mean(shims) + engineGrowth / Math.max(1, boxes.length), boxEach, byName };
}

// ---------------------------------------------------------------------------------------------
// Grading: a box daemon's event → the exercise shown passed on the learner's socket

async function eventToPassed(l: SocketLearner, socketPath: string, exercise: string, command: string, action: string, timeoutMs = 120_000): Promise<number> {
  // Timed from the daemon's event, so its events are read from the start: a box's daemon
  // may still wait for its turn after a class arrived (box-init gives up waiting at 30 s).
  for (const deadline = Date.now() + timeoutMs; !(await daemonAnswers(socketPath)); await sleep(200)) {
    if (Date.now() > deadline) throw new Error(`the box's daemon did not answer within ${timeoutMs / 1000} s`);
  }
  const events: { time: number; action: string }[] = [];
  const stream = (await new Docker({ socketPath }).getEvents({ filters: { type: ["image", "container"] } } as object)) as unknown as NodeJS.ReadableStream & { destroy(): void };
  let partial = "";
  stream.on("data", (c: Buffer) => {
    const lines = (partial + c.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const e = JSON.parse(line) as { timeNano: number; Action: string };
      events.push({ time: e.timeNano / 1e6, action: e.Action });
    }
  });
  try {
    const passed = l.next<ExerciseUpdate>("exercise", (u) => u.id === exercise && u.status === "passed", timeoutMs);
    l.socket.emit("term:input", `${command}\r`);
    await passed;
    const shown = Date.now();
    const ev = [...events].reverse().find((e) => e.action.startsWith(action));
    if (!ev) throw new Error(`no ${action} event seen for ${exercise}`);
    return shown - ev.time;
  } finally {
    stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Echo

/**
 * Keystroke → echo on the learner's socket, `n` letters and `n` backspaces, each key sent
 * `gapMs` after the previous echo (a typist's pace). Keys sent back to back (the shared
 * SocketLearner.echoes, which sends the backspace the moment the letter's echo arrives) land
 * in the output buffer's 8 ms batching window and measure that window, not the terminal.
 */
async function typedEchoes(l: SocketLearner, n: number, gapMs = 60): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 2 * n; i++) {
    const [key, expect] = i % 2 ? ["\x7f", "\b"] : ["x", "x"];
    await sleep(gapMs);
    times.push(
      await new Promise<number>((resolve, reject) => {
        let out = "";
        const t0 = performance.now();
        const t = setTimeout(() => {
          l.socket.off("term:output", on);
          reject(new Error(`no echo of ${JSON.stringify(key)}`));
        }, 10_000);
        const on = (d: string) => {
          out += d;
          if (!out.includes(expect)) return;
          clearTimeout(t);
          l.socket.off("term:output", on);
          resolve(performance.now() - t0);
        };
        l.socket.on("term:output", on);
        l.socket.emit("term:input", key);
      }),
    );
  }
  return times;
}

/** Whether the terminal's last output ends with the prompt: no command runs. */
const atPrompt = (l: SocketLearner) =>
  /# $/.test(l.received.filter((e) => e.event === "term:output").slice(-3).map((e) => String(e.payload)).join(""));

/** Whether the terminal's output ends with the prompt (a command finished) within `timeoutMs`. */
async function promptBack(l: SocketLearner, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(500)) if (atPrompt(l)) return true;
  return false;
}

/** Ctrl-C until the terminal's output ends with the prompt; how many it took (0: never). */
async function stopLoop(l: SocketLearner): Promise<number> {
  for (let i = 1; i <= 5; i++) {
    l.socket.emit("term:input", "\x03");
    await sleep(700);
    if (atPrompt(l)) return i;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The page in chromium

/** The page's own marks (client/main.ts, client/terminal.ts), in the order a load passes them. */
const PAGE_MARKS = ["boot", "script", "terminal-open", "connected", "first-output"] as const;
type PageMark = (typeof PAGE_MARKS)[number];
/** What the page's timing script logs when the prompt is on screen, followed by the ms. */
const PROMPT_SEEN = "shiplab-bench:prompt ";

async function pageLoad(browser: Browser, url: string): Promise<{ promptMs: number; bytes: Record<string, number>; marks: Partial<Record<PageMark, number>> }> {
  const context = await newLearnerContext(browser);
  try {
    const page = await LabPage.create(context);
    const sizes: Promise<{ type: string; bytes: number }>[] = [];
    page.page.on("requestfinished", (req) => sizes.push(req.sizes().then((s) => ({ type: req.resourceType(), bytes: s.responseBodySize }))));
    // Timed inside the page, from the navigation's start to the first frame drawn after the
    // prompt was written into xterm: no polling interval or browser-driver round trip in it.
    // And told by a console message, not polled: the driver's first evaluate in a page runs
    // a script of its own on the page's main thread (≈10 ms, seen in traces), which would
    // land between the shell's first output and its prompt.
    // A string, not a function: tsx would wrap a function's inner functions in a helper
    // (__name) the page does not have.
    await context.addInitScript(`(() => {
      const prompt = new RegExp(${JSON.stringify(PROMPT.source)});
      const hook = () => {
        const term = window.shiplab && window.shiplab.term;
        if (!term) return void requestAnimationFrame(hook);
        const seen = () => {
          const buf = term.buffer.active;
          const row = buf.getLine(buf.baseY + buf.cursorY);
          const line = (row ? row.translateToString(true) : "").replace(/\\s+$/, "");
          if (window.__promptMs === undefined && prompt.test(line)) {
            requestAnimationFrame(() => {
              if (window.__promptMs !== undefined) return;
              window.__promptMs = performance.now();
              console.debug(${JSON.stringify(PROMPT_SEEN)} + window.__promptMs);
            });
          }
        };
        term.onWriteParsed(seen);
        seen();
      };
      hook();
    })()`);
    const seen = page.page.waitForEvent("console", { predicate: (m) => m.text().startsWith(PROMPT_SEEN), timeout: 300_000 });
    await page.open(url);
    const promptMs = Number((await seen).text().slice(PROMPT_SEEN.length));
    // The page's weight counts what the lesson needs too (its text, lessonView.js): fetched
    // beside the terminal, it can still be on its way when the prompt is.
    await page.page.waitForFunction(() => performance.getEntriesByName("shiplab:lesson-rendered").length > 0, null, { timeout: 60_000 });
    const bytes: Record<string, number> = {};
    for (const s of await Promise.all(sizes)) bytes[s.type] = (bytes[s.type] ?? 0) + s.bytes;
    const marks = (await page.page.evaluate(
      `Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("shiplab:")).map((m) => [m.name.slice(8), m.startTime]))`,
    )) as Partial<Record<PageMark, number>>;
    return { promptMs, bytes, marks };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// One phase of one round: a fresh server of each kind

interface PhaseA {
  kind: Kind;
  round: number;
  pagePromptMs: number[];
  /** Where each load was when it passed the page's marks: ms from the navigation's start. */
  pageMarks: Partial<Record<PageMark, number>>[];
  pageBytes: Record<string, number>;
  /** Keys 60 ms apart. */
  echoQuiet: number[];
  classPromptMs: number[];
  /** Ms from each learner's arrival until their box's daemon answered (read once all have a prompt). */
  classDaemonMs: number[];
  echoBusy: number[];
  /** Keys back to back (SocketLearner.echoes): the second of each pair waits out the batching window. */
  echoQuietBackToBack: number[];
  /** Ctrl-Cs each printing terminal needed before its prompt came back (0: never came back). */
  ctrlCs: number[];
  echoBusyBackToBack: number[];
  serverRssIdle: number;
  serverRssLoaded: number;
  learnersLoaded: number;
  /** The boxes' shared files in memory (a fixed cost; 0 for the baseline). */
  sharedResident: number;
  /** Each idle learner's box (Shiplab: cgroup usage − inactive file; baseline: bash PSS). */
  boxEach: number[];
  /** The median of boxEach. */
  boxBytes: number;
  pathBytes: number;
  serverShareBytes: number;
  engineIdle: number;
  capacity?: {
    learners: number;
    boxBytes: number;
    pathBytes: number;
    serverShareBytes: number;
    memAvailableDropBytes: number;
    /** Shiplab: the class's boxes after their docker pull + runs, and the boxes opened only now. */
    workedBoxBytes: number;
    freshBoxBytes: number;
  };
  gradeAlone: number[];
  gradeLoaded: number[];
  /** Learners under load whose exercise never showed passed, and why. */
  gradeFailures: string[];
}

async function phaseA(kind: Kind, round: number, browser: Browser, o: Issue10Options): Promise<PhaseA> {
  const memBefore = memAvailable();
  const srv = await startServer(kind, 1);
  const learners: SocketLearner[] = [];
  const out: PhaseA = {
    kind, round, pagePromptMs: [], pageMarks: [], pageBytes: {}, echoQuiet: [], classPromptMs: [], classDaemonMs: [], echoBusy: [], echoQuietBackToBack: [], ctrlCs: [], echoBusyBackToBack: [], serverRssIdle: 0, serverRssLoaded: 0,
    learnersLoaded: 0, sharedResident: 0, boxEach: [], boxBytes: 0, pathBytes: 0, serverShareBytes: 0, engineIdle: 0, gradeAlone: [], gradeLoaded: [], gradeFailures: [],
  };
  try {
    await poolReady(srv, 1);
    out.serverRssIdle = await settledRss(srv.pid);
    out.engineIdle = kind === "shiplab" ? enginePss() : 0;

    say(`${kind} r${round}: page in chromium`);
    // One load first, not counted: a freshly started server (and its browser) runs its
    // first request paths cold, which a class's server, up for hours, never does.
    for (let i = 0; i <= o.pageLoads; i++) {
      await poolReady(srv, 1);
      await sleep(2000); // the warm box's shell opens once it is pooled
      const p = await pageLoad(browser, srv.url);
      if (i === 0) continue;
      out.pagePromptMs.push(p.promptMs);
      out.pageMarks.push(p.marks);
      if (i === 1) out.pageBytes = p.bytes;
    }

    say(`${kind} r${round}: echo, one terminal`);
    await poolReady(srv, 1);
    await sleep(2000);
    const first = await learner(srv.url);
    learners.push(first.l);
    // Quiet means quiet: the box that refills the pool (a container and its dockerd
    // starting, ≈1 s of both cores) is up before the first key, and its shell open.
    await poolReady(srv, 1);
    await sleep(2000);
    out.echoQuiet = await typedEchoes(first.l, o.echoes);
    out.echoQuietBackToBack = await first.l.echoes(o.echoes);
    if (kind === "shiplab") {
      const box = await boxOfLearner(srv.instance, first.learnerId);
      out.gradeAlone.push(await eventToPassed(first.l, box!.socketPath, "images.pull", "docker pull -q busybox", "pull"));
      out.gradeAlone.push(await eventToPassed(first.l, box!.socketPath, "images.pull-tag", "docker pull -q busybox:1.37", "pull"));
    }

    say(`${kind} r${round}: a class of ${o.classSize} arrives (warm pool 1)`);
    const { code } = await teacherClass(srv.url);
    const cls = await classArrives(srv.url, code, o.classSize);
    learners.push(...cls.map((c) => c.l));
    out.classPromptMs = cls.map((c) => c.promptMs);
    out.classDaemonMs = await classDaemons(srv, cls);

    say(`${kind} r${round}: echo beside ${o.classSize} printing terminals`);
    for (const c of cls) c.l.socket.emit("term:input", "while true; do echo line; sleep 0.2; done\r");
    await sleep(2000);
    out.echoBusy = await typedEchoes(first.l, o.echoes);
    out.echoBusyBackToBack = await first.l.echoes(o.echoes);
    // Ctrl-C, again until the prompt is back: one does not always stop the loop (seen in boxes).
    out.ctrlCs = await Promise.all(cls.map((c) => stopLoop(c.l)));

    say(`${kind} r${round}: memory, ${learners.length} idle terminals`);
    out.serverRssLoaded = await settledRss(srv.pid);
    const m = await memoryNow(srv, out.engineIdle);
    out.learnersLoaded = m.learners;
    out.boxEach = m.boxEach;
    out.boxBytes = m.boxBytes;
    out.pathBytes = m.pathBytes;
    out.serverShareBytes = (out.serverRssLoaded - out.serverRssIdle) / learners.length;
    if (kind === "shiplab") out.sharedResident = await sharedFilesResident();

    if (kind === "shiplab") {
      say(`${kind} r${round}: grading while ${o.classSize} learners work`);
      const sockets = await Promise.all(cls.map(async (c) => (await boxOfLearner(srv.instance, c.learnerId))!.socketPath));
      const results = await Promise.all(
        cls.map(async (c, i) => {
          await sleep((i * 1000) / cls.length);
          const command = "docker pull -q busybox && for i in 1 2 3; do docker run --rm busybox true; done; docker images";
          return eventToPassed(c.l, sockets[i], "images.pull", command, "pull", 120_000).catch((err: Error) => {
            // Counted, not thrown: the table says how many never showed passed, with what their terminal showed.
            const shown = c.l.received.filter((e) => e.event === "term:output").map((e) => String(e.payload)).join("").slice(-400);
            out.gradeFailures.push(`${err.message}; terminal ends with: ${JSON.stringify(shown)}`);
            return NaN;
          });
        }),
      );
      out.gradeLoaded = results.filter(Number.isFinite);
      // Each learner's three `docker run`s go on after their pull has passed: 90 containers
      // starting on 2 cores for a minute or more, which starved the capacity count's new
      // boxes (their daemons took over 30 s). That count is of idle learners: wait for them.
      const unfinished = (await Promise.all(cls.map((c) => promptBack(c.l, 300_000)))).filter((back) => !back).length;
      if (unfinished) say(`${kind} r${round}: ${unfinished} learners' commands still run after 5 min; going on`);
      await sleep(5000);
    }

    if (round === 1 && o.capacity > learners.length) {
      say(`${kind} r${round}: capacity, ${o.capacity} idle terminals`);
      const freshIds = new Set<string>();
      for (let i = learners.length; i < o.capacity; i += 5) {
        const batch = await Promise.all(Array.from({ length: Math.min(5, o.capacity - i) }, () => learner(srv.url)));
        learners.push(...batch.map((b) => b.l));
        for (const b of batch) freshIds.add(b.learnerId);
      }
      await sleep(10_000);
      const c = await memoryNow(srv, out.engineIdle);
      const classNames = new Set(cls.map((c) => c.learnerId));
      const worked = Object.entries(c.byName).filter(([n]) => classNames.has(n.slice(n.indexOf("-l-") + 3))).map(([, v]) => v);
      const fresh = Object.entries(c.byName).filter(([n]) => freshIds.has(n.slice(n.indexOf("-l-") + 3))).map(([, v]) => v);
      out.capacity = {
        learners: c.learners,
        boxBytes: c.boxBytes,
        pathBytes: c.pathBytes,
        serverShareBytes: (rssBytes(srv.pid) - out.serverRssIdle) / learners.length,
        memAvailableDropBytes: (memBefore - memAvailable()) / learners.length,
        workedBoxBytes: pct(worked, 0.5),
        freshBoxBytes: pct(fresh, 0.5),
      };
    }
  } finally {
    for (const l of learners) l.close();
    await srv.stop();
  }
  return out;
}

interface PhaseB {
  kind: Kind;
  round: number;
  coldPromptMs: number[];
  /** From the same start to the cold box's daemon answering (`docker` works without a wait). */
  coldDaemonMs: number[];
  prepareMs: number;
  preparedPromptMs: number[];
}

async function phaseB(kind: Kind, round: number, o: Issue10Options): Promise<PhaseB> {
  const srv = await startServer(kind, 0);
  const learners: SocketLearner[] = [];
  const out: PhaseB = { kind, round, coldPromptMs: [], coldDaemonMs: [], prepareMs: 0, preparedPromptMs: [] };
  try {
    say(`${kind} r${round}: cold boxes (no warm pool)`);
    for (let i = 0; i < 3; i++) {
      const c = await learner(srv.url);
      learners.push(c.l);
      out.coldPromptMs.push(c.promptMs);
      // A learner arriving alone: the next one comes once this box is whole (its daemon
      // starts after the prompt), or it would be timed against this one's start.
      out.coldDaemonMs.push(await daemonAnswered(srv, c.learnerId, c.startedAt));
    }
    say(`${kind} r${round}: the teacher prepares ${o.classSize} boxes`);
    const { teacher, code } = await teacherClass(srv.url);
    const t0 = Date.now();
    const res = await fetch(`${srv.url}/api/teach/classes/${code}/prepare-boxes`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: teacher },
      body: JSON.stringify({ count: o.classSize }),
    });
    if (!res.ok) throw new Error(`prepare-boxes: ${res.status} ${await res.text()}`);
    await poolReady(srv, o.classSize);
    out.prepareMs = Date.now() - t0;
    await sleep(3000); // the warm boxes' shells open once they are pooled
    say(`${kind} r${round}: a class of ${o.classSize} arrives (boxes prepared)`);
    const cls = await classArrives(srv.url, code, o.classSize);
    learners.push(...cls.map((c) => c.l));
    out.preparedPromptMs = cls.map((c) => c.promptMs);
  } finally {
    for (const l of learners) l.close();
    await srv.stop();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// `shiplab export` of a 100-learner class, on a state database filled for it

async function exportDb(): Promise<{ dir: string; big: string; small: string }> {
  const { openStateDb, stateDbFile } = await import("../../server/store/stateDb.ts");
  const { SqliteProgressStore } = await import("../../server/store/progressStore.ts");
  const { SqliteTeacherStore } = await import("../../server/store/teacherStore.ts");
  const { SqliteClassStore } = await import("../../server/store/classStore.ts");
  const { TeacherAccounts } = await import("../../server/teach/teacherAccounts.ts");
  const { Classes } = await import("../../server/teach/classes.ts");
  const { LessonCatalog } = await import("../../server/lessons/catalog.ts");
  const { LESSONS_DIR } = await import("../../server/paths.ts");
  const { LearnerSessions } = await import("../../server/web/session.ts");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-bench-export-"));
  const db = openStateDb(stateDbFile(dir, "export"));
  const lessons = LessonCatalog.load(LESSONS_DIR);
  await new TeacherAccounts(new SqliteTeacherStore(db)).ensureFirst(TEACHER_PASSWORD);
  const classes = new Classes(new SqliteClassStore(db), lessons);
  const store = new SqliteProgressStore(db);
  const ids = new LearnerSessions("x");
  const all = lessons.list().map((l) => l.id);
  const exercises = lessons.exercises();
  const fill = (n: number) => {
    const c = classes.create("teacher", { name: `Export ${n}`, lessons: all });
    for (let i = 0; i < n; i++) {
      const learnerId = ids.newLearnerId();
      classes.join(c.code, learnerId, `Learner ${i + 1}`);
      // Each learner has a result for most exercises: passed, failed, or pending.
      exercises.forEach((ex, k) => {
        if ((i + k) % 7 === 0) return;
        const status = (i + k) % 5 === 0 ? "failed" : "passed";
        store.record(learnerId, { exerciseId: ex.id, status, message: { en: "bench", "zh-CN": "bench" }, updatedAt: Date.now() - k * 1000 });
      });
    }
    return c.code;
  };
  const big = fill(100);
  const small = fill(1);
  store.dispose();
  db.close();
  return { dir, big, small };
}

function timeExport(dir: string, code: string): Promise<{ ms: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "server", "cli.mjs"), "export", "--class", code, "--format", "csv"], {
      env: { ...process.env, SHIPLAB_STATE_DIR: dir, SHIPLAB_INSTANCE: "export" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("exit", (status) => {
      if (status !== 0) return reject(new Error(`export exited ${status}: ${err}`));
      resolve({ ms: performance.now() - t0, rows: out.trim().split("\n").length - 1 });
    });
  });
}

// ---------------------------------------------------------------------------------------------

async function buildBundles(): Promise<void> {
  await buildServer();
  await esbuild.build(serverBuildOptions(path.join(REPO_ROOT, "test", "bench", "baselineServer.ts"), BASELINE_BUNDLE));
}

export async function issue10(o: Issue10Options): Promise<void> {
  const started = Date.now();
  await buildBundles();
  const browser = await launchBrowser();
  const a: PhaseA[] = [];
  const b: PhaseB[] = [];
  const exports: { round: number; learners: number; ms: number; rows: number }[] = [];
  const db = await exportDb();
  try {
    for (let round = 1; round <= o.rounds; round++) {
      for (const kind of KINDS) a.push(await phaseA(kind, round, browser, o));
      for (const kind of KINDS) b.push(await phaseB(kind, round, o));
      for (const [learners, code] of [[100, db.big], [1, db.small]] as const) exports.push({ round, learners, ...(await timeExport(db.dir, code)) });
    }
  } finally {
    await browser.close();
    fs.rmSync(db.dir, { recursive: true, force: true });
    await removeTestDisks().catch(() => undefined);
    await removeStaleFirewallRules().catch(() => undefined);
  }

  // -- the table ------------------------------------------------------------------------------
  const of = <T>(xs: T[], kind: Kind) => xs.filter((x) => (x as { kind: Kind }).kind === kind);
  const all = <T>(xs: T[], kind: Kind, f: (x: T) => number[]) => of(xs, kind).flatMap(f);
  const rows: [string, string, string, string, string][] = [];
  const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms` : "—");
  const mib = (x: number) => (Number.isFinite(x) ? `${(x / MiB).toFixed(1)} MiB` : "—");
  const ratio = (s: number, base: number) => (Number.isFinite(s) && Number.isFinite(base) && base > 0 ? `${(s / base).toFixed(2)}×` : "—");
  const row = (figure: string, s: number, base: number, fmt: (x: number) => string, goal: string) => rows.push([figure, fmt(s), fmt(base), ratio(s, base), goal]);
  const both = (f: (k: Kind) => number) => [f("shiplab"), f("baseline")] as const;

  for (const [label, key, goal50, goal95] of [
    ["echo, one terminal (keys 60 ms apart)", "echoQuiet", "≤1.2× base, ≤5 ms", "≤10 ms"],
    [`echo, beside ${o.classSize} printing terminals`, "echoBusy", "≤1.2× base, ≤5 ms", "≤10 ms"],
  ] as const) {
    row(`${label}: p50`, ...both((k) => pct(all(a, k, (x) => x[key]), 0.5)), ms, goal50);
    row(`${label}: p95`, ...both((k) => pct(all(a, k, (x) => x[key]), 0.95)), ms, goal95);
  }
  row("echo, one terminal, keys back to back: p50", ...both((k) => pct(all(a, k, (x) => x.echoQuietBackToBack), 0.5)), ms, "");
  row(`echo, beside ${o.classSize} printing, keys back to back: p50`, ...both((k) => pct(all(a, k, (x) => x.echoBusyBackToBack), 0.5)), ms, "");
  for (const [label, xs] of [
    [`class of ${o.classSize} arrives, warm pool 1`, (k: Kind) => all(a, k, (x) => x.classPromptMs)],
    [`class of ${o.classSize} arrives, boxes prepared`, (k: Kind) => all(b, k, (x) => x.preparedPromptMs)],
  ] as const) {
    row(`${label}: prompt p50`, ...both((k) => pct(xs(k), 0.5)), ms, "≤1000 ms");
    row(`${label}: prompt p95`, ...both((k) => pct(xs(k), 0.95)), ms, "");
    row(`${label}: prompt max`, ...both((k) => Math.max(...xs(k))), ms, "≤5000 ms");
  }
  const daemons = (k: Kind) => all(a, k, (x) => x.classDaemonMs ?? []);
  row(`class of ${o.classSize} arrives, warm pool 1: daemon answers p50 (base: prompt)`, ...both((k) => pct(daemons(k).filter(Number.isFinite), 0.5)), ms, "");
  row(`class of ${o.classSize} arrives, warm pool 1: daemon answers max (base: prompt)`, ...both((k) => Math.max(...daemons(k))), ms, "");
  row(`teacher's prepare ${o.classSize} → all ready (base: at once)`, ...both((k) => mean(of(b, k).map((x) => x.prepareMs))), ms, "");
  row("cold box (no pool): prompt p50", ...both((k) => pct(all(b, k, (x) => x.coldPromptMs), 0.5)), ms, "≤1000 ms");
  row("…its daemon answers (base: the prompt): p50", ...both((k) => pct(all(b, k, (x) => x.coldDaemonMs), 0.5)), ms, "");
  const memMean = (k: Kind, f: (x: PhaseA) => number) => mean(of(a, k).map(f));
  row("idle learner: box (cgroup / bash PSS)", ...both((k) => memMean(k, (x) => x.boxBytes)), mib, "");
  row("idle learner: terminal path (shim+engine)", ...both((k) => memMean(k, (x) => x.pathBytes)), mib, "");
  row("idle learner: share of server RSS", ...both((k) => memMean(k, (x) => x.serverShareBytes)), mib, "");
  const perLearner = (k: Kind) => memMean(k, (x) => x.boxBytes + x.pathBytes + x.serverShareBytes);
  row("idle learner: in all", ...both(perLearner), mib, "");
  row("boxes' shared files in memory (fixed: once for all boxes)", ...both((k) => memMean(k, (x) => x.sharedResident)), mib, "");
  const fixed = (k: Kind) => memMean(k, (x) => x.serverRssIdle + x.engineIdle + x.sharedResident);
  const count = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "—");
  row(`capacity of 24 GiB, computed (${o.classSize + 1} fresh idle learners' cost)`, ...both((k) => (24 * GiB - fixed(k)) / perLearner(k)), count, "≥400");
  const cap = (k: Kind) => of(a, k).find((x) => x.capacity)?.capacity;
  row(
    `capacity of 24 GiB, measured at ${o.capacity} open (${o.classSize} had worked), extrapolated`,
    ...both((k) => {
      const c = cap(k);
      return c ? (24 * GiB - fixed(k)) / (c.boxBytes + c.pathBytes + c.serverShareBytes) : NaN;
    }),
    count,
    "≥400",
  );
  row(`…idle box after docker pull + 3 runs (at ${o.capacity} open)`, cap("shiplab")?.workedBoxBytes ?? NaN, cap("baseline")?.boxBytes ?? NaN, mib, "");
  row(`…idle box never used (at ${o.capacity} open)`, cap("shiplab")?.freshBoxBytes ?? NaN, cap("baseline")?.boxBytes ?? NaN, mib, "");
  row(`capacity of 24 GiB, MemAvailable drop at ${o.capacity} (noisy)`, ...both((k) => (cap(k) ? 24 * GiB / cap(k)!.memAvailableDropBytes : NaN)), count, "≥400");
  row("server RSS, idle", ...both((k) => memMean(k, (x) => x.serverRssIdle)), mib, "≤ baseline");
  row(`server RSS, ${o.classSize + 1} terminals open`, ...both((k) => memMean(k, (x) => x.serverRssLoaded)), mib, "≤ baseline");
  const alone = all(a, "shiplab", (x) => x.gradeAlone);
  const loaded = all(a, "shiplab", (x) => x.gradeLoaded);
  row(`daemon event → passed, ${o.classSize} at work: p50 (base: 1 alone)`, pct(loaded, 0.5), pct(alone, 0.5), ms, "");
  row(`daemon event → passed, ${o.classSize} at work: p95 (base: 1 alone)`, pct(loaded, 0.95), pct(alone, 0.95), ms, "≤300 ms");
  const ctrlCs = (k: Kind) => all(a, k, (x) => x.ctrlCs);
  rows.push([
    `…printing loops needing >1 Ctrl-C (of ${o.classSize} per round)`,
    String(ctrlCs("shiplab").filter((n) => n !== 1).length),
    String(ctrlCs("baseline").filter((n) => n !== 1).length),
    "",
    "",
  ]);
  const failures = of(a, "shiplab").flatMap((x) => x.gradeFailures);
  rows.push([`…never shown passed within 120 s (of ${o.classSize} per round)`, String(failures.length), "", "", "0"]);
  for (const f of failures) say(`grading under load: ${f}`);
  const exp = (n: number) => pct(exports.filter((e) => e.learners === n).map((e) => e.ms), 0.5);
  row("shiplab export, 100 learners, csv (base: 1)", exp(100), exp(1), ms, "≤2000 ms");
  const pageBytes = (k: Kind) => {
    const bytes = of(a, k)[0]?.pageBytes ?? {};
    return ["document", "script", "stylesheet", "font"].reduce((s, t) => s + (bytes[t] ?? 0), 0);
  };
  row("page first load, HTML+JS+CSS+fonts", ...both(pageBytes), (x) => `${(x / 1024).toFixed(0)} KiB`, "");
  row("page load → prompt on screen, chromium, warm pool: p50", ...both((k) => pct(all(a, k, (x) => x.pagePromptMs), 0.5)), ms, "≤300 ms");
  const markLabels: Record<PageMark, string> = {
    boot: "boot.js runs and opens the connection",
    script: "app.js starts (HTML, JS and CSS loaded and compiled)",
    "terminal-open": "terminal drawn, empty",
    connected: "socket connected",
    "first-output": "first terminal output received",
  };
  for (const m of PAGE_MARKS) {
    row(`…${markLabels[m]}: p50`, ...both((k) => pct(all(a, k, (x) => x.pageMarks.map((p) => p[m] ?? NaN).filter(Number.isFinite)), 0.5)), ms, "");
  }

  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i].length), ["figure", "Shiplab", "baseline", "ratio", "goal"][i].length));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |\n`;
  process.stdout.write(`\nIssue 10 — ${o.rounds} round(s), ${os.cpus().length} cores, ${(os.totalmem() / GiB).toFixed(1)} GiB; baseline: the same server and page serving local shells\n`);
  process.stdout.write(line(["figure", "Shiplab", "baseline", "ratio", "goal"]));
  process.stdout.write(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`);
  for (const r of rows) process.stdout.write(line(r));

  const dir = path.join(REPO_ROOT, "bench-results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `issue10-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify({ options: o, startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, phaseA: a, phaseB: b, exports, table: rows }, null, 2));
  process.stdout.write(`raw samples: ${file} (${((Date.now() - started) / 60_000).toFixed(1)} min)\n`);
}
