// The status bar above the terminal: the box state from the server, or the connection state.
import type { BoxState, BoxStatePayload } from "../server/protocol.ts";
import { t, type StringKey } from "./i18n.ts";

/** Client-side states, shown until the server reports the box state. */
export type ConnectionState = "connecting" | "connected" | "lost" | "kicked" | "connect-error";
type Tone = "info" | "ok" | "warn" | "error";

const BOX_TONES: Record<BoxState, Tone> = {
  starting: "info",
  ready: "ok",
  reconnected: "ok",
  "shell-exited": "warn",
  error: "error",
};

export class StatusBar {
  private readonly root: HTMLElement;
  private readonly label: HTMLElement;
  private readonly message: HTMLElement;
  private readonly note: HTMLElement;
  private readonly action: HTMLButtonElement;
  /** Stays while the server cannot save progress (its disk is full), whatever the box does. */
  private readonly unsaved: HTMLElement;
  private noteTimer: number | undefined;
  private onAction: (() => void) | null = null;
  private fromServer = false;

  constructor(root: HTMLElement) {
    this.root = root;
    root.replaceChildren();
    root.setAttribute("role", "status");
    root.setAttribute("aria-live", "polite");

    const dot = document.createElement("span");
    dot.className = "status-dot";
    dot.setAttribute("aria-hidden", "true");
    this.label = document.createElement("span");
    this.label.className = "status-label";
    this.message = document.createElement("span");
    this.message.className = "status-message";
    this.message.dataset.testid = "status-message";
    this.note = document.createElement("span");
    this.note.className = "status-note";
    this.note.hidden = true;
    this.action = document.createElement("button");
    this.action.type = "button";
    this.action.className = "status-action";
    this.action.hidden = true;
    this.action.addEventListener("click", () => this.onAction?.());
    this.unsaved = document.createElement("span");
    this.unsaved.className = "status-unsaved";
    this.unsaved.dataset.testid = "progress-unsaved";
    this.unsaved.setAttribute("role", "alert");
    this.unsaved.hidden = true;

    root.append(dot, this.label, this.message, this.note, this.action, this.unsaved);
  }

  /** The box state sent by the server (`box:state`); it stays until the next state. */
  setBox(payload: BoxStatePayload): void {
    const state = payload.state in BOX_TONES ? payload.state : "error";
    this.fromServer = true;
    this.show(state, BOX_TONES[state], t(`state.${state}` as StringKey), payload.message ?? "");
  }

  /** A connection state known only to the page. */
  setConnection(state: ConnectionState, detail?: { message?: string; onAction?: () => void }): void {
    this.fromServer = false;
    switch (state) {
      case "connecting":
        this.show(state, "info", "", t("status.connecting"));
        break;
      case "connected":
        this.show(state, "info", "", t("status.connected"));
        break;
      case "lost":
        this.show(state, "warn", "", t("status.lost"));
        break;
      case "connect-error":
        this.show(state, detail?.onAction ? "error" : "warn", "", t("status.connectError", { message: detail?.message ?? "?" }));
        break;
      case "kicked":
        this.show(state, "error", "", detail?.message || t("status.kicked"));
        break;
    }
    if (detail?.onAction) {
      this.onAction = detail.onAction;
      this.action.textContent = t("status.reconnect");
      this.action.hidden = false;
    }
  }

  /** True while the bar shows a page-side connection state rather than the server's box state. */
  get showsConnectionState(): boolean {
    return !this.fromServer;
  }

  get state(): string {
    return this.root.dataset.state ?? "";
  }

  /** Whether the server saves progress (`progress:saving`): a lasting warning while it cannot. */
  setSaving(saving: boolean, message: string): void {
    this.unsaved.textContent = saving ? "" : message;
    this.unsaved.hidden = saving;
    if (saving) this.flashNote(message);
  }

  /** A short note beside the state (for a few seconds), without replacing it. */
  flashNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = false;
    window.clearTimeout(this.noteTimer);
    this.noteTimer = window.setTimeout(() => {
      this.note.hidden = true;
    }, 4000);
  }

  private show(state: string, tone: Tone, label: string, message: string): void {
    this.root.dataset.state = state;
    this.root.dataset.tone = tone;
    this.root.setAttribute("aria-live", tone === "error" || tone === "warn" ? "assertive" : "polite");
    this.label.textContent = label;
    this.label.hidden = !label;
    this.message.textContent = message;
    this.action.hidden = true;
    this.onAction = null;
  }
}
