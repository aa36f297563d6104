// Only what the learner really did counts, on a real box and daemon: a lesson's set-up
// (which pulls busybox) passes nothing; work done before a lesson was opened does not
// count for its exercises; a teacher's reset makes an exercise count afresh; --rm
// containers are not the learner's clean-up; answers are judged when submitted, with a
// limit of tries.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { MAX_ANSWER_TRIES } from "../../server/checks/grader.ts";
import type { AnswerAck, ExerciseUpdate } from "../../server/protocol.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { sh, startTestLab, stopTestLab, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
const sockets: SocketLearner[] = [];

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await stopTestLab(lab, config);
});

const learnerIdOf = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0];
const latest = (l: SocketLearner, id: string) =>
  l.received
    .filter((r) => r.event === "exercise" && (r.payload as ExerciseUpdate).id === id)
    .map((r) => r.payload as ExerciseUpdate)
    .at(-1);

it("counts neither a lesson's set-up nor work before the lesson was opened, and counts afresh after a reset", async () => {
  // The containers lesson first: its set-up pulls busybox (by digest) and starts secret-keeper.
  const containers = await openSocketLearner(lab.url, { lesson: "containers" });
  sockets.push(containers);
  const learnerId = learnerIdOf(containers.cookie);
  const box = lab.sandbox.boxOf(learnerId)!;
  await until(async () => (await sh(box.container, "docker ps --format '{{.Names}}'")).out.includes("secret-keeper"), 60_000, "the lesson's set-up");
  const tags = await sh(box.container, "docker images --format '{{.Repository}}:{{.Tag}}'");
  expect(tags.out).not.toContain("busybox:latest");

  // Work for the images lesson, before it is opened.
  expect((await sh(box.container, "docker pull -q busybox:1.37")).code).toBe(0);

  // Now the images lesson opens: neither the set-up's pull nor the early one counts.
  const images = await openSocketLearner(lab.url, { cookie: containers.cookie, lesson: "images" });
  sockets.push(images);
  const early = await until(async () => latest(images, "images.pull-tag"), 30_000, "images.pull-tag checked");
  expect(early.status).toBe("pending");
  expect(early.message).toMatch(/pulled before you started this exercise/);
  expect(latest(images, "images.pull")?.status).toBe("pending");

  // Done now, it counts.
  const tagPassed = images.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull-tag" && u.status === "passed", 60_000);
  const pullPassed = images.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull" && u.status === "passed", 60_000);
  expect((await sh(box.container, "docker pull -q busybox:1.37 && docker pull -q busybox")).code).toBe(0);
  await tagPassed;
  await pullPassed;

  // A teacher resets images.pull: it is pending again, and the earlier pull no longer counts.
  const code = lab.classes.create("teacher", { name: "Reset class", lessons: ["images"] }).code;
  lab.classes.join(code, learnerId, "Ada");
  const login = await fetch(`${lab.url}/api/teach/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "teacher", password: lab.firstTeacher!.generatedPassword }),
  });
  const teacher = login.headers.getSetCookie().find((c) => c.startsWith("shiplab_teacher="))!.split(";")[0];
  const pendingAgain = images.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull" && u.status === "pending", 10_000);
  const reset = await fetch(`${lab.url}/api/teach/classes/${code}/learners/${learnerId}/exercises/images.pull/reset`, { method: "POST", headers: { cookie: teacher } });
  expect(reset.status).toBe(200);
  await pendingAgain;
  await until(async () => latest(images, "images.pull")?.message.match(/pulled before you started/), 30_000, "the old pull judged");
  expect(latest(images, "images.pull")?.status).toBe("pending");
  const passedAgain = images.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull" && u.status === "passed", 60_000);
  expect((await sh(box.container, "docker pull -q busybox")).code).toBe(0);
  await passedAgain;

  // Another class's exercise cannot be reset through this class.
  const other = await fetch(`${lab.url}/api/teach/classes/${code}/learners/${learnerId}/exercises/containers.logs/reset`, { method: "POST", headers: { cookie: teacher } });
  expect(other.status).toBe(404);
});

it("does not count containers the daemon removed itself (--rm) as the learner's clean-up", async () => {
  const learner = await openSocketLearner(lab.url, { lesson: "containers" });
  sockets.push(learner);
  const box = lab.sandbox.boxOf(learnerIdOf(learner.cookie))!;
  await until(async () => (await sh(box.container, "docker ps --format '{{.Names}}'")).out.includes("secret-keeper"), 60_000, "the lesson's set-up");
  for (let i = 0; i < 3; i++) expect((await sh(box.container, "docker run --rm busybox true")).code).toBe(0);
  await new Promise((r) => setTimeout(r, 1000));
  expect(latest(learner, "containers.cleanup")?.status).not.toBe("passed");

  const passed = learner.next<ExerciseUpdate>("exercise", (u) => u.id === "containers.cleanup" && u.status === "passed", 60_000);
  const cleanUp = await sh(box.container, "docker run busybox true && docker run busybox true && docker rm $(docker ps -aq -f status=exited)");
  expect(cleanUp.code, cleanUp.out).toBe(0);
  // Two removed by the learner; the three --rm containers are not in the count.
  expect((await passed).message).toMatch(/\b2 removed/);
});

it("judges an answer when it is submitted, never again on later events, and allows five wrong tries", async () => {
  const learner = await openSocketLearner(lab.url, { lesson: "containers" });
  sockets.push(learner);
  const box = lab.sandbox.boxOf(learnerIdOf(learner.cookie))!;
  await until(async () => (await sh(box.container, "docker ps --format '{{.Names}}'")).out.includes("secret-keeper"), 60_000, "the lesson's set-up");
  const submit = (l: SocketLearner, exerciseId: string, answer: unknown) =>
    new Promise<AnswerAck>((resolve) => l.socket.emit("answer:submit", { exerciseId, answer }, (a: AnswerAck) => resolve(a)));

  // A guess at the address the next container will get: the one after secret-keeper's (the
  // set-up's, the first on the box's own bridge, whose subnet the box's daemon chose).
  const keeper = (await sh(box.container, "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' secret-keeper")).out.trim();
  // Where the lessons say it is: the box bridge leaves 172.17/16 to the box's own Docker
  // (the lab engine's address pools).
  expect(keeper).toBe("172.17.0.2");
  const guess = keeper.replace(/\.2$/, ".3");
  const failed = learner.next<ExerciseUpdate>("exercise", (u) => u.id === "containers.inspect" && u.status === "failed", 30_000);
  expect((await submit(learner, "containers.inspect", guess)).ok).toBe(true);
  await failed;
  // The container that gets that address starts: the old guess does not turn right by itself.
  expect((await sh(box.container, "docker run -d --name web busybox httpd -f -p 80 && docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' web")).out).toContain(guess);
  await new Promise((r) => setTimeout(r, 1500));
  expect(latest(learner, "containers.inspect")?.status).toBe("failed");
  // Submitted again, now that it is true, it passes.
  const passed = learner.next<ExerciseUpdate>("exercise", (u) => u.id === "containers.inspect" && u.status === "passed", 30_000);
  expect((await submit(learner, "containers.inspect", guess)).ok).toBe(true);
  await passed;
  // Passed, a different answer is refused with a sentence rather than met with silence.
  const again = await submit(learner, "containers.inspect", "172.17.0.99");
  expect(again).toEqual({ ok: false, message: expect.stringContaining("passed this exercise already") });
  expect(lab.store.answers(learnerIdOf(learner.cookie)).get("containers.inspect")).toEqual(guess);

  // A quiz of three questions cannot be guessed by trying all 27 answers: five wrong tries, then no more.
  const quizPage = await openSocketLearner(lab.url, { cookie: learner.cookie, lesson: "architecture" });
  sockets.push(quizPage);
  const wrong = { see: 0, limit: 1, layers: 0 };
  for (let i = 1; i <= MAX_ANSWER_TRIES; i++) {
    const judged = quizPage.next<ExerciseUpdate>("exercise", (u) => u.id === "architecture.quiz" && u.status === "failed", 30_000);
    expect((await submit(quizPage, "architecture.quiz", wrong)).ok).toBe(true);
    await judged;
  }
  const refused = await submit(quizPage, "architecture.quiz", { see: 1, limit: 0, layers: 2 });
  expect(refused).toEqual({ ok: false, message: expect.stringMatching(/used your 5 tries/) });
  expect(lab.store.forLearner(learnerIdOf(learner.cookie)).get("architecture.quiz")).toMatchObject({ status: "failed", attempts: MAX_ANSWER_TRIES });
});
