// The bench's BASELINE server (issue 10): the same page, the same express app, the same
// socket.io server and the same TerminalGateway as `shiplab start`, but each learner's
// "box" is a local `bash --norc -i` in a node-pty pty on this host. Every figure the bench
// prints for Shiplab is printed beside this one's, measured in the same run, so what the
// ratio shows is the cost of boxes (an engine, a daemon per learner, an exec through the
// Engine API), not the cost of a web terminal on a busy 2-core machine.
//
// It hands out a HOST SHELL to whoever opens the page: bench-only. It lives under test/,
// is compiled by the bench to a file of its own (dist/bench/baseline.mjs), binds to
// 127.0.0.1 only, and nothing in server/ or the config can reach it.
//
// Differences from Shiplab, on purpose: no engine, network, lab gate or registry (there is
// no box to serve), and the grader watches nothing (a local shell has no Docker daemon).
// Warm pool and "prepare boxes" keep the gateway's behaviour: pooled "boxes" get their shell
// opened ahead of time, as Shiplab's warm boxes do.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { Server } from "socket.io";
import { Grader } from "../../server/checks/grader.ts";
import { LabEvents } from "../../server/events/labEvents.ts";
import { LessonCatalog } from "../../server/lessons/catalog.ts";
import { consoleLogger } from "../../server/log.ts";
import { CLIENT_DIST_DIR, LESSONS_DIR } from "../../server/paths.ts";
import type { ClientToServer, EngineApiCall, ServerToClient } from "../../server/protocol.ts";
import type { ExecResult } from "../../server/sandbox/boxExec.ts";
import type { Acquired, Box, RemovalReason, SandboxManager } from "../../server/sandbox/sandboxManager.ts";
import { SqliteClassStore } from "../../server/store/classStore.ts";
import { SqliteProgressStore } from "../../server/store/progressStore.ts";
import { SqliteTeacherStore } from "../../server/store/teacherStore.ts";
import { openStateDb, stateDbFile } from "../../server/store/stateDb.ts";
import { Classes } from "../../server/teach/classes.ts";
import { DashboardLive } from "../../server/teach/dashboardLive.ts";
import { TeacherAccounts } from "../../server/teach/teacherAccounts.ts";
import { TerminalGateway } from "../../server/terminal/gateway.ts";
import { startPtyShell } from "../../server/terminal/ptyShell.ts";
import type { ShellHandlers, ShellProcess, TerminalSize } from "../../server/terminal/shellProcess.ts";
import { createApp } from "../../server/web/app.ts";
import { LearnerSessions } from "../../server/web/session.ts";
import { TeacherSessions } from "../../server/web/teacherSessions.ts";

/** The box's prompt, byte for byte (box/profile.sh), so the same prompt detectors work. */
const PS1 = "\\[\\e[1;32m\\]learner@shiplab\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]# ";

/** Learners' "boxes" are local shells: the bench's floor for a web terminal. */
class LocalShellSandbox implements SandboxManager {
  private readonly boxes = new Map<string, Box>();
  private readonly pool: Box[] = [];
  private readonly pooledListeners = new Set<(box: Box) => void>();
  private readonly removedListeners = new Set<(box: Box, reason: RemovalReason) => void>();
  private prepared = { left: 0, until: 0 };

  constructor(
    private readonly home: string,
    private readonly warmPool: number,
  ) {}

  private newBox(learnerId: string | undefined): Box {
    const id = crypto.randomBytes(6).toString("hex");
    return { id, container: `local-${id}`, learnerId, createdAt: Date.now(), socketPath: "/nonexistent/docker.sock" };
  }

  private fillPool(): void {
    const target = Math.max(this.warmPool, Date.now() < this.prepared.until ? this.prepared.left : 0);
    while (this.pool.length < target) {
      const box = this.newBox(undefined);
      this.pool.push(box);
      for (const l of this.pooledListeners) l(box);
    }
  }

  async start(): Promise<void> {
    this.fillPool();
  }
  async acquire(learnerId: string): Promise<Acquired> {
    const current = this.boxes.get(learnerId);
    if (current) return { box: current, daemonReady: Promise.resolve() };
    const pooled = this.pool.shift();
    if (pooled && this.prepared.left > 0) this.prepared.left--;
    const box = pooled ? { ...pooled, learnerId } : this.newBox(learnerId);
    this.boxes.set(learnerId, box);
    this.fillPool();
    return { box, daemonReady: Promise.resolve() };
  }
  boxOf(learnerId: string): Box | undefined {
    return this.boxes.get(learnerId);
  }
  async verify(learnerId: string): Promise<boolean> {
    return this.boxes.has(learnerId);
  }
  setAttached(): void {}
  async destroy(boxId: string, reason: RemovalReason): Promise<void> {
    for (const [learnerId, box] of this.boxes) {
      if (box.id !== boxId) continue;
      this.boxes.delete(learnerId);
      for (const l of this.removedListeners) l(box, reason);
    }
  }
  list(): Box[] {
    return [...this.pool, ...this.boxes.values()];
  }
  daemonOf(): Docker {
    throw new Error("a local shell has no Docker daemon");
  }
  async exec(): Promise<ExecResult> {
    throw new Error("a local shell has no box to exec in");
  }
  startShell(_box: Box, size: TerminalSize, handlers: ShellHandlers): ShellProcess {
    return startPtyShell(
      {
        file: "/bin/bash",
        args: ["--norc", "--noprofile", "-i"],
        env: { PS1, HOME: this.home, PATH: "/usr/local/bin:/usr/bin:/bin", TERM: "xterm-256color", LANG: "C.UTF-8" },
        cwd: this.home,
      },
      size,
      handlers,
    );
  }
  prepare(count: number, forMs: number): number {
    const left = Math.max(0, Math.min(200, Math.floor(count)));
    this.prepared = { left, until: Date.now() + forMs };
    this.fillPool();
    return left;
  }
  onPooled(listener: (box: Box) => void): () => void {
    this.pooledListeners.add(listener);
    return () => this.pooledListeners.delete(listener);
  }
  onApiCall(): () => void {
    return () => {};
  }
  recentApiCalls(): EngineApiCall[] {
    return [];
  }
  onRemoved(listener: (box: Box, reason: RemovalReason) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }
  async dispose(): Promise<void> {}
}

/** A local shell has no daemon to watch: the grader is the real one, but watches nothing. */
class NoDaemonGrader extends Grader {
  override watch(): void {}
}

const log = consoleLogger("baseline");
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-baseline-"));
const home = path.join(stateDir, "home");
fs.mkdirSync(home);
const warmPool = Number(process.env.SHIPLAB_WARM_POOL ?? "1");

const lessons = LessonCatalog.load(LESSONS_DIR);
const db = openStateDb(stateDbFile(stateDir, "baseline"));
const store = new SqliteProgressStore(db);
const teacherStore = new SqliteTeacherStore(db);
const teachers = new TeacherAccounts(teacherStore);
await teachers.ensureFirst(process.env.SHIPLAB_TEACHER_PASSWORD);
const events = new LabEvents();
const classes = new Classes(new SqliteClassStore(db), lessons, { events });
const sandbox = new LocalShellSandbox(home, warmPool);
const grader = new NoDaemonGrader(lessons, store, log);
grader.onUpdate((learnerId, record) => events.emit({ type: "progress", learnerId, record }));
const secret = crypto.randomBytes(32).toString("hex");
const sessions = new LearnerSessions(secret);
const teacherSessions = new TeacherSessions(secret, teacherStore);
const app = createApp({
  lessons,
  store,
  sessions,
  teachers,
  teacherSessions,
  classes,
  onClassEnded: () => {},
  resetExercise: (learnerId, exerciseId) => void grader.resetExercise(learnerId, exerciseId),
  prepareBoxes: (count) => sandbox.prepare(count, 60 * 60_000),
  resetBox: async () => false,
  log,
  clientDir: CLIENT_DIST_DIR,
});
const server = http.createServer(app);
const io = new Server<ClientToServer, ServerToClient>(server, { serveClient: false, maxHttpBufferSize: 256 * 1024 });
await sandbox.start();
const gateway = new TerminalGateway({ io, lessons, store, sessions, sandbox, grader, log, graceMs: 5 * 60_000, allowedOrigins: [], events });
const dashboard = new DashboardLive({ io, terminals: gateway, teacherSessions, classes, events, allowedOrigins: [], log });
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => resolve()));
log.info(`Shiplab (baseline: local shells) is serving http://127.0.0.1:${(server.address() as AddressInfo).port} (warm pool ${warmPool})`);

const stop = () => {
  dashboard.dispose();
  gateway.dispose();
  grader.dispose();
  io.close();
  server.closeAllConnections();
  server.close();
  store.dispose();
  db.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
