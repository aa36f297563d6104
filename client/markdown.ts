// Markdown → sanitised HTML, plus the Copy / Run buttons on code blocks.
import { Marked } from "marked";
import DOMPurify from "dompurify";
import { t } from "./i18n.ts";

const marked = new Marked({ gfm: true, breaks: false });

/** Languages whose code blocks get a "Run" button. */
const RUNNABLE = new Set(["sh", "bash", "console"]);

/** Called with the command lines of a block; returns false if nothing could be sent. */
export type RunHandler = (lines: string[]) => boolean;

export function markdownToSafeHtml(md: string): string {
  const html = marked.parse(md ?? "", { async: false });
  return DOMPurify.sanitize(html);
}

export function inlineMarkdownToSafeHtml(md: string): string {
  const html = marked.parseInline(md ?? "", { async: false });
  return DOMPurify.sanitize(html);
}

/** Renders markdown into a new element and decorates its code blocks and links. */
export function renderMarkdown(md: string, onRun: RunHandler, className = "markdown"): HTMLElement {
  const el = document.createElement("div");
  el.className = className;
  el.innerHTML = markdownToSafeHtml(md);
  decorateLinks(el);
  decorateCodeBlocks(el, onRun);
  return el;
}

function decorateLinks(root: HTMLElement): void {
  for (const a of root.querySelectorAll<HTMLAnchorElement>("a[href]")) {
    let url: URL;
    try {
      url = new URL(a.getAttribute("href") ?? "", location.href);
    } catch {
      continue;
    }
    if (url.origin !== location.origin && /^https?:$/.test(url.protocol)) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
  }
}

function codeLanguage(code: HTMLElement): string {
  for (const cls of code.classList) {
    if (cls.startsWith("language-")) return cls.slice("language-".length).toLowerCase();
  }
  return "";
}

/**
 * The lines to type for a code block: leading "$ " prompts are stripped, blank lines dropped.
 * In a `console` block that has prompts, lines without one are sample output and are skipped.
 */
export function commandLines(text: string, lang: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const prompt = /^\s*\$ ?/;
  const hasPrompts = lines.some((l) => /^\s*\$ /.test(l));
  const picked = lang === "console" && hasPrompts ? lines.filter((l) => /^\s*\$ /.test(l)) : lines;
  return picked.map((l) => l.replace(prompt, "")).filter((l) => l.trim() !== "");
}

function decorateCodeBlocks(root: HTMLElement, onRun: RunHandler): void {
  for (const pre of root.querySelectorAll<HTMLPreElement>("pre")) {
    const code = pre.querySelector<HTMLElement>("code") ?? pre;
    const lang = codeLanguage(code);
    const text = (code.textContent ?? "").replace(/\n$/, "");

    const wrapper = document.createElement("div");
    wrapper.className = "codeblock";
    if (lang) wrapper.dataset.lang = lang;
    pre.replaceWith(wrapper);

    const bar = document.createElement("div");
    bar.className = "codeblock-actions";

    const copy = button(t("code.copy"), "copy");
    copy.addEventListener("click", async () => {
      const ok = await copyText(text);
      flashLabel(copy, ok ? t("code.copied") : t("code.copyFailed"), t("code.copy"));
    });
    bar.append(copy);

    if (RUNNABLE.has(lang)) {
      const run = button(t("code.run"), "run");
      run.title = t("code.runTitle");
      run.addEventListener("click", () => {
        const lines = commandLines(text, lang);
        if (lines.length > 0) onRun(lines);
      });
      bar.append(run);
    }
    // A long line scrolls sideways: the keyboard must reach it too (WCAG 2.1.1).
    pre.tabIndex = 0;
    wrapper.append(bar, pre);
  }
}

function button(label: string, action: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `code-btn code-${action}`;
  b.dataset.action = action;
  b.textContent = label;
  return b;
}

function flashLabel(b: HTMLButtonElement, label: string, original: string): void {
  b.textContent = label;
  b.classList.add("flashed");
  window.setTimeout(() => {
    b.textContent = original;
    b.classList.remove("flashed");
  }, 1500);
}

/** Clipboard API when available (secure contexts), else the old textarea trick (plain http on a LAN). */
async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      /* fall through */
    }
  }
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.style.position = "fixed";
  ta.style.opacity = "0";
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
