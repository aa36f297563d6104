// Entry point: picks the language and lesson, then wires the header, the lesson pane and the terminal.
import "@xterm/xterm/css/xterm.css";
import "./style.css";
import type { Terminal } from "@xterm/xterm";
import type { LessonSummary } from "../server/protocol.ts";
import { joinCodeFromPath, lessonHref, lessonIdFromPath } from "./address.ts";
import { openJoinDialog, showClassBadge } from "./classJoin.ts";
import { bindClipboardSwitch } from "./clipboard.ts";
import { connectionSettled, labSocket, type ShiplabSocket } from "./connection.ts";
import { applyTranslations, setLang } from "./i18n.ts";
import { detectLang } from "./lang.ts";
import { fetchLessonList, LessonPane, loadLesson } from "./lesson.ts";
import { fillLanguageSwitch, fillLessonPicker, showOverallProgress } from "./nav.ts";
import { HoodPanel } from "./hood.ts";
import { StatusBar } from "./status.ts";
import { startTerminal } from "./terminal.ts";

declare global {
  interface Window {
    /** For tests and debugging: the xterm instance (read term.buffer.active) and the socket. */
    shiplab?: { term: Terminal; socket: ShiplabSocket };
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

/** How long the page waits for its connection to open before it builds itself anyway. */
const CONNECTION_WAIT_MS = 150;

// Marks on the page's timeline (shiplab:*), read by the bench to say where the time to the
// first prompt goes, and visible in the browser's performance panel.
async function main(): Promise<void> {
  performance.mark("shiplab:script");
  const lang = detectLang();
  // The lesson comes from /lessons/<id> (the server sends "/" there); on /join it is the
  // first lesson of the list. Known from the address, the terminal's socket joins now, on
  // the connection boot.ts opened (connection.ts): the server starts on the box at once.
  let lessonId = lessonIdFromPath(location.pathname);
  if (lessonId) await connectionSettled(CONNECTION_WAIT_MS);
  let socket = lessonId ? labSocket(lang, lessonId) : undefined;
  setLang(lang);
  applyTranslations();

  // Read before the lesson's address replaces the path.
  const joinCode = joinCodeFromPath(location.pathname);
  void showClassBadge(byId("class-badge"));

  const picker = byId<HTMLSelectElement>("lesson-picker");
  fillLanguageSwitch(byId<HTMLSelectElement>("lang-switch"), lang);
  bindClipboardSwitch(byId<HTMLInputElement>("osc52-switch"));

  const pane = new LessonPane(byId("lesson-pane"), {
    onRun: (lines) => session.typeLines(lines),
    onCheck: () => session.checkNow(),
    onSubmitAnswer: (exerciseId, answer) => session.submitAnswer(exerciseId, answer),
  });
  pane.showLoading();

  const listPromise: Promise<LessonSummary[] | Error> = fetchLessonList(lang).catch((err: unknown) =>
    err instanceof Error ? err : new Error(String(err)),
  );

  if (!socket) {
    const list = await listPromise;
    lessonId = Array.isArray(list) ? list[0]?.id : undefined;
    if (lessonId) history.replaceState(null, "", lessonHref(lessonId) + location.hash);
    // Only now, after the await: a message arriving during it would find no handler yet.
    socket = labSocket(lang, lessonId);
  }

  const status = new StatusBar(byId("box-status"));
  const hood = new HoodPanel({
    toggle: byId<HTMLButtonElement>("hood-toggle"),
    panel: byId("hood-panel"),
    summary: byId("hood-summary"),
    list: byId<HTMLOListElement>("hood-calls"),
  });
  // In the task that made the socket (no await since), so that no event is missed.
  const session = startTerminal({
    socket,
    host: byId("terminal"),
    status,
    lang,
    lessonId,
    onExercise: (update) => pane.updateExercise(update),
    onConnectionChange: (connected) => pane.setConnected(connected),
    onLeave: () => byId("lesson-pane").focus(),
    onCommand: () => hood.commandStarted(),
    onEngineCalls: (calls, earlier) => (earlier ? hood.showEarlier(calls) : hood.add(calls)),
  });
  window.shiplab = { term: session.term, socket: session.socket };
  byId<HTMLButtonElement>("shell-restart").addEventListener("click", () => session.restartShell());
  if (joinCode !== undefined) openJoinDialog(joinCode, lang);

  // The lesson's text and what renders it (marked, DOMPurify: lessonView.ts) load together,
  // once the terminal has started, so that neither holds back its first prompt.
  const lessonPromise = lessonId ? loadLesson(lessonId, lang) : null;

  const list = await listPromise;
  const lessons = Array.isArray(list) ? list : [];
  fillLessonPicker(picker, lessons, lessonId, Array.isArray(list));
  const overall = byId("overall-progress");
  showOverallProgress(overall, lessons);
  // A newly passed exercise changes the counts: fetch them again (cheap, and rare).
  session.socket.on("exercise", (update) => {
    if (update.status !== "passed") return;
    fetchLessonList(lang)
      .then((fresh) => {
        showOverallProgress(overall, fresh);
        fillLessonPicker(picker, fresh, lessonId, true);
      })
      .catch(() => undefined);
  });
  const firstHref = lessons[0] ? lessonHref(lessons[0].id) : "/";

  if (!lessonPromise) {
    if (Array.isArray(list)) pane.showEmpty();
    else pane.showError(list.message, "/");
    return;
  }

  const result = await lessonPromise;
  // A warm box's prompt first: the lesson's render would hold it back by tens of ms.
  await session.firstScreen;
  if (result.ok) {
    pane.render(result.lesson, result.view);
    performance.mark("shiplab:lesson-rendered");
    document.title = `${result.lesson.title} · Shiplab`;
  } else {
    pane.showError(result.message, firstHref, result.status !== 404);
  }
}

void main();
