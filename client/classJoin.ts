// Classes on the learner's side: the join form (/join and /join/CODE), the recovery code
// that brings the same learner to another device, and the class badge in the header.
// Display names and class names are shown with textContent only.
import { t } from "./i18n.ts";
import { readStored, writeStored } from "./storage.ts";

const RECOVERY_KEY = "shiplab.recovery";

async function postJson<T>(path: string, body: unknown, lang: string): Promise<T> {
  const res = await fetch(`${path}?lang=${encodeURIComponent(lang)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

const storeRecovery = (code: string) => writeStored(RECOVERY_KEY, code);
const storedRecovery = () => readStored(RECOVERY_KEY);

function field(label: string, input: HTMLInputElement): HTMLLabelElement {
  const l = document.createElement("label");
  const span = document.createElement("span");
  span.textContent = label;
  l.append(span, input);
  return l;
}

function input(name: string, value = ""): HTMLInputElement {
  const i = document.createElement("input");
  i.name = name;
  i.value = value;
  i.autocomplete = "off";
  i.dataset.testid = `join-${name}`;
  return i;
}

function button(text: string, testid: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "submit";
  b.textContent = text;
  b.dataset.testid = testid;
  return b;
}

/** The join form over the page; resolves when the learner closes it. */
export function openJoinDialog(code: string, lang: string): void {
  const dialog = document.createElement("dialog");
  dialog.className = "join-dialog";
  dialog.dataset.testid = "join-dialog";
  const title = document.createElement("h2");
  title.textContent = t("join.title");
  const className = document.createElement("p");
  className.className = "join-class";
  const error = document.createElement("p");
  error.className = "join-error";
  error.dataset.testid = "join-error";
  error.setAttribute("role", "alert");

  const codeInput = input("code", code);
  const nameInput = input("name");
  nameInput.maxLength = 40;
  const joinForm = document.createElement("form");
  joinForm.append(field(t("join.code"), codeInput), field(t("join.name"), nameInput), button(t("join.submit"), "join-submit"));

  const recoveryInput = input("recovery");
  const recoverForm = document.createElement("form");
  const recoverNote = document.createElement("p");
  recoverNote.className = "join-note";
  recoverNote.textContent = t("join.recoverNote");
  recoverForm.append(recoverNote, field(t("join.recoveryCode"), recoveryInput), button(t("join.recover"), "recover-submit"));

  const close = document.createElement("button");
  close.type = "button";
  close.className = "join-close";
  close.textContent = t("join.later");
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (location.pathname.startsWith("/join")) location.assign("/");
  });

  dialog.append(title, className, joinForm, recoverForm, error, close);
  document.body.append(dialog);
  dialog.showModal();

  const preview = () => {
    const c = codeInput.value.trim();
    if (!c) return;
    fetch(`/api/join/${encodeURIComponent(c)}?lang=${lang}`)
      .then(async (res) => {
        const body = (await res.json()) as { name?: string; open?: boolean; error?: string };
        className.textContent = res.ok ? (body.open ? t("join.classIs", { name: body.name! }) : t("join.classEnded", { name: body.name! })) : (body.error ?? "");
      })
      .catch(() => undefined);
  };
  codeInput.addEventListener("change", preview);
  preview();
  (code ? nameInput : codeInput).focus();

  joinForm.addEventListener("submit", (e) => {
    e.preventDefault();
    error.textContent = "";
    postJson<{ class: { name: string }; displayName: string; recoveryCode: string }>("/api/join", { code: codeInput.value, name: nameInput.value }, lang)
      .then((joined) => {
        storeRecovery(joined.recoveryCode);
        const done = document.createElement("div");
        done.dataset.testid = "join-done";
        const welcome = document.createElement("p");
        welcome.textContent = t("join.welcome", { name: joined.displayName, class: joined.class.name });
        const keep = document.createElement("p");
        keep.textContent = t("join.keepCode");
        const rc = document.createElement("p");
        rc.className = "recovery-code";
        rc.dataset.testid = "recovery-code";
        rc.textContent = joined.recoveryCode;
        const go = document.createElement("button");
        go.type = "button";
        go.textContent = t("join.start");
        go.dataset.testid = "join-start";
        go.addEventListener("click", () => location.assign("/"));
        done.append(welcome, keep, rc, go);
        dialog.replaceChildren(title, done);
      })
      .catch((err: Error) => (error.textContent = err.message));
  });

  recoverForm.addEventListener("submit", (e) => {
    e.preventDefault();
    error.textContent = "";
    postJson("/api/recover", { code: recoveryInput.value }, lang)
      .then(() => {
        storeRecovery(recoveryInput.value.trim().toUpperCase());
        location.assign("/");
      })
      .catch((err: Error) => (error.textContent = err.message));
  });
}

/** The learner's class in the header, with their recovery code; or a "Join a class" link. */
export async function showClassBadge(host: HTMLElement): Promise<void> {
  const res = await fetch("/api/me").catch(() => undefined);
  if (!res?.ok) return;
  const me = (await res.json()) as { class: { code: string; name: string } | null; displayName?: string };
  host.replaceChildren();
  if (!me.class) {
    const a = document.createElement("a");
    a.href = "/join";
    a.textContent = t("join.link");
    a.dataset.testid = "join-link";
    host.append(a);
    return;
  }
  const details = document.createElement("details");
  details.className = "class-badge";
  const summary = document.createElement("summary");
  summary.dataset.testid = "class-badge";
  summary.textContent = `${me.class.name} · ${me.displayName}`;
  const body = document.createElement("div");
  const code = storedRecovery();
  const p = document.createElement("p");
  p.textContent = code ? t("join.yourCode") : t("join.noCodeHere");
  body.append(p);
  if (code) {
    const rc = document.createElement("p");
    rc.className = "recovery-code";
    rc.textContent = code;
    body.append(rc);
  }
  details.append(summary, body);
  host.append(details);
}
