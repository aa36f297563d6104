// The composition root: builds every part from the config, wires them, and hands back
// one handle whose dispose() takes everything down in order. The CLI and the tests both
// start Shiplab through here.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Server } from "socket.io";
import { Grader } from "./checks/grader.ts";
import type { Config } from "./config.ts";
import { LessonCatalog } from "./lessons/catalog.ts";
import type { Logger } from "./log.ts";
import { CLIENT_DIST_DIR, LESSONS_DIR } from "./paths.ts";
import type { ClientToServer, ServerToClient } from "./protocol.ts";
import type { Provisioned } from "./provision/index.ts";
import { LabGate } from "./registry/labGate.ts";
import { applyBoxFirewall, ensureBoxNetwork, removeBoxNetwork, type BoxNetwork } from "./sandbox/boxNetwork.ts";
import { boxProbe } from "./sandbox/boxProbe.ts";
import { DockerSandbox, type DockerSandboxOptions } from "./sandbox/dockerSandbox.ts";
import { SqliteProgressStore } from "./store/progressStore.ts";
import { openStateDb, stateDbFile } from "./store/stateDb.ts";
import { inBackground } from "./background.ts";
import { SqliteClassStore } from "./store/classStore.ts";
import { SqliteTeacherStore } from "./store/teacherStore.ts";
import { LabEvents } from "./events/labEvents.ts";
import { digestRef } from "./registry/digestRef.ts";
import { namespaceOf } from "./registry/namespace.ts";
import { Classes } from "./teach/classes.ts";
import { DashboardLive } from "./teach/dashboardLive.ts";
import { TeacherAccounts } from "./teach/teacherAccounts.ts";
import { TeacherSessions } from "./web/teacherSessions.ts";
import { TerminalGateway } from "./terminal/gateway.ts";
import { createApp } from "./web/app.ts";
import { LearnerSessions } from "./web/session.ts";

/** Port of the lab gate on the box network's gateway address. */
export const GATE_PORT = 5000;

export interface Shiplab {
  url: string;
  port: number;
  sandbox: DockerSandbox;
  network: BoxNetwork;
  store: SqliteProgressStore;
  lessons: LessonCatalog;
  /** What the server holds now (open pages, shells, watched boxes, boxes): for leak counts. */
  counts(): { sockets: number; pages: number; learners: number; shells: number; warmShells: number; watchedBoxes: number; boxes: number; teacherPages: number };
  teachers: TeacherAccounts;
  classes: Classes;
  /** Set when this start made the first teacher account: its password, if generated, to show once. */
  firstTeacher: { name: string; generatedPassword?: string } | undefined;
  /** Stops serving; boxes stay up for the next start to adopt unless removeBoxes is set. */
  dispose(opts?: { removeBoxes?: boolean }): Promise<void>;
}

/** The Docker sandbox's settings, from the config and what provisioning made. */
export function sandboxOptions(config: Config, host: Provisioned, network: BoxNetwork, log: Logger): DockerSandboxOptions {
  return {
    docker: host.docker,
    engineHost: host.engine.host,
    boxRoot: host.engine.boxRoot,
    repairQuotas: () => host.engine.repairQuotas(),
    log,
    instance: config.instance,
    stateDir: config.stateDir,
    image: host.images.box,
    sharedFiles: host.sharedFiles,
    network,
    gatePort: GATE_PORT,
    memoryBytes: config.boxMemoryBytes,
    cpus: config.boxCpus,
    pids: config.boxPids,
    diskBytes: config.boxDiskBytes,
    runtime: config.boxRuntime,
    idleTimeoutMs: config.idleTimeoutMs,
    maxLifetimeMs: config.maxLifetimeMs,
    warmPool: config.warmPool,
    boxStarts: config.boxStarts,
    testRun: config.testRun,
  };
}

function loadOrCreateSecret(config: Config): string {
  if (config.secret) return config.secret;
  const file = path.join(config.stateDir, "cookie-secret");
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString("hex"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

export async function startShiplab(config: Config, host: Provisioned, log: Logger): Promise<Shiplab> {
  const disposers: (() => unknown)[] = [];
  const disposeAll = async () => {
    for (const d of disposers.reverse()) await d();
    disposers.length = 0;
  };
  try {
    const lessons = LessonCatalog.load(LESSONS_DIR);
    const db = openStateDb(stateDbFile(config.stateDir, config.instance));
    disposers.push(() => db.open && db.close());
    const store = new SqliteProgressStore(db);
    disposers.push(() => store.dispose());
    const teacherStore = new SqliteTeacherStore(db);
    const teachers = new TeacherAccounts(teacherStore);
    const firstTeacher = await teachers.ensureFirst(config.teacherPassword);
    const events = new LabEvents();
    const classes = new Classes(new SqliteClassStore(db), lessons, { events });

    const network = await ensureBoxNetwork(host.docker, config.instance, config.testRun);
    // The gate asks whose box a push comes from; the sandbox is made just below.
    let sandboxForGate: DockerSandbox | undefined;
    const gate = new LabGate({
      host: network.gateway,
      port: GATE_PORT,
      registryPort: host.registry.port,
      log,
      namespaceAt: async (address) => {
        const learnerId = await sandboxForGate?.learnerAt(address);
        return learnerId && namespaceOf(learnerId);
      },
    });
    await gate.start();
    disposers.push(() => gate.dispose());
    await applyBoxFirewall(config.instance, network, GATE_PORT);

    const sandbox = new DockerSandbox(sandboxOptions(config, host, network, log));
    sandboxForGate = sandbox;
    await sandbox.start();
    let removeBoxes = false;
    disposers.push(async () => {
      await sandbox.dispose();
      if (removeBoxes) {
        await sandbox.destroyAll();
        await removeBoxNetwork(host.docker, config.instance, network);
      }
    });

    const grader = new Grader(lessons, store, log, (box) => ({
      registryUrl: host.registry.url,
      box: boxProbe(sandbox, box),
      namespace: box.learnerId && namespaceOf(box.learnerId),
    }));
    disposers.push(() => grader.dispose());
    disposers.push(grader.onUpdate((learnerId, record) => events.emit({ type: "progress", learnerId, record })));

    const secret = loadOrCreateSecret(config);
    const sessions = new LearnerSessions(secret);
    const teacherSessions = new TeacherSessions(secret, teacherStore);
    const app = createApp({
      lessons,
      store,
      sessions,
      teachers,
      teacherSessions,
      classes,
      // An ended class's boxes go now, not at their idle time-out; progress stays.
      onClassEnded: (code) => {
        const members = new Set(classes.memberIds(code));
        for (const box of sandbox.list()) {
          if (box.learnerId && members.has(box.learnerId)) void inBackground(log, `removing box ${box.id} of ended class ${code}`, () => sandbox.destroy(box.id, "class-ended"));
        }
      },
      resetExercise: (learnerId, exerciseId) => void grader.resetExercise(learnerId, exerciseId),
      // Held for an hour: long enough for a lesson to start, not a day of idle boxes.
      prepareBoxes: (count) => sandbox.prepare(count, 60 * 60_000),
      resetBox: async (learnerId) => {
        const box = sandbox.boxOf(learnerId);
        if (!box) return false;
        await sandbox.destroy(box.id, "reset-by-teacher");
        return true;
      },
      log,
      clientDir: CLIENT_DIST_DIR,
    });
    const server = http.createServer(app);
    const io = new Server<ClientToServer, ServerToClient>(server, { serveClient: false, maxHttpBufferSize: 256 * 1024 });
    const gateway = new TerminalGateway({
      io,
      lessons,
      store,
      sessions,
      sandbox,
      grader,
      log,
      graceMs: config.reconnectGraceMs,
      allowedOrigins: config.allowedOrigins,
      events,
      byDigest: (image) => digestRef(host.registry.url, image),
    });
    const dashboard = new DashboardLive({ io, terminals: gateway, teacherSessions, classes, events, allowedOrigins: config.allowedOrigins, log });
    disposers.push(async () => {
      dashboard.dispose();
      gateway.dispose();
      io.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.bind, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = config.bind === "0.0.0.0" || config.bind === "::" ? "localhost" : config.bind;
    return {
      url: `http://${shownHost}:${port}`,
      port,
      sandbox,
      network,
      store,
      lessons,
      firstTeacher,
      teachers,
      classes,
      counts: () => ({
        sockets: io.engine.clientsCount,
        ...gateway.counts(),
        teacherPages: dashboard.connections,
        watchedBoxes: grader.watchCount,
        boxes: sandbox.list().length,
      }),
      async dispose(opts = {}) {
        removeBoxes = Boolean(opts.removeBoxes);
        await disposeAll();
      },
    };
  } catch (err) {
    await disposeAll();
    throw err;
  }
}
