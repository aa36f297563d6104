// The teacher's live dashboard against the real server, real boxes and real daemons:
// three students join a class over HTTP and open their terminals (socket.io-client), one
// pulls an image, and the teacher's page (the /teach namespace) hears every change as a
// whole row. Learners and other teachers are refused.
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import type { DashboardRow, ExerciseUpdate, WatchAck } from "../../server/protocol.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { startTestLab, stopTestLab, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
const learners: SocketLearner[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
});
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const l of learners) l.close();
  await stopTestLab(lab, config);
});

const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0];
const postJson = (path: string, body: unknown, cookie: string) =>
  fetch(`${lab.url}${path}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });

async function teacherLogin(name: string, password: string): Promise<string> {
  return cookieOf(await postJson("/api/teach/login", { name, password }, ""), "shiplab_teacher")!;
}

function teacherSocket(cookie: string): Socket {
  // forceNew: a learner socket to the same host must not share this one's connection (and cookie).
  const s = io(`${lab.url}/teach`, { transports: ["websocket"], extraHeaders: { cookie, origin: lab.url }, reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}

it("shows a class live: students joining, their boxes, and an exercise passing as the student sees it", async () => {
  const teacher = await teacherLogin("teacher", lab.firstTeacher!.generatedPassword!);
  const created = await postJson("/api/teach/classes", { name: "Live class", lessons: ["images"] }, teacher);
  const { code } = (await created.json()) as { code: string };

  const dash = teacherSocket(teacher);
  const rows: { at: number; row: DashboardRow }[] = [];
  dash.on("row", (u: { code: string; row: DashboardRow }) => rows.push({ at: Date.now(), row: u.row }));
  const ack = await dash.timeout(10_000).emitWithAck("class:watch", { code, lang: "zh-CN" }) as WatchAck;
  expect(ack.ok).toBe(true);
  if (!ack.ok) return;
  expect(ack.snapshot.learners).toEqual([]);
  expect(ack.snapshot.exercises[0]).toMatchObject({ id: "images.pull", title: "拉取 busybox" });

  // Three students join and open their terminals.
  const names = ["Ada", "王小明", "Grace"];
  for (const name of names) {
    const cookie = cookieOf(await fetch(`${lab.url}/`), "shiplab_learner")!;
    expect((await postJson("/api/join", { code, name }, cookie)).status).toBe(201);
    learners.push(await openSocketLearner(lab.url, { cookie, lesson: "images" }));
  }
  const latest = (name: string) => rows.filter((r) => r.row.displayName === name).at(-1)?.row;
  await until(async () => names.every((n) => latest(n)?.box === "ready"), 30_000, "every student's box ready on the dashboard");

  // One pulls busybox: their page and the teacher's grid hear it together.
  const ada = learners[0];
  const passedForAda = ada.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull" && u.status === "passed", 60_000);
  ada.socket.emit("term:input", "docker pull busybox\r");
  await passedForAda;
  const seenByLearner = Date.now();
  const row = await until(async () => rows.find((r) => r.row.displayName === "Ada" && r.row.cells["images.pull"]?.status === "passed"), 5_000, "the pass on the dashboard");
  expect(row.at - seenByLearner).toBeLessThan(1000);
  expect(row.row.passed).toBe(1);

  // A reload of the dashboard shows the same.
  const again = (await dash.timeout(10_000).emitWithAck("class:watch", { code })) as WatchAck;
  expect(again.ok && again.snapshot.learners.map((l) => [l.displayName, l.passed, l.box])).toEqual([
    ["Ada", 1, "ready"],
    ["王小明", 0, "ready"],
    ["Grace", 0, "ready"],
  ]);

  // Ending the class reaps its boxes, and the students are told.
  const told = learners[1].next<{ state: string; message: string }>("box:state", (s) => s.state === "error", 30_000);
  expect((await postJson(`/api/teach/classes/${code}/end`, {}, teacher)).status).toBe(200);
  expect((await told).message).toMatch(/class has ended/);
  await until(async () => names.every((n) => latest(n)?.box === "reaped"), 60_000, "every box reaped on the dashboard");
});

it("refuses the dashboard to a learner, and another teacher's class to a teacher", async () => {
  const learnerCookie = cookieOf(await fetch(`${lab.url}/`), "shiplab_learner")!;
  const refused = teacherSocket(learnerCookie);
  const error = await new Promise<Error>((resolve) => refused.once("connect_error", resolve));
  expect(error.message).toMatch(/^403/);

  const code = lab.classes.create("teacher", { name: "Not yours", lessons: ["images"] }).code;
  const other = await teacherLogin("mr.wang", await lab.teachers.add("mr.wang"));
  const otherSocket = teacherSocket(other);
  const ack = (await otherSocket.timeout(10_000).emitWithAck("class:watch", { code })) as WatchAck;
  expect(ack).toEqual({ ok: false, error: "That class is another teacher's." });
  // Nor may they watch the terminal of a learner in that class, or of one in no class.
  lab.classes.join(code, "0123456789abcdef", "Someone");
  expect(await otherSocket.timeout(10_000).emitWithAck("terminal:watch", { learnerId: "0123456789abcdef" })).toEqual({ ok: false, error: "That class is another teacher's." });
  expect(await otherSocket.timeout(10_000).emitWithAck("terminal:watch", { learnerId: "fedcba9876543210" })).toEqual({ ok: false, error: "There is no such learner in your classes." });
});
