// The teacher's dashboard: log in, create and pick classes, and watch one class's grid
// live (socket.io namespace /teach). Display names are untrusted: every text goes in with
// textContent, never as HTML.
import "@xterm/xterm/css/xterm.css";
import "./teach.css";
import { Terminal } from "@xterm/xterm";
import { io, type Socket } from "socket.io-client";
import type {
  DashboardRow,
  DashboardSnapshot,
  LessonSummary,
  ServerToTeacher,
  TeacherToServer,
  TerminalWatchAck,
  WatchAck,
} from "../../server/protocol.ts";
import { detectLang } from "../lang.ts";
import { qrSvg } from "./qr.ts";
import { DEFAULT_STUCK, isStuck, visibleRows, type SortBy, type StuckRule } from "./rows.ts";
import { applyTeachTranslations, setTeachLang, tt } from "./strings.ts";

type ClassSummary = DashboardSnapshot["class"] & { members: number };
type TeachSocket = Socket<ServerToTeacher, TeacherToServer>;

const lang = detectLang();
setTeachLang(lang);
applyTeachTranslations();
const root = document.getElementById("teach-root")!;

/** Builds an element; children are nodes or plain text (never HTML). */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    // value and checked are live state (properties); everything else is an attribute.
    if (k === "value") (e as HTMLInputElement).value = v;
    else if (k === "checked") (e as HTMLInputElement).checked = v === "true";
    else e.setAttribute(k === "maxLength" ? "maxlength" : k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const sep = path.includes("?") ? "&" : "?";
  const res = await fetch(`${path}${sep}lang=${encodeURIComponent(lang)}`, {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { status: res.status });
  return body;
}

// --- log in ----------------------------------------------------------------------------------

function showLogin(): void {
  const error = el("p", { class: "error", "data-testid": "login-error", hidden: "" });
  const name = el("input", { name: "name", autocomplete: "username", required: "" });
  const password = el("input", { name: "password", type: "password", autocomplete: "current-password", required: "" });
  const form = el(
    "form",
    { class: "card login", "data-testid": "login-form" },
    el("h1", {}, tt("login.title")),
    el("label", {}, tt("login.name"), name),
    el("label", {}, tt("login.password"), password),
    el("button", { type: "submit" }, tt("login.submit")),
    error,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    api("/api/teach/login", { method: "POST", body: JSON.stringify({ name: name.value, password: password.value }) })
      .then(() => location.assign("/teach"))
      .catch((err: Error) => {
        error.textContent = tt("login.failed", { error: err.message });
        error.hidden = false;
      });
  });
  root.replaceChildren(form);
  name.focus();
}

// --- the dashboard ---------------------------------------------------------------------------

interface View {
  snapshot: DashboardSnapshot | undefined;
  rows: Map<string, DashboardRow>;
  filter: string;
  stuckOnly: boolean;
  sortBy: SortBy;
  rule: StuckRule;
}

const view: View = {
  snapshot: undefined,
  rows: new Map(),
  filter: "",
  stuckOnly: false,
  sortBy: "name",
  // ?stuck=MINUTES sets the threshold (a class's pace differs; tests use a short one).
  rule: { ...DEFAULT_STUCK, minutes: Number(new URLSearchParams(location.search).get("stuck")) || DEFAULT_STUCK.minutes },
};

function ago(ms: number): string {
  const min = Math.floor((Date.now() - ms) / 60_000);
  if (min < 1) return tt("ago.now");
  if (min < 60) return tt("ago.min", { n: min });
  return tt("ago.hour", { n: Math.floor(min / 60) });
}

function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
}

async function showDashboard(teacher: string): Promise<void> {
  document.getElementById("teacher-name")!.textContent = teacher;
  const logout = document.getElementById("logout") as HTMLButtonElement;
  logout.hidden = false;
  logout.onclick = () => void api("/api/teach/logout", { method: "POST" }).finally(() => location.assign("/teach/login"));

  const side = el("aside", { class: "side" });
  const main = el("section", { class: "class-view", "data-testid": "class-view" }, el("p", { class: "muted" }, tt("class.pick")));
  root.replaceChildren(el("div", { class: "layout" }, side, main));

  const lessons = await api<LessonSummary[]>("/api/lessons");
  const socket: TeachSocket = io("/teach", { transports: ["websocket", "polling"] });
  const liveNote = el("p", { class: "live-lost", hidden: "" }, tt("live.lost"));
  socket.on("disconnect", () => (liveNote.hidden = false));
  socket.on("connect", () => {
    liveNote.hidden = true;
    if (view.snapshot) void watch(view.snapshot.class.code); // catch up after a reconnect
  });
  socket.on("row", ({ code, row }) => {
    if (view.snapshot?.class.code !== code) return;
    const joined = !view.rows.has(row.learnerId);
    view.rows.set(row.learnerId, row);
    scheduleRender();
    if (joined) void refreshList(); // the class list's learner count
  });

  async function refreshList(): Promise<void> {
    const classes = await api<ClassSummary[]>("/api/teach/classes");
    const list = el("ul", { class: "class-list", "data-testid": "class-list" });
    for (const c of classes) {
      const a = el("a", { href: `#${c.code}`, "data-code": c.code }, c.name);
      const meta = el("span", { class: "muted" }, ` ${c.code} · ${tt("classes.members", { n: c.members })}${c.endedAt ? ` · ${tt("classes.ended")}` : ""}`);
      list.append(el("li", {}, a, meta));
    }
    side.replaceChildren(el("h2", {}, tt("classes.title")), classes.length ? list : el("p", { class: "muted" }, tt("classes.none")), newClassForm());
  }

  function newClassForm(): HTMLElement {
    const name = el("input", { name: "name", required: "", maxlength: "80" });
    const boxes = lessons.map((l) => el("label", { class: "check" }, el("input", { type: "checkbox", value: l.id, checked: "true" }), l.title));
    const endsAt = el("input", { type: "datetime-local", name: "endsAt" });
    const max = el("input", { type: "number", min: "1", max: "1000", name: "maxLearners" });
    const error = el("p", { class: "error" });
    const form = el(
      "form",
      { class: "card", "data-testid": "new-class" },
      el("h2", {}, tt("new.title")),
      el("label", {}, tt("new.name"), name),
      el("fieldset", {}, el("legend", {}, tt("new.lessons")), ...boxes),
      el("label", {}, tt("new.endsAt"), endsAt),
      el("label", {}, tt("new.max"), max),
      el("button", { type: "submit" }, tt("new.create")),
      error,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const chosen = boxes.map((b) => b.querySelector("input")!).filter((i) => i.checked).map((i) => i.value);
      const body = { name: name.value, lessons: chosen, endsAt: endsAt.value ? new Date(endsAt.value).getTime() : null, maxLearners: max.value || null };
      api<{ code: string }>("/api/teach/classes", { method: "POST", body: JSON.stringify(body) })
        .then(async (c) => {
          await refreshList();
          location.hash = c.code;
        })
        .catch((err: Error) => (error.textContent = err.message));
    });
    return form;
  }

  async function watch(code: string): Promise<void> {
    const ack = (await socket.timeout(10_000).emitWithAck("class:watch", { code, lang }).catch(() => undefined)) as WatchAck | undefined;
    if (!ack?.ok) {
      main.replaceChildren(el("p", { class: "error" }, ack?.error ?? tt("live.lost")));
      return;
    }
    if (view.snapshot?.class.code !== ack.snapshot.class.code) closeWatch();
    view.snapshot = ack.snapshot;
    view.rows = new Map(ack.snapshot.learners.map((r) => [r.learnerId, r]));
    renderClass();
  }

  let renderQueued = false;
  function scheduleRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      renderGrid();
    });
  }

  const gridHost = el("div", { class: "grid-host" });

  // --- a learner's terminal, read-only ---------------------------------------------------------
  const watchPanel = el("section", { class: "watch", "data-testid": "watch-panel", hidden: "" });
  let watchTerm: Terminal | undefined;
  let watchedLearner: string | undefined;
  socket.on("terminal:output", ({ learnerId, data }) => {
    if (learnerId === watchedLearner) watchTerm?.write(data);
  });
  socket.on("terminal:ended", ({ learnerId }) => {
    if (learnerId === watchedLearner) watchTerm?.write(`\r\n\x1b[2m— ${tt("watch.ended")} —\x1b[0m\r\n`);
  });

  function closeWatch(): void {
    socket.emit("terminal:unwatch");
    watchTerm?.dispose();
    watchTerm = undefined;
    watchedLearner = undefined;
    watchPanel.hidden = true;
  }

  async function openWatch(r: DashboardRow): Promise<void> {
    closeWatch();
    const s = view.snapshot!;
    const termHost = el("div", { class: "watch-term", "data-testid": "watch-terminal" });
    const note = el("p", { class: "muted" });
    const reset = el("button", { type: "button", "data-testid": "reset-box" }, tt("watch.resetBox"));
    reset.addEventListener("click", () => {
      if (!confirm(tt("watch.resetConfirm", { name: r.displayName }))) return;
      void api(`/api/teach/classes/${s.class.code}/learners/${encodeURIComponent(r.learnerId)}/reset-box`, { method: "POST" })
        .then(() => (note.textContent = tt("watch.resetDone")))
        .catch((err: Error) => (note.textContent = err.message));
    });
    const close = el("button", { type: "button" }, tt("watch.close"));
    close.addEventListener("click", closeWatch);
    watchPanel.replaceChildren(
      el("div", { class: "watch-head" }, el("h2", {}, tt("watch.title", { name: r.displayName })), reset, close),
      el("p", { class: "muted" }, tt("watch.readOnly")),
      termHost,
      note,
    );
    watchPanel.hidden = false;
    // Read-only: nothing typed here is sent anywhere (and the server takes no input on /teach).
    watchTerm = new Terminal({ disableStdin: true, convertEol: false, fontSize: 13, scrollback: 2000, theme: { background: "#0d1117" } });
    watchTerm.open(termHost);
    watchedLearner = r.learnerId;
    const ack = (await socket.timeout(10_000).emitWithAck("terminal:watch", { learnerId: r.learnerId, lang }).catch(() => undefined)) as TerminalWatchAck | undefined;
    if (!ack?.ok) {
      note.textContent = ack?.error ?? tt("live.lost");
      return;
    }
    watchTerm.write(ack.replay);
  }

  function renderClass(): void {
    const s = view.snapshot!;
    const joinUrl = new URL(s.joinPath, location.origin).href;
    const end = el("button", { type: "button", class: "danger", "data-testid": "end-class" }, tt("class.end"));
    end.disabled = s.class.endedAt !== null;
    end.addEventListener("click", () => {
      if (!confirm(tt("class.endConfirm"))) return;
      void api(`/api/teach/classes/${s.class.code}/end`, { method: "POST" }).then(async () => {
        await refreshList();
        await watch(s.class.code);
      });
    });
    // Boxes warmed before the lesson: a class arriving at once gets its prompts at once.
    const prepareCount = el("input", {
      type: "number",
      min: "1",
      max: "200",
      value: String(Math.max(1, view.rows.size)),
      "aria-label": tt("class.prepareCount"),
      "data-testid": "prepare-count",
    });
    const prepareNote = el("span", { class: "muted", role: "status", "data-testid": "prepare-note" });
    const prepare = el("button", { type: "button", "data-testid": "prepare-boxes" }, tt("class.prepare"));
    prepare.disabled = s.class.endedAt !== null;
    prepare.addEventListener("click", () => {
      const count = Number(prepareCount.value);
      prepareNote.textContent = "";
      void api<{ preparing: number }>(`/api/teach/classes/${s.class.code}/prepare-boxes`, { method: "POST", body: JSON.stringify({ count }) }).then(
        (r) => (prepareNote.textContent = tt("class.preparing", { n: r.preparing })),
        (err: Error) => (prepareNote.textContent = err.message),
      );
    });
    const exportLink = (format: "csv" | "json", key: "class.exportCsv" | "class.exportJson") =>
      el("a", { class: "button", href: `/api/teach/classes/${s.class.code}/export?format=${format}&lang=${lang}`, "data-testid": `export-${format}` }, tt(key));

    const filter = el("input", { type: "search", placeholder: tt("grid.filter"), value: view.filter, "data-testid": "grid-filter" });
    filter.addEventListener("input", () => {
      view.filter = filter.value;
      renderGrid();
    });
    const sort = el("select", { "data-testid": "grid-sort" });
    for (const [value, key] of [["name", "grid.sortName"], ["progress", "grid.sortProgress"], ["stuck", "grid.sortStuck"]] as const) {
      sort.append(el("option", { value }, tt(key)));
    }
    sort.value = view.sortBy;
    sort.addEventListener("change", () => {
      view.sortBy = sort.value as SortBy;
      renderGrid();
    });
    const stuckOnly = el("input", { type: "checkbox", "data-testid": "grid-stuck-only" });
    stuckOnly.checked = view.stuckOnly;
    stuckOnly.addEventListener("change", () => {
      view.stuckOnly = stuckOnly.checked;
      renderGrid();
    });

    main.replaceChildren(
      el("h1", { "data-testid": "class-name" }, s.class.name),
      s.class.endedAt ? el("p", { class: "notice" }, tt("class.ended")) : "",
      el(
        "div",
        { class: "join" },
        el("div", {}, el("span", { class: "muted" }, tt("class.code")), el("strong", { class: "code", "data-testid": "join-code" }, s.class.code)),
        el("div", {}, el("span", { class: "muted" }, tt("class.link")), el("a", { href: joinUrl, "data-testid": "join-link" }, joinUrl)),
        el("div", { class: "qr", "data-testid": "join-qr" }, qrSvg(joinUrl, tt("class.qr"))),
      ),
      el("div", { class: "actions" }, exportLink("csv", "class.exportCsv"), exportLink("json", "class.exportJson"), end),
      el("div", { class: "actions" }, prepareCount, prepare, prepareNote),
      el(
        "div",
        { class: "controls" },
        filter,
        el("label", {}, tt("grid.sort"), sort),
        el("label", {}, stuckOnly, tt("grid.stuckOnly")),
      ),
      liveNote,
      gridHost,
      watchPanel,
    );
    renderGrid();
  }

  function renderGrid(): void {
    const s = view.snapshot;
    if (!s) return;
    const now = Date.now();
    const rows = visibleRows([...view.rows.values()], {
      filter: view.filter,
      stuckOnly: view.stuckOnly,
      sortBy: view.sortBy,
      exerciseCount: s.exercises.length,
      now,
      rule: view.rule,
    });
    if (!view.rows.size) {
      gridHost.replaceChildren(el("p", { class: "muted" }, tt("grid.empty")));
      return;
    }
    const head = el(
      "tr",
      {},
      el("th", { scope: "col" }, tt("grid.learner")),
      el("th", { scope: "col" }, tt("grid.passed")),
      el("th", { scope: "col" }, tt("grid.lesson")),
      el("th", { scope: "col" }, tt("grid.box")),
      el("th", { scope: "col" }, tt("grid.last")),
      ...s.exercises.map((e) => el("th", { scope: "col", title: e.title, class: "ex" }, e.id.split(".")[1] ?? e.id)),
    );
    const body = rows.map((r) => {
      const stuck = isStuck(r, s.exercises.length, now, view.rule);
      const who = el("button", { type: "button", class: "learner", title: tt("watch.open"), "data-testid": "watch-learner" }, r.displayName);
      who.addEventListener("click", () => void openWatch(r));
      const name = el("th", { scope: "row" }, who, stuck ? el("span", { class: "stuck", "data-testid": "stuck" }, tt("grid.stuck")) : null);
      const cells = s.exercises.map((e) => {
        const c = r.cells[e.id];
        const text = c?.status === "passed" ? `✓ ${formatTime(c.at)}` : c?.status === "failed" ? `✗ ${c.attempts}` : "·";
        const title = c?.status === "failed" ? tt("grid.attempts", { n: c.attempts }) : e.title;
        const td = el("td", { class: `cell ${c?.status ?? "pending"}`, title, "data-exercise": e.id, "data-status": c?.status ?? "pending" }, text);
        if (c) {
          // A result can be reset: the learner does the exercise again, and only that counts.
          td.classList.add("resettable");
          td.addEventListener("click", () => {
            if (!confirm(tt("grid.resetConfirm", { exercise: e.title, name: r.displayName }))) return;
            void api(`/api/teach/classes/${s.class.code}/learners/${encodeURIComponent(r.learnerId)}/exercises/${encodeURIComponent(e.id)}/reset`, { method: "POST" });
          });
        }
        return td;
      });
      return el(
        "tr",
        { "data-learner": r.displayName, "data-stuck": String(stuck) },
        name,
        el("td", { "data-testid": "passed" }, `${r.passed}/${s.exercises.length}`),
        el("td", {}, r.lessonId ?? "–"),
        el("td", { class: `box ${r.box ?? "unknown"}`, "data-testid": "box-state" }, tt(`box.${r.box ?? "unknown"}`)),
        el("td", {}, ago(r.lastProgressAt)),
        ...cells,
      );
    });
    gridHost.replaceChildren(el("table", { class: "grid", "data-testid": "grid" }, el("thead", {}, head), el("tbody", {}, ...body)));
  }

  // "Stuck" and "minutes ago" move with the clock, not only with events.
  setInterval(() => scheduleRender(), 15_000);
  window.addEventListener("hashchange", () => void watch(location.hash.slice(1)));
  await refreshList();
  if (location.hash.length > 1) await watch(location.hash.slice(1));
}

async function main(): Promise<void> {
  if (location.pathname === "/teach/login") return showLogin();
  try {
    const me = await api<{ name: string }>("/api/teach/me");
    await showDashboard(me.name);
  } catch (err) {
    if ((err as { status?: number }).status === 403) location.assign("/teach/login");
    else root.replaceChildren(el("p", { class: "error" }, (err as Error).message));
  }
}

void main();
