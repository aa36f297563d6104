// The teacher's dashboard, live: socket.io namespace /teach, one room per class. A
// teacher's page asks to watch one of their classes and gets its snapshot; from then on
// every change to a learner of that class (progress, joining, their box, the lesson they
// opened) arrives as that learner's whole row. Only a teacher's session may connect.
import type { Namespace, Server, Socket } from "socket.io";
import type { LabEvent, LabEvents } from "../events/labEvents.ts";
import type { Logger } from "../log.ts";
import type { DashboardRow, DashboardSnapshot, LearnerBoxState, ServerToTeacher, TeacherToServer } from "../protocol.ts";
import { langOrEnglish } from "../protocol.ts";
import { originAllowed } from "../terminal/gateway.ts";
import type { TerminalWatcher } from "../terminal/terminalSession.ts";
import { msg } from "../checks/types.ts";
import { ClassError, type Classes, type GridRow } from "./classes.ts";

const NOT_WATCHABLE = msg(
  "That learner has no terminal open right now: try again when they are back.",
  "这位学员现在没有打开终端：等他回来后再试。",
);

export const TEACHER_NAMESPACE = "/teach";
const room = (code: string) => `class:${code}`;

type TeacherSocket = Socket<TeacherToServer, ServerToTeacher, Record<string, never>, { teacher: string }>;

/** The learners' shells, seen from outside (the terminal gateway). */
export interface TerminalsToWatch {
  watchTerminal(learnerId: string, watcher: TerminalWatcher): { replay: string; stop: () => void } | undefined;
}

/** Who the teacher of a request is, from its Cookie header (the web side's teacher sessions). */
export interface TeacherOfCookie {
  fromCookieHeader(header: string | undefined): string | undefined;
}

export interface DashboardLiveDeps {
  io: Server;
  terminals: TerminalsToWatch;
  teacherSessions: TeacherOfCookie;
  classes: Classes;
  events: LabEvents;
  allowedOrigins: string[];
  log: Logger;
}

export class DashboardLive {
  private readonly ns: Namespace<TeacherToServer, ServerToTeacher, Record<string, never>, { teacher: string }>;
  /** What the server last saw of each learner's page and box (not stored: it is live state). */
  private readonly seen = new Map<string, { lessonId?: string; box?: LearnerBoxState }>();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly d: DashboardLiveDeps) {
    // The server's types are the learner's events; this namespace speaks the teacher's.
    type TeacherServer = Server<TeacherToServer, ServerToTeacher, Record<string, never>, { teacher: string }>;
    this.ns = (d.io as unknown as TeacherServer).of(TEACHER_NAMESPACE);
    this.ns.use((socket, next) => {
      const { headers } = socket.handshake;
      if (!originAllowed(headers.origin, headers.host, d.allowedOrigins)) return next(new Error("403: this page's origin may not open the dashboard"));
      const teacher = d.teacherSessions.fromCookieHeader(headers.cookie);
      if (!teacher) return next(new Error("403: the dashboard is for teachers; log in at /teach/login"));
      socket.data.teacher = teacher;
      next();
    });
    this.ns.on("connection", (socket) => this.onConnection(socket));
    this.unsubscribe = d.events.on((e) => this.onEvent(e));
  }

  private onConnection(socket: TeacherSocket): void {
    // One watched terminal per dashboard page; no event here ever writes to a shell.
    let stopWatching: (() => void) | undefined;
    const unwatch = () => {
      stopWatching?.();
      stopWatching = undefined;
    };
    socket.on("disconnect", unwatch);
    socket.on("terminal:unwatch", unwatch);
    socket.on("terminal:watch", (req, ack) => {
      if (typeof ack !== "function") return;
      const lang = langOrEnglish(req?.lang);
      const learnerId = typeof req?.learnerId === "string" ? req.learnerId : "";
      try {
        // Only a learner of one of this teacher's classes.
        const membership = this.d.classes.membership(learnerId);
        if (!membership) throw new ClassError(404, msg("There is no such learner in your classes.", "你的班级里没有这位学员。"));
        this.d.classes.ownedBy(socket.data.teacher, membership.class.code);
        unwatch();
        const watcher: TerminalWatcher = {
          output: (data) => socket.emit("terminal:output", { learnerId, data }),
          ended: () => {
            stopWatching = undefined;
            socket.emit("terminal:ended", { learnerId });
          },
        };
        const watched = this.d.terminals.watchTerminal(learnerId, watcher);
        if (!watched) return ack({ ok: false, error: NOT_WATCHABLE[lang] });
        stopWatching = watched.stop;
        ack({ ok: true, replay: watched.replay });
      } catch (err) {
        if (!(err instanceof ClassError)) throw err;
        ack({ ok: false, error: err.text[lang] });
      }
    });
    socket.on("class:watch", (req, ack) => {
      if (typeof ack !== "function") return;
      const lang = langOrEnglish(req?.lang);
      try {
        const grid = this.d.classes.grid(socket.data.teacher, typeof req?.code === "string" ? req.code : "");
        for (const r of socket.rooms) if (r !== socket.id) void socket.leave(r);
        void socket.join(room(grid.class.code));
        const snapshot: DashboardSnapshot = {
          class: grid.class,
          exercises: grid.exercises.map((e) => ({ id: e.id, lessonId: e.lessonId, title: e.title[lang] })),
          learners: grid.learners.map((r) => this.withSeen(r)),
          joinPath: `/join/${grid.class.code}`,
        };
        ack({ ok: true, snapshot });
      } catch (err) {
        if (!(err instanceof ClassError)) throw err;
        ack({ ok: false, error: err.text[lang] });
      }
    });
  }

  private onEvent(e: LabEvent): void {
    const found = this.d.classes.rowOf(e.learnerId);
    // Self-paced learners are nobody's to watch: nothing of theirs is kept here.
    if (!found) return;
    if (e.type === "box" || e.type === "lesson") {
      const s = this.seen.get(e.learnerId) ?? {};
      if (e.type === "box") s.box = e.state;
      else s.lessonId = e.lessonId;
      this.seen.set(e.learnerId, s);
    }
    this.ns.to(room(found.code)).emit("row", { code: found.code, row: this.withSeen(found.row) });
  }

  private withSeen(row: GridRow): DashboardRow {
    return { ...row, ...this.seen.get(row.learnerId) };
  }

  /** Connected teacher pages (for leak counts and the bench). */
  get connections(): number {
    return this.ns.sockets.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    this.ns.disconnectSockets(true);
    this.ns.removeAllListeners();
  }
}
