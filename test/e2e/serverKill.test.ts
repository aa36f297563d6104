// The server is killed with SIGKILL mid-lesson, mid-class (no clean shutdown at all) and
// started again: the learner's box is adopted, their terminal comes back, no progress or
// answer is lost (the store is SQLite in WAL mode), and the class and its grid are intact.
// The server runs as a real process here.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import type { AnswerAck, ExerciseUpdate, LessonPayload } from "../../server/protocol.ts";
import { REPO_ROOT } from "../../server/paths.ts";
import { LABEL } from "../../server/sandbox/labels.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { engineDocker, freePort, removeTestObjects, testConfig } from "../support/testHost.ts";

const instance = `k${process.pid.toString(36)}`;
const TEACHER_PASSWORD = "kill-test-teacher";
let server: ChildProcess | undefined;
const learners: SocketLearner[] = [];

/** `shiplab start` as its own process, until it says it serves. */
async function startServer(port: number): Promise<ChildProcess> {
  const config = testConfig();
  const env = {
    ...process.env,
    PORT: String(port),
    SHIPLAB_BIND: "127.0.0.1",
    SHIPLAB_INSTANCE: instance,
    SHIPLAB_WARM_POOL: "0",
    SHIPLAB_STATE_DIR: config.stateDir,
    SHIPLAB_REGISTRY_PORT: String(config.registryPort),
    SHIPLAB_TEST_RUN: config.testRun,
    SHIPLAB_TEACHER_PASSWORD: TEACHER_PASSWORD,
  };
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "server", "cli.ts"), "start"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the server did not start:\n${text}`)), 120_000);
    const onData = (c: Buffer) => {
      text += c.toString();
      if (/is serving/.test(text)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the server exited (${code}):\n${text}`)));
  });
  return child;
}

async function boxContainers(): Promise<string[]> {
  const list = await engineDocker().listContainers({ filters: { label: [`${LABEL.instance}=${instance}`] } });
  return list.map((c) => c.Id);
}

afterAll(async () => {
  for (const l of learners) l.close();
  server?.kill("SIGKILL");
  await removeTestObjects(instance);
});

it("survives SIGKILL mid-lesson: box adopted, terminal back, progress and answers kept", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  server = await startServer(port);

  // Mid-class: a teacher's class, and the learner in it.
  const post = (p: string, body: unknown, cookie = "") =>
    fetch(`${url}${p}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });
  const login = await post("/api/teach/login", { name: "teacher", password: TEACHER_PASSWORD });
  const teacher = login.headers.getSetCookie().find((c) => c.startsWith("shiplab_teacher="))!.split(";")[0];
  const { code } = (await (await post("/api/teach/classes", { name: "Killed class", lessons: ["images", "architecture"] }, teacher)).json()) as { code: string };
  const cookie = (await fetch(`${url}/`)).headers.getSetCookie()[0].split(";")[0];
  expect((await post("/api/join", { code, name: "Ada" }, cookie)).status).toBe(201);
  const learner = await openSocketLearner(url, { cookie, lesson: "images" });
  learners.push(learner);
  const pulled = learner.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull" && u.status === "passed", 60_000);
  learner.socket.emit("term:input", "docker pull -q busybox\r");
  await pulled;
  const ack = await new Promise<AnswerAck>((resolve) =>
    learner.socket.emit("answer:submit", { exerciseId: "architecture.quiz", answer: { see: 1 } }, (a: AnswerAck) => resolve(a)),
  );
  expect(ack.ok).toBe(true);
  const boxesBefore = await boxContainers();
  expect(boxesBefore).toHaveLength(1);

  server.kill("SIGKILL");
  await new Promise((r) => server!.once("exit", r));
  learner.close();

  server = await startServer(port);
  // The same learner (same cookie) comes back: same box, a working terminal, progress sent.
  const back = await openSocketLearner(url, { cookie: learner.cookie });
  learners.push(back);
  expect(await boxContainers()).toEqual(boxesBefore);
  expect((await back.echoes(1)).length).toBe(2);
  const images = back.received.filter((e) => e.event === "exercise").map((e) => e.payload as ExerciseUpdate);
  expect(images.find((u) => u.id === "images.pull")?.status).toBe("passed");
  const lesson = (await (await fetch(`${url}/api/lessons/architecture`, { headers: { cookie: learner.cookie } })).json()) as LessonPayload;
  expect(lesson.exercises.find((e) => e.id === "architecture.quiz")?.answer).toEqual({ see: 1 });
  // The class and its grid are intact: the teacher (same session) sees the pass.
  const grid = (await (await fetch(`${url}/api/teach/classes/${code}`, { headers: { cookie: teacher } })).json()) as {
    learners: { displayName: string; cells: Record<string, { status: string }> }[];
  };
  expect(grid.learners.map((l) => [l.displayName, l.cells["images.pull"]?.status])).toEqual([["Ada", "passed"]]);
  // The box still holds what the learner pulled before the kill.
  const out = back.next<string>("term:output", (d) => d.includes("busybox"), 30_000);
  back.socket.emit("term:input", "docker images --format '{{.Repository}}'\r");
  await out;
});
