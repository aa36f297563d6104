// Event-driven grading over a real box: the learner's actions reach the grader only
// through the box daemon's event stream; no one presses "Check".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Grader } from "../../server/checks/grader.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { SqliteProgressStore, type ExerciseRecord } from "../../server/store/progressStore.ts";
import { log, sh, startTestLab, stopTestLab, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let dir: string;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-grader-"));
});

afterAll(async () => {
  await stopTestLab(lab, config);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("marks hello-docker passed from the box daemon's events, keeps it across a new store, and never downgrades it", async () => {
  const learner = "9a00000000000001";
  const { box } = await lab.sandbox.acquire(learner);
  const file = path.join(dir, "progress.sqlite");
  const store = SqliteProgressStore.open(file);
  const grader = new Grader(lab.lessons, store, log);
  const updates: ExerciseRecord[] = [];
  grader.onUpdate((id, rec) => id === learner && updates.push(rec));
  try {
    grader.watch(learner, box);
    grader.openLesson(learner, "images");
    const built = await sh(
      box.container,
      `mkdir -p h && cd h && printf '#include <stdio.h>\\nint main(void){puts("hello docker from grader");return 0;}\\n' > hello.c &&
       gcc -static hello.c -o hello && printf 'FROM scratch\\nADD hello /\\nCMD ["/hello"]\\n' > Dockerfile && docker build -q -t g/hello-docker .`,
    );
    expect(built.code, built.out).toBe(0);
    await until(async () => updates.some((u) => u.exerciseId === "images.build-hello" && u.status === "passed"), 15_000, "build-hello passed");

    const t0 = Date.now();
    await sh(box.container, "docker run g/hello-docker");
    await until(async () => updates.some((u) => u.exerciseId === "images.run-hello" && u.status === "passed"), 15_000, "run-hello passed");
    log.info(`docker run → run-hello passed in ${Date.now() - t0} ms`);

    // Undoing the work does not take the progress away.
    await sh(box.container, "docker rm -f $(docker ps -aq); docker rmi -f g/hello-docker");
    await grader.checkNow(learner);
    expect(store.forLearner(learner).get("images.build-hello")?.status).toBe("passed");
  } finally {
    grader.dispose();
    store.dispose();
  }
  // The file is the record: a new store (a restarted server) reads the same progress.
  const reopened = SqliteProgressStore.open(file);
  expect(reopened.forLearner(learner).get("images.run-hello")?.status).toBe("passed");
  reopened.dispose();
});

it("reports a failing attempt as failed, with the reason, only after the learner acted", async () => {
  const learner = "9a00000000000002";
  const { box } = await lab.sandbox.acquire(learner);
  const store = SqliteProgressStore.open(path.join(dir, "progress2.sqlite"));
  const grader = new Grader(lab.lessons, store, log);
  const updates: ExerciseRecord[] = [];
  grader.onUpdate((id, rec) => id === learner && updates.push(rec));
  try {
    grader.watch(learner, box);
    grader.openLesson(learner, "images");
    await until(async () => updates.find((u) => u.exerciseId === "images.build-hello"), 10_000, "the first check");
    expect(updates.find((u) => u.exerciseId === "images.build-hello")?.status).toBe("pending");

    await sh(box.container, "docker pull busybox && docker tag busybox x/hello-docker");
    const failed = await until(
      async () => updates.find((u) => u.exerciseId === "images.build-hello" && u.status === "failed"),
      15_000,
      "build-hello failed",
    );
    // busybox is one layer, like scratch plus one ADD; that it was pulled gives it away.
    expect(failed.message.en).toMatch(/came from a registry \(busybox\), so it is not your own build/);
  } finally {
    grader.dispose();
    store.dispose();
  }
});
