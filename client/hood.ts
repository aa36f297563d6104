// "Under the hood": beside the terminal, the Engine API requests the learner's last command
// made (method, path, status), as the server's tap in front of the box's daemon saw them.
// The CLI is just a client of a REST API: this panel shows it, live. A command begins when
// the learner presses Enter in the terminal; its requests follow until the next Enter.
//
// Paths come from the learner's box (anything can call its socket): they are only ever
// set as text, never as HTML.
import type { EngineApiCall } from "../server/protocol.ts";
import { t } from "./i18n.ts";

/** Rows kept for one command (a `docker compose up` makes dozens; a build's progress, more). */
const MAX_ROWS = 200;

/** What the status numbers the daemon uses mean, for a learner who has not met HTTP yet. */
const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export interface HoodElements {
  toggle: HTMLButtonElement;
  panel: HTMLElement;
  summary: HTMLElement;
  list: HTMLOListElement;
}

export class HoodPanel {
  private rows = 0;
  /** Requests seen since the last Enter, before any row of this command was drawn. */
  private commandCount = 0;
  private earlier = false;

  constructor(private readonly el: HoodElements) {
    el.toggle.addEventListener("click", () => this.setOpen(el.panel.hidden));
    this.showSummary();
  }

  setOpen(open: boolean): void {
    this.el.panel.hidden = !open;
    this.el.toggle.setAttribute("aria-expanded", String(open));
    // The terminal shares the pane: it refits through its ResizeObserver.
  }

  /** The learner pressed Enter: what follows belongs to a new command. */
  commandStarted(): void {
    this.el.list.replaceChildren();
    this.rows = 0;
    this.commandCount = 0;
    this.earlier = false;
    this.showSummary();
  }

  /** Calls made before this page was open (sent on connecting). */
  showEarlier(calls: EngineApiCall[]): void {
    if (this.commandCount > 0 && !this.earlier) return; // a live command is already shown
    this.el.list.replaceChildren();
    this.rows = 0;
    this.commandCount = 0;
    this.earlier = true;
    this.add(calls);
  }

  add(calls: EngineApiCall[]): void {
    for (const call of calls) {
      this.commandCount++;
      if (this.rows >= MAX_ROWS) continue;
      this.el.list.append(row(call));
      this.rows++;
    }
    this.showSummary();
    // Follow the newest row, as a terminal does.
    this.el.list.parentElement?.scrollTo({ top: this.el.list.parentElement.scrollHeight });
  }

  private showSummary(): void {
    const n = this.commandCount;
    let text: string;
    if (this.earlier) text = t("hood.earlier", { count: n });
    else if (n === 0) text = t("hood.none");
    else text = t(n === 1 ? "hood.one" : "hood.count", { count: n });
    if (n > this.rows) text += ` ${t("hood.cut", { shown: this.rows })}`;
    this.el.summary.textContent = text;
  }
}

function row(call: EngineApiCall): HTMLLIElement {
  const li = document.createElement("li");
  li.className = "hood-call";
  const method = document.createElement("span");
  method.className = "hood-method";
  method.textContent = call.method;
  // IDs as `docker ps` shows them (12 characters): the row stays readable; the whole
  // request target is the row's tooltip.
  const shown = call.path.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, "$1");
  const q = shown.indexOf("?");
  const target = document.createElement("code");
  target.className = "hood-path";
  target.title = call.path;
  target.textContent = q < 0 ? shown : shown.slice(0, q);
  if (q >= 0) {
    const query = document.createElement("span");
    query.className = "hood-query";
    query.textContent = shown.slice(q);
    target.append(query);
  }
  const status = document.createElement("span");
  status.className = "hood-status";
  status.dataset.tone = call.status === 0 || call.status >= 400 ? "bad" : "ok";
  status.textContent = call.status === 0 ? "—" : String(call.status);
  status.title = call.status === 0 ? t("hood.noAnswer") : (REASONS[call.status] ?? "");
  // The status before the path: a long path must not push it out of sight.
  li.append(method, " ", status, " ", target);
  return li;
}
