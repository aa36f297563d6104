// Issue 8's figures: how long the teacher's dashboard takes to show a student's progress
// with a class of 30 connected (socket.io-client students, so browsers do not dominate
// the machine), and how much server memory each connected teacher page costs.
import { io, type Socket } from "socket.io-client";
import type { DashboardRow, ExerciseUpdate, WatchAck } from "../../server/protocol.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { startTestLab } from "../support/testHost.ts";

export interface ClassroomFigures {
  students: number;
  /** Enter of `docker pull` → the row on the dashboard, ms. */
  commandToDashboard: number[];
  /** The student's own page hears the pass → the dashboard hears it, ms. */
  studentToDashboard: number[];
  /** Server RSS per connected, watching teacher page, MiB (coarse: RSS grows in steps). */
  rssPerTeacherMiB: number;
  /** Server JavaScript heap per connected, watching teacher page, KiB. */
  heapPerTeacherKiB: number;
  teacherPages: number;
}

const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0];

export async function classroomFigures(students = 30, samples = 10, teacherPages = 20): Promise<ClassroomFigures> {
  const { lab } = await startTestLab({ warmPool: 0 });
  const learners: SocketLearner[] = [];
  const teachers: Socket[] = [];
  try {
    const post = (p: string, body: unknown, cookie = "") =>
      fetch(`${lab.url}${p}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });
    const teacher = cookieOf(await post("/api/teach/login", { name: "teacher", password: lab.firstTeacher!.generatedPassword }), "shiplab_teacher")!;
    const { code } = (await (await post("/api/teach/classes", { name: "Bench class", lessons: ["images"] }, teacher)).json()) as { code: string };

    const watchClass = async (): Promise<Socket> => {
      const s = io(`${lab.url}/teach`, { transports: ["websocket"], extraHeaders: { cookie: teacher, origin: lab.url }, forceNew: true });
      teachers.push(s);
      const ack = (await s.timeout(30_000).emitWithAck("class:watch", { code })) as WatchAck;
      if (!ack.ok) throw new Error(ack.error);
      return s;
    };
    const dashboard = await watchClass();
    const rowsSeen: { at: number; row: DashboardRow }[] = [];
    dashboard.on("row", (u: { row: DashboardRow }) => rowsSeen.push({ at: performance.now(), row: u.row }));

    // The class arrives, five at a time.
    for (let i = 0; i < students; i += 5) {
      const batch = Array.from({ length: Math.min(5, students - i) }, async (_, k) => {
        const cookie = cookieOf(await fetch(`${lab.url}/`), "shiplab_learner")!;
        await post("/api/join", { code, name: `Student ${i + k + 1}` }, cookie);
        return openSocketLearner(lab.url, { cookie, lesson: "images", timeoutMs: 180_000 });
      });
      learners.push(...(await Promise.all(batch)));
    }

    const commandToDashboard: number[] = [];
    const studentToDashboard: number[] = [];
    for (let i = 0; i < Math.min(samples, learners.length); i++) {
      const l = learners[i];
      const name = `Student ${i + 1}`;
      const passed = l.next<ExerciseUpdate>("exercise", (u) => u.id === "images.pull" && u.status === "passed", 120_000).then(() => performance.now());
      const t0 = performance.now();
      l.socket.emit("term:input", "docker pull -q busybox\r");
      const studentAt = await passed;
      const deadline = Date.now() + 10_000;
      let seen: number | undefined;
      while (seen === undefined && Date.now() < deadline) {
        seen = rowsSeen.find((r) => r.row.displayName === name && r.row.cells["images.pull"]?.status === "passed")?.at;
        if (seen === undefined) await new Promise((r) => setTimeout(r, 5));
      }
      if (seen === undefined) throw new Error(`the dashboard never showed ${name}'s pass`);
      commandToDashboard.push(seen - t0);
      studentToDashboard.push(seen - studentAt);
    }

    // Teacher pages: RSS before and after connecting more of them, all watching the class.
    await new Promise((r) => setTimeout(r, 2000));
    const before = process.memoryUsage();
    for (let i = 0; i < teacherPages; i++) await watchClass();
    await new Promise((r) => setTimeout(r, 2000));
    const after = process.memoryUsage();
    return {
      students: learners.length,
      commandToDashboard,
      studentToDashboard,
      rssPerTeacherMiB: (after.rss - before.rss) / teacherPages / 1024 ** 2,
      heapPerTeacherKiB: (after.heapUsed - before.heapUsed) / teacherPages / 1024,
      teacherPages,
    };
  } finally {
    for (const t of teachers) t.close();
    for (const l of learners) l.close();
    await lab.dispose({ removeBoxes: true });
  }
}
