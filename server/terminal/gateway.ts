// The terminal socket: checks the page's Origin and the learner cookie before accepting,
// gives the learner their box and shell, and carries keystrokes, output, resizes and
// exercise results. Everything a connection registers is undone when it goes.
import type { Server, Socket } from "socket.io";
import type { Grader } from "../checks/grader.ts";
import { localize, MAX_ANSWER_TRIES } from "../checks/grader.ts";
import { AnswerError, type Localized } from "../checks/types.ts";
import type { LessonCatalog } from "../lessons/catalog.ts";
import { ensureLessonSetup } from "../lessons/lessonSetup.ts";
import { inBackground } from "../background.ts";
import type { Logger } from "../log.ts";
import type { LabEvents } from "../events/labEvents.ts";
import { type ProgressStore, StoreWriteError } from "../store/progressStore.ts";
import { langOrEnglish, type AnswerAck, type AnswerSubmission, type ClientToServer, type Lang, type ServerToClient } from "../protocol.ts";
import { EngineUnavailableError } from "../sandbox/errors.ts";
import type { Box, SandboxManager } from "../sandbox/sandboxManager.ts";
import type { LearnerSessions } from "../web/session.ts";
import { BOX_MESSAGES } from "./messages.ts";
import { TerminalSession, validSize, type TerminalPeer, type TerminalWatcher } from "./terminalSession.ts";

const MAX_INPUT = 64 * 1024;
/** How long acquiring a box may take before the page is told it is starting. */
const STARTING_NOTICE_MS = 100;
/** Every event a page may send (ClientToServer); anything else is refused. */
const CLIENT_EVENTS = new Set<string>(["term:input", "term:resize", "term:restart", "check:run", "answer:submit"] satisfies (keyof ClientToServer)[]);

export interface GatewayDeps {
  lessons: LessonCatalog;
  store: ProgressStore;
  io: Server<ClientToServer, ServerToClient>;
  sessions: LearnerSessions;
  sandbox: SandboxManager;
  grader: Grader;
  log: Logger;
  graceMs: number;
  allowedOrigins: string[];
  /** Where box states and opened lessons are announced (the teacher's dashboard). */
  events?: LabEvents;
  /** A lab registry image by digest, for lesson set-ups (see lessonSetup.ts). */
  byDigest?: (image: string) => Promise<string>;
}

type LearnerSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, { learnerId: string; lang: Lang }>;

/** Same-origin (the Host the page was served from) or explicitly allowed. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (!origin || !host) return false;
  if (allowed.includes(origin)) return true;
  try {
    const u = new URL(origin);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host === host;
  } catch {
    return false;
  }
}

export class TerminalGateway {
  private readonly terminals = new Map<string, TerminalSession>();
  /** Shells opened ahead of time in warm-pool boxes, by box id. */
  private readonly prewarmed = new Map<string, TerminalSession>();
  private readonly sockets = new Map<string, Set<LearnerSocket>>();
  /** Which box each shell runs in. */
  private readonly sessionBox = new WeakMap<TerminalSession, string>();
  /** Per open page: what to do when its learner's box goes away. */
  private readonly boxGoneListeners = new Map<LearnerSocket, () => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private disposed = false;

  constructor(private readonly d: GatewayDeps) {
    d.io.use((socket, next) => {
      const { headers } = socket.handshake;
      if (!originAllowed(headers.origin, headers.host, d.allowedOrigins)) {
        return next(new Error(BOX_MESSAGES.badOrigin.en));
      }
      const learnerId = d.sessions.fromCookieHeader(headers.cookie);
      if (!learnerId) return next(new Error(BOX_MESSAGES.noSession.en));
      const lang = socket.handshake.query.lang;
      socket.data.learnerId = learnerId;
      socket.data.lang = langOrEnglish(lang);
      next();
    });
    d.io.on("connection", (socket) => void inBackground(d.log, "a learner's connection", () => this.onConnection(socket as LearnerSocket)));
    // Boxes already warm (adopted at start) get their shell now; later ones when pooled.
    for (const box of d.sandbox.list()) if (!box.learnerId) this.prewarm(box);
    this.unsubscribe.push(
      d.grader.onUpdate((learnerId, rec) => {
        for (const s of this.sockets.get(learnerId) ?? []) s.emit("exercise", localize(rec, s.data.lang));
      }),
      d.grader.onSaving((learnerId, saving) => {
        const m = saving ? BOX_MESSAGES.progressSavedAgain : BOX_MESSAGES.progressUnsaved;
        for (const s of this.sockets.get(learnerId) ?? []) s.emit("progress:saving", { saving, message: m[s.data.lang] });
      }),
      d.sandbox.onPooled((box) => this.prewarm(box)),
      d.sandbox.onApiCall((box, call) => {
        if (box.learnerId) for (const s of this.sockets.get(box.learnerId) ?? []) s.emit("engine:calls", { calls: [call], earlier: false });
      }),
      d.sandbox.onRemoved((box, reason) => {
        this.prewarmed.get(box.id)?.dispose();
        if (!box.learnerId) return;
        d.grader.unwatch(box.learnerId);
        this.terminals.get(box.learnerId)?.dispose();
        for (const s of this.sockets.get(box.learnerId) ?? []) this.boxGoneListeners.get(s)?.();
        this.tell(box.learnerId, "error", BOX_MESSAGES.removed(reason));
        d.events?.emit({ type: "box", learnerId: box.learnerId, state: reason === "died" ? "dead" : "reaped" });
      }),
    );
  }

  /**
   * A read-only view of the learner's shell (a teacher watching): undefined when the
   * learner has no shell open right now. Nothing is ever written to the shell from here.
   */
  watchTerminal(learnerId: string, watcher: TerminalWatcher): { replay: string; stop: () => void } | undefined {
    return this.terminals.get(learnerId)?.watch(watcher);
  }

  private tell(learnerId: string, state: "error" | "ready", message: Localized): void {
    for (const s of this.sockets.get(learnerId) ?? []) s.emit("box:state", { state, message: message[s.data.lang] });
  }

  private async onConnection(socket: LearnerSocket): Promise<void> {
    const { learnerId, lang } = socket.data;
    let mine = this.sockets.get(learnerId);
    if (!mine) this.sockets.set(learnerId, (mine = new Set()));
    mine.add(socket);
    for (const rec of this.d.grader.records(learnerId).values()) socket.emit("exercise", localize(rec, lang));
    const lessonId = socket.handshake.query.lesson;
    if (typeof lessonId === "string" && this.d.lessons.get(lessonId)) {
      this.d.grader.openLesson(learnerId, lessonId);
      this.d.events?.emit({ type: "lesson", learnerId, lessonId });
    }
    if (!this.d.grader.saving(learnerId)) socket.emit("progress:saving", { saving: false, message: BOX_MESSAGES.progressUnsaved[lang] });

    let terminal: TerminalSession | undefined;
    const peer: TerminalPeer = {
      output: (data) => socket.emit("term:output", data),
      shellExited: () => socket.emit("box:state", { state: "shell-exited", message: BOX_MESSAGES.shellExited[lang] }),
      shellRestarted: () => socket.emit("box:state", { state: "ready", message: BOX_MESSAGES.shellRestarted[lang] }),
    };
    const cleanup = () => {
      this.boxGoneListeners.delete(socket);
      mine!.delete(socket);
      if (mine!.size === 0) this.sockets.delete(learnerId);
      if (terminal) {
        terminal.detach(peer);
        this.d.sandbox.setAttached(learnerId, false);
      }
      terminal = undefined;
    };
    socket.on("disconnect", cleanup);
    // What a page never sends is refused with a sentence to that page alone; a handler
    // that throws is refused the same way, never taken down with the server.
    const refuse = (event: string, why: Localized) =>
      socket.emit("request:refused", { event: event.slice(0, 64), message: why[socket.data.lang] });
    const on = <A extends unknown[]>(event: keyof ClientToServer, handler: (...args: A) => void) => {
      socket.on(event, ((...args: A) => {
        try {
          handler(...args);
        } catch (err) {
          this.d.log.warn(`learner ${learnerId}: ${event} failed: ${(err as Error).message}`);
          refuse(event, BOX_MESSAGES.requestFailed);
        }
      }) as never);
    };
    socket.onAny((event: unknown) => {
      if (typeof event !== "string" || !CLIENT_EVENTS.has(event)) refuse(String(event), BOX_MESSAGES.unknownEvent);
    });
    // Registered before the box is ready: the page sends its size as soon as it connects.
    let size: { cols: number; rows: number } | undefined;
    let bringBackBox = () => {};
    on("term:input", (data: unknown) => {
      if (typeof data !== "string" || data.length > MAX_INPUT) return refuse("term:input", BOX_MESSAGES.inputNotText);
      if (terminal) terminal.write(data);
      else bringBackBox();
    });
    // A program that ignores Ctrl-C (a container's PID 1 does) must not hold the learner's
    // only terminal: a new shell, in the same box, with everything made in it still there.
    on("term:restart", () => {
      if (terminal) terminal.restart();
      else bringBackBox();
    });
    on("term:resize", (raw: unknown) => {
      const valid = validSize(raw);
      if (!valid) return refuse("term:resize", BOX_MESSAGES.badSize);
      size = valid;
      terminal?.resize(size);
    });
    on("answer:submit", (submission: Partial<AnswerSubmission> | null | undefined, ack: unknown) => {
      if (typeof ack !== "function") return refuse("answer:submit", BOX_MESSAGES.needsAck);
      const reply = ack as (result: AnswerAck) => void;
      const refuseAnswer = (m: Localized) => reply({ ok: false, message: m[socket.data.lang] });
      const ex = typeof submission?.exerciseId === "string" ? this.d.lessons.exercise(submission.exerciseId) : undefined;
      if (!ex || !ex.check.kind.parseAnswer) return refuseAnswer(BOX_MESSAGES.noSuchAnswerExercise);
      let answer: unknown;
      try {
        answer = ex.check.kind.parseAnswer(ex.check.params, submission!.answer);
      } catch (err) {
        if (!(err instanceof AnswerError)) throw err;
        return refuseAnswer(BOX_MESSAGES.malformedAnswer(err.text));
      }
      // Passed stays passed, so a new answer would change nothing and hear nothing back.
      if (this.d.grader.records(learnerId).get(ex.id)?.status === "passed") return refuseAnswer(BOX_MESSAGES.alreadyPassed);
      if (this.d.grader.answerTriesLeft(learnerId, ex.id) === 0) return refuseAnswer(BOX_MESSAGES.noTriesLeft(MAX_ANSWER_TRIES));
      try {
        this.d.store.saveAnswer(learnerId, ex.id, answer);
      } catch (err) {
        if (!(err instanceof StoreWriteError)) throw err;
        this.d.log.error(`answer of learner ${learnerId} not saved: ${err.message}; free space in the state folder`);
        return refuseAnswer(BOX_MESSAGES.progressUnsaved);
      }
      reply({ ok: true, message: "" });
      this.d.grader
        .checkExercise(learnerId, ex.id)
        .catch((err: Error) => this.d.log.warn(`answer check for learner ${learnerId}: ${err.message}`));
    });
    on("check:run", () => {
      this.d.grader
        .checkNow(learnerId)
        .then(() => {
          // Answer even when nothing changed, so the page knows the check ran.
          for (const rec of this.d.grader.records(learnerId).values()) socket.emit("exercise", localize(rec, socket.data.lang));
        })
        .catch((err: Error) => this.d.log.warn(`check for learner ${learnerId}: ${err.message}`));
    });

    // The learner's box, acquired now and again whenever it goes away while this page is
    // open (the learner killed its daemon, the engine restarted…): the next keystroke
    // brings a new one, as a reload would.
    let boxGone = false;
    let attaching: Promise<void> | undefined;
    const attachBox = async (): Promise<void> => {
      const reconnect = this.terminals.has(learnerId);
      // Said only if the box takes a while: a warm box comes within a millisecond, and the
      // notice would cost the page a frame drawn before its prompt.
      const sayStarting = setTimeout(() => socket.emit("box:state", { state: "starting", message: BOX_MESSAGES.starting[lang] }), STARTING_NOTICE_MS);
      this.d.events?.emit({ type: "box", learnerId, state: "starting" });
      let acquired;
      try {
        // The prompt does not wait for the box's daemon (a new box's needs as long again).
        acquired = await this.d.sandbox.acquire(learnerId, { shellFirst: true });
      } catch (err) {
        this.d.log.error(`box for learner ${learnerId}: ${(err as Error).message}`);
        const told = err instanceof EngineUnavailableError ? BOX_MESSAGES.engineDown : BOX_MESSAGES.failed((err as Error).message);
        socket.emit("box:state", { state: "error", message: told[lang] });
        this.d.events?.emit({ type: "box", learnerId, state: "error" });
        boxGone = true; // Enter tries again
        return;
      } finally {
        clearTimeout(sayStarting);
      }
      if (socket.disconnected || this.disposed) return;
      const { box, replacedBecause, daemonReady } = acquired;
      // Checks and lesson set-up talk to the daemon: they start once it answers. A daemon
      // that never does takes the box with it, which the learner is told (onRemoved).
      daemonReady.then(
        () => {
          if (this.disposed || this.d.sandbox.boxOf(learnerId)?.id !== box.id) return;
          this.d.grader.watch(learnerId, box);
          this.setUpLesson(learnerId, box, socket.handshake.query.lesson);
        },
        () => undefined,
      );

      let session = this.terminals.get(learnerId);
      // A shell in another box (the learner's previous one) is stale. Not "whenever the box
      // was replaced": five tabs arriving together all hear "replaced", and must share one shell.
      if (session && this.sessionBox.get(session) !== box.id) {
        session.dispose();
        session = undefined;
      }
      if (!session) {
        // A warm box comes with its shell already open.
        session = this.prewarmed.get(box.id) ?? this.newSession(box);
        this.prewarmed.delete(box.id);
        this.terminals.set(learnerId, session);
      }
      terminal = session;
      if (size) session.resize(size);
      this.d.sandbox.setAttached(learnerId, true);
      const replay = session.attach(peer);
      if (replay) socket.emit("term:replay", replay);
      const calls = this.d.sandbox.recentApiCalls(box);
      if (calls.length) socket.emit("engine:calls", { calls, earlier: true });
      const state = replacedBecause ? "ready" : reconnect && replay ? "reconnected" : "ready";
      const message = replacedBecause ? BOX_MESSAGES.replaced : state === "reconnected" ? BOX_MESSAGES.reconnected : BOX_MESSAGES.ready;
      socket.emit("box:state", { state, message: message[lang] });
      this.d.events?.emit({ type: "box", learnerId, state: "ready" });
    };
    this.boxGoneListeners.set(socket, () => {
      terminal = undefined;
      boxGone = true;
    });
    bringBackBox = () => {
      if (!boxGone || attaching) return;
      boxGone = false;
      attaching = inBackground(this.d.log, `a new box for learner ${learnerId}`, attachBox).finally(() => (attaching = undefined));
    };
    await attachBox();
  }

  /** Starts what the opened lesson needs in the box (e.g. containers.logs' secret-keeper). */
  private setUpLesson(learnerId: string, box: Box, lessonId: unknown): void {
    const lesson = typeof lessonId === "string" ? this.d.lessons.get(lessonId) : undefined;
    if (!lesson?.setup.length) return;
    ensureLessonSetup(this.d.sandbox.daemonOf(box), lesson.id, lesson.setup, this.d.byDigest).catch((err: Error) => {
      this.d.log.warn(`setting up lesson ${lesson.id} for learner ${learnerId}: ${err.message}`);
      this.tell(learnerId, "error", BOX_MESSAGES.setupFailed(err.message));
    });
  }

  private prewarm(box: Box): void {
    if (this.disposed || this.prewarmed.has(box.id)) return;
    const session = this.newSession(box);
    this.prewarmed.set(box.id, session);
    session.prewarm();
  }

  private newSession(box: Box): TerminalSession {
    const session: TerminalSession = new TerminalSession({
      startShell: (size, handlers) => this.d.sandbox.startShell(box, size, handlers),
      graceMs: this.d.graceMs,
      onDisposed: () => {
        for (const map of [this.terminals, this.prewarmed]) {
          for (const [key, s] of map) if (s === session) map.delete(key);
        }
      },
      // A shell that ends may mean the box died: then it is removed, and the learner is
      // told (through onRemoved) and gets a fresh one with Enter or a reload.
      onShellExit: () => {
        for (const [learnerId, s] of this.terminals) {
          if (s === session) void this.d.sandbox.verify(learnerId).catch(() => undefined);
        }
      },
    });
    this.sessionBox.set(session, box.id);
    return session;
  }

  /** What the gateway holds right now: each must fall back to 0 when no page is open. */
  counts(): { pages: number; learners: number; shells: number; warmShells: number } {
    return { pages: this.boxGoneListeners.size, learners: this.sockets.size, shells: this.terminals.size, warmShells: this.prewarmed.size };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const u of this.unsubscribe) u();
    for (const t of [...this.terminals.values(), ...this.prewarmed.values()]) t.dispose();
    this.terminals.clear();
    this.prewarmed.clear();
    this.sockets.clear();
    this.boxGoneListeners.clear();
  }
}
