// The HTTP app alone (no boxes), on a real SQLite file in a temporary folder, served on
// loopback: for tests of routes, cookies and permissions.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { LessonCatalog } from "../../server/lessons/catalog.ts";
import { silentLogger } from "../../server/log.ts";
import { SqliteProgressStore } from "../../server/store/progressStore.ts";
import { openStateDb } from "../../server/store/stateDb.ts";
import { SqliteTeacherStore } from "../../server/store/teacherStore.ts";
import { SqliteClassStore } from "../../server/store/classStore.ts";
import { Classes } from "../../server/teach/classes.ts";
import { TeacherAccounts } from "../../server/teach/teacherAccounts.ts";
import { createApp } from "../../server/web/app.ts";
import { LearnerSessions } from "../../server/web/session.ts";
import { TeacherSessions } from "../../server/web/teacherSessions.ts";

const LESSONS = fileURLToPath(new URL("../../lessons", import.meta.url));
export const TEST_INDEX_HTML = "<!doctype html><title>Shiplab test page</title><div id=app></div>";
export const TEST_SECRET = "test-secret";

export interface TestApp {
  base: string;
  dir: string;
  db: Database.Database;
  store: SqliteProgressStore;
  lessons: LessonCatalog;
  sessions: LearnerSessions;
  teachers: TeacherAccounts;
  teacherSessions: TeacherSessions;
  classes: Classes;
  /** Codes of the classes ended through the API, in order. */
  ended: string[];
  /** Counts asked of prepareBoxes, in order (the fake sandbox prepares at most 60). */
  prepared: number[];
  dispose(): Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-app-"));
  const clientDir = path.join(dir, "client");
  fs.mkdirSync(path.join(clientDir, "assets"), { recursive: true });
  fs.writeFileSync(path.join(clientDir, "index.html"), TEST_INDEX_HTML);
  fs.writeFileSync(path.join(clientDir, "assets", "app.js"), "console.log('shiplab');\n");
  const db = openStateDb(path.join(dir, "progress.sqlite"));
  const store = new SqliteProgressStore(db);
  const teacherStore = new SqliteTeacherStore(db);
  const sessions = new LearnerSessions(TEST_SECRET);
  const teachers = new TeacherAccounts(teacherStore);
  const teacherSessions = new TeacherSessions(TEST_SECRET, teacherStore);
  const lessons = LessonCatalog.load(LESSONS);
  const classes = new Classes(new SqliteClassStore(db), lessons);
  const ended: string[] = [];
  const prepared: number[] = [];
  const app = createApp({
    lessons,
    store,
    sessions,
    teachers,
    teacherSessions,
    classes,
    onClassEnded: (c) => ended.push(c),
    prepareBoxes: (n) => (prepared.push(n), Math.min(n, 60)),
    log: silentLogger,
    clientDir,
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  let disposed = false;
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dir,
    db,
    store,
    lessons,
    sessions,
    teachers,
    teacherSessions,
    classes,
    ended,
    prepared,
    async dispose() {
      if (disposed) return;
      disposed = true;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      store.dispose();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
