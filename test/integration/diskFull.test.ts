// The state folder's disk fills up mid-lesson: the real server, a real box, and the real
// SQLite file on a small file system of the test's own (a tmpfs) that the test fills.
// The learner is told their progress is not being saved (and is not shown a green they
// would lose); once there is space the result is saved by itself; the database is intact.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import { run } from "../../server/host/run.ts";
import type { Shiplab } from "../../server/main.ts";
import type { ExerciseUpdate, ProgressSaving } from "../../server/protocol.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { startTestLab, stopTestLab } from "../support/testHost.ts";

let dir: string;
let stateDir: string;
let lab: Shiplab | undefined;
let config: Readonly<Config> | undefined;
let learner: SocketLearner | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-diskfull-"));
  stateDir = path.join(dir, "state");
  fs.mkdirSync(stateDir);
  await run("mount", ["-t", "tmpfs", "-o", "size=16m,mode=0755", "shiplab-test-diskfull", stateDir]);
  ({ lab, config } = await startTestLab({ stateDir, warmPool: 0 }));
});

afterAll(async () => {
  learner?.close();
  try {
    await stopTestLab(lab, config);
  } finally {
    await run("umount", ["-l", stateDir]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Writes a file until the file system says it is full; returns its path. */
function fillDisk(): string {
  const filler = path.join(stateDir, "filler");
  const fd = fs.openSync(filler, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

const passed = (id: string) => (u: ExerciseUpdate) => u.id === id && u.status === "passed";

it("tells the learner progress is not saved while the disk is full, saves it once there is space, and keeps the database whole", async () => {
  learner = await openSocketLearner(lab!.url, { lesson: "images" });
  const firstPass = learner.next<ExerciseUpdate>("exercise", passed("images.pull"), 60_000);
  learner.socket.emit("term:input", "docker pull busybox\r");
  await firstPass;

  const filler = fillDisk();
  const unsaved = learner.next<ProgressSaving>("progress:saving", (s) => !s.saving, 60_000);
  learner.socket.emit("term:input", "docker pull busybox:1.37\r");
  expect((await unsaved).message).toMatch(/disk is full/);
  // No green the learner would lose on a restart.
  expect(learner.received.some((r) => r.event === "exercise" && passed("images.pull-tag")(r.payload as ExerciseUpdate))).toBe(false);
  // The server keeps serving, and a page opened now is told too.
  expect((await fetch(`${lab!.url}/`)).status).toBe(200);
  const second = await openSocketLearner(lab!.url, { cookie: learner.cookie });
  expect(second.received.some((r) => r.event === "progress:saving" && !(r.payload as ProgressSaving).saving)).toBe(true);
  second.close();

  // Space again: the result is checked and saved by itself, and the learner told.
  const savedAgain = learner.next<ProgressSaving>("progress:saving", (s) => s.saving, 60_000);
  const secondPass = learner.next<ExerciseUpdate>("exercise", passed("images.pull-tag"), 60_000);
  fs.rmSync(filler);
  await savedAgain;
  await secondPass;

  await lab!.dispose({ removeBoxes: true });
  lab = undefined;
  const db = new Database(path.join(stateDir, `progress-${config!.instance}.sqlite`), { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = db.prepare("SELECT exercise, status FROM progress ORDER BY exercise").all();
    expect(rows).toEqual(
      expect.arrayContaining([
        { exercise: "images.pull", status: "passed" },
        { exercise: "images.pull-tag", status: "passed" },
      ]),
    );
  } finally {
    db.close();
  }
});
