// A page model of Shiplab for the end-to-end tests: the lesson pane on the left, the xterm
// terminal on the right. Everything typed goes through the real keyboard into the terminal
// element; everything read comes from the xterm buffer (window.shiplab.term) or the DOM.
import crypto from "node:crypto";
import type { BrowserContext, Locator, Page } from "playwright-core";
import type { ExerciseStatus, Lang } from "../../server/protocol.ts";

export const COOKIE_NAME = "shiplab_learner";

/** PS1 of box/profile.sh, `learner@shiplab:<cwd># `, as matched against a right-trimmed row. */
export const PROMPT = /learner@shiplab:\S*#$/;
/** The prompt, or bash's continuation prompt `> ` inside a heredoc. */
const PS1_OR_PS2 = new RegExp(`^>$|${PROMPT.source}`);

export interface RunResult {
  /** The command's output: the lines between the start and the end marker. */
  output: string;
  /** The command's exit status ($? right after it). */
  code: number;
}

export class LabPage {
  private baseUrl = "";

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async create(context: BrowserContext): Promise<LabPage> {
    return new LabPage(context, await context.newPage());
  }

  /** Opens /lessons/<lesson> (and ?lang=); resolves when the document has loaded. */
  async open(url: string, lesson = "images", lang?: Lang): Promise<void> {
    this.baseUrl = url;
    const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
    await this.page.goto(`${url}/lessons/${encodeURIComponent(lesson)}${query}`, { waitUntil: "load" });
  }

  // ------------------------------------------------------------------------------------------
  // Reading the terminal

  /**
   * The buffer as logical lines: rows that xterm wrapped are joined to the row they
   * continue, so a long output line is one string whatever the terminal's width.
   */
  async lines(): Promise<string[]> {
    return this.page.evaluate(() => {
      const term = window.shiplab?.term;
      if (!term) return [];
      const buf = term.buffer.active;
      const out: string[] = [];
      for (let i = 0; i < buf.length; i++) {
        const line = buf.getLine(i);
        if (!line) continue;
        // Untrimmed: a row that wraps ends in the text of the logical line, spaces included.
        const text = line.translateToString(false);
        if (line.isWrapped && out.length > 0) out[out.length - 1] += text;
        else out.push(text);
      }
      const trimmed = out.map((l) => l.replace(/\s+$/, ""));
      while (trimmed.length > 0 && trimmed[trimmed.length - 1] === "") trimmed.pop();
      return trimmed;
    });
  }

  /**
   * Moves the mouse onto `text` where the terminal shows it (its lowest occurrence on
   * screen), then clicks: as a learner clicks a link in the terminal.
   */
  async clickText(text: string): Promise<void> {
    const spot = await this.page.evaluate((wanted) => {
      const term = window.shiplab?.term;
      const screen = document.querySelector(".xterm-screen");
      if (!term || !screen) return undefined;
      const buf = term.buffer.active;
      // From the bottom: the newest occurrence (the command line that printed it says it too).
      for (let row = term.rows - 1; row >= 0; row--) {
        const col = buf.getLine(buf.viewportY + row)?.translateToString(false).indexOf(wanted) ?? -1;
        if (col < 0) continue;
        const r = screen.getBoundingClientRect();
        const w = r.width / term.cols;
        const h = r.height / term.rows;
        return { x: r.left + (col + 1.5) * w, y: r.top + (row + 0.5) * h };
      }
      return undefined;
    }, text);
    if (!spot) throw new Error(`the terminal does not show "${text}"; it shows:\n${await this.tail()}`);
    await this.page.mouse.move(spot.x, spot.y);
    await this.page.waitForTimeout(150); // xterm finds the link under the pointer on move
    await this.page.mouse.click(spot.x, spot.y);
  }

  /** Everything in the buffer (scrollback included), one logical line per line. */
  async screenText(): Promise<string> {
    return (await this.lines()).join("\n");
  }

  /** The row the cursor is on, right-trimmed. */
  async cursorLine(): Promise<string> {
    return this.page.evaluate(() => {
      const term = window.shiplab?.term;
      if (!term) return "";
      const buf = term.buffer.active;
      return (buf.getLine(buf.baseY + buf.cursorY)?.translateToString(true) ?? "").replace(/\s+$/, "");
    });
  }

  /** Waits until the cursor sits on an empty shell prompt. */
  /** A first prompt can wait for a cold box on a loaded machine: a slow machine is no failure. */
  async waitForPrompt(timeoutMs = 90_000): Promise<void> {
    await this.waitForCursorLine(PROMPT, timeoutMs);
  }

  /**
   * Waits until a logical line of the buffer (from line `fromLine` on) satisfies `match`:
   * equals it once trimmed when a string, matches it when a RegExp. Returns that line.
   */
  async waitForLine(match: RegExp | string, timeoutMs = 30_000, fromLine = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = await this.lines();
      const hit = lines.slice(fromLine).find((l) => (typeof match === "string" ? l.trim() === match : match.test(l)));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for a terminal line ${String(match)}; the terminal shows:\n${lines.slice(-25).join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The last lines of the terminal, for error messages. */
  async tail(n = 25): Promise<string> {
    return (await this.lines()).slice(-n).join("\n");
  }

  // ------------------------------------------------------------------------------------------
  // Typing

  /** Focuses the terminal (a real click on it), types `text` on the keyboard, then Enter. */
  async type(text: string): Promise<void> {
    await this.focusTerminal();
    if (text) await this.page.keyboard.type(text);
    await this.page.keyboard.press("Enter");
  }

  async focusTerminal(): Promise<void> {
    await this.page.locator('[data-testid="terminal"]').click();
  }

  /**
   * Types several lines (e.g. a heredoc) one at a time, each followed by Enter, waiting
   * after each for bash to show a prompt again (PS1, or PS2 `> ` inside a heredoc).
   */
  async typeLines(lines: string[], timeoutMs = 60_000): Promise<void> {
    for (const line of lines) {
      await this.type(line);
      await this.waitForCursorLine(PS1_OR_PS2, timeoutMs);
    }
  }

  /**
   * Types `command` wrapped in two markers and waits for the second one: returns what the
   * command printed and its exit status. The markers are typed split in quotes
   * (`"__e2e_s""<id>"`), so only the shell's output, never the echoed command line,
   * contains them whole.
   */
  async run(command: string, timeoutMs = 60_000): Promise<RunResult> {
    const id = crypto.randomBytes(4).toString("hex");
    const start = `__e2e_s${id}`;
    const end = `__e2e_e${id}_rc=`;
    await this.type(`echo "__e2e_s""${id}"; ${command}; echo "__e2e_e""${id}_rc=$?"`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = await this.lines();
      const e = lines.findIndex((l) => l.trim().startsWith(end));
      if (e >= 0) {
        const s = lines.findIndex((l) => l.trim() === start);
        const code = Number(/_rc=(\d+)/.exec(lines[e])?.[1] ?? -1);
        return { output: lines.slice(s + 1, e).join("\n"), code };
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms running \`${command}\`; the terminal shows:\n${lines.slice(-25).join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types a command and waits until `marker` shows, after it, as a line of its own (trimmed). */
  async runAndWait(command: string, marker: string, timeoutMs = 60_000): Promise<string> {
    const from = Math.max(0, (await this.lines()).length - 1);
    await this.type(command);
    return this.waitForLine(marker, timeoutMs, from);
  }

  /** `stty size` run in the terminal: what the shell's tty thinks its size is. */
  async termSize(): Promise<{ rows: number; cols: number }> {
    const { output, code } = await this.run("stty size");
    const m = /^(\d+) (\d+)$/m.exec(output);
    if (code !== 0 || !m) throw new Error(`stty size printed ${JSON.stringify(output)} (exit ${code})`);
    return { rows: Number(m[1]), cols: Number(m[2]) };
  }

  /** The size xterm.js has on the page (after the fit addon). */
  async xtermSize(): Promise<{ rows: number; cols: number }> {
    return this.page.evaluate(() => ({ rows: window.shiplab!.term.rows, cols: window.shiplab!.term.cols }));
  }

  // ------------------------------------------------------------------------------------------
  // The lesson pane

  private exercise(id: string) {
    return this.page.locator(`[data-exercise="${id}"]`);
  }

  async exerciseStatus(id: string): Promise<string | null> {
    return this.exercise(id).getAttribute("data-status");
  }

  async exerciseMessage(id: string): Promise<string> {
    return ((await this.exercise(id).locator('[data-role="message"]').textContent()) ?? "").trim();
  }

  /**
   * Waits until exercise `id` shows `status` (and, when given, a message containing
   * `messageIncludes`). Returns the message.
   */
  async waitForExerciseStatus(id: string, status: ExerciseStatus, timeoutMs = 15_000, messageIncludes?: string): Promise<string> {
    try {
      await this.page.waitForFunction(
        ({ id, status, messageIncludes }) => {
          const el = [...document.querySelectorAll<HTMLElement>("[data-exercise]")].find((e) => e.dataset.exercise === id);
          if (!el || el.dataset.status !== status) return false;
          if (!messageIncludes) return true;
          const msg = el.querySelector('[data-role="message"]')?.textContent ?? "";
          return msg.includes(messageIncludes);
        },
        { id, status, messageIncludes },
        { timeout: timeoutMs, polling: 20 },
      );
    } catch (err) {
      const now = await this.exerciseStatus(id).catch(() => null);
      const msg = await this.exerciseMessage(id).catch(() => "");
      throw new Error(
        `${(err as Error).message}\nexercise ${id} never became ${status}${messageIncludes ? ` with a message containing "${messageIncludes}"` : ""}; ` +
          `it shows ${now}: ${JSON.stringify(msg)}\nthe terminal shows:\n${await this.tail(15).catch(() => "?")}`,
      );
    }
    return this.exerciseMessage(id);
  }

  /** The title of exercise `id` as the page shows it. */
  async exerciseTitle(id: string): Promise<string> {
    return ((await this.exercise(id).locator(".exercise-title").textContent()) ?? "").trim();
  }

  /** The ids of the exercises the lesson pane shows, in page order. */
  async exerciseIds(): Promise<string[]> {
    return this.page.locator("[data-exercise]").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.exercise ?? ""));
  }

  /** Waits until the lesson pane has rendered lesson `lessonId` with its exercises. */
  async waitForLesson(lessonId: string, timeoutMs = 30_000): Promise<void> {
    await this.page
      .locator(`article.lesson[data-lesson="${lessonId}"] [data-exercise]`)
      .first()
      .waitFor({ state: "attached", timeout: timeoutMs });
  }

  /**
   * Types `text` into the answer box of exercise `id` (a real click into the input, then the
   * keyboard), presses its Submit button, and waits for the server's acknowledgement. Throws
   * with the form's error sentence when the server refused the answer. The check's result
   * then arrives as the exercise's status (see waitForExerciseStatus).
   */
  async answerText(id: string, text: string): Promise<void> {
    const form = this.exercise(id).locator('form[data-role="answer-form"][data-kind="text"]');
    const input = form.locator('input[data-role="answer-input"]');
    await input.click();
    await input.fill("");
    await input.pressSequentially(text);
    await this.submitAnswer(id, form);
  }

  /** Clicks the chosen radio of each quiz question (question id → choice index), then Submit. */
  async answerQuiz(id: string, choices: Record<string, number>): Promise<void> {
    const form = this.exercise(id).locator('form[data-role="answer-form"][data-kind="quiz"]');
    for (const [question, index] of Object.entries(choices)) {
      await form.locator(`input[type=radio][data-question="${question}"][value="${index}"]`).check();
    }
    await this.submitAnswer(id, form);
  }

  /** The text of the label of a quiz choice, as the learner reads it. */
  async quizChoiceText(id: string, question: string, index: number): Promise<string> {
    const label = this.exercise(id).locator(`label:has(input[type=radio][data-question="${question}"][value="${index}"])`);
    return ((await label.textContent()) ?? "").trim();
  }

  private async submitAnswer(id: string, form: Locator): Promise<void> {
    await form.locator('button[data-role="answer-submit"]').click();
    // The form is busy (aria-busy) from the click until the server's acknowledgement.
    await this.page.waitForFunction(
      (id) => {
        const el = [...document.querySelectorAll<HTMLElement>("[data-exercise]")].find((e) => e.dataset.exercise === id);
        const f = el?.querySelector('form[data-role="answer-form"]');
        return !!f && f.getAttribute("aria-busy") !== "true";
      },
      id,
      { timeout: 15_000, polling: 20 },
    );
    const error = form.locator('[data-role="answer-error"]');
    if (!(await error.isHidden())) {
      throw new Error(`the answer to ${id} was refused: ${((await error.textContent()) ?? "").trim()}`);
    }
  }

  /** Waits until the row the cursor is on (right-trimmed) matches `re`, e.g. a shell prompt inside a container. */
  async waitForCursorLine(re: RegExp, timeoutMs = 30_000): Promise<void> {
    await this.page
      .waitForFunction(
        ({ source, flags }) => {
          const term = window.shiplab?.term;
          if (!term) return false;
          const buf = term.buffer.active;
          const row = (buf.getLine(buf.baseY + buf.cursorY)?.translateToString(true) ?? "").replace(/\s+$/, "");
          return new RegExp(source, flags).test(row);
        },
        { source: re.source, flags: re.flags },
        { timeout: timeoutMs, polling: 25 },
      )
      .catch(async (err: Error) => {
        const status = JSON.stringify(await this.boxStatus().catch(() => "unknown"));
        throw new Error(`${err.message}\nthe cursor never sat on a line matching ${String(re)}; the status bar says ${status}; the terminal shows:\n${await this.tail()}`);
      });
  }

  /** The status bar above the terminal: its state and its sentence. */
  async boxStatus(): Promise<{ state: string | null; text: string }> {
    const bar = this.page.locator('[data-testid="box-status"]');
    return { state: await bar.getAttribute("data-state"), text: ((await bar.textContent()) ?? "").trim() };
  }

  /** Waits until the status bar's sentence contains `text`. */
  async waitForBoxStatus(text: string, timeoutMs = 30_000): Promise<void> {
    await this.page
      .waitForFunction((t) => document.querySelector('[data-testid="box-status"]')?.textContent?.includes(t), text, { timeout: timeoutMs, polling: 50 })
      .catch(async (err: Error) => {
        throw new Error(`${err.message}
the status bar never said "${text}"; it says ${JSON.stringify(await this.boxStatus())}`);
      });
  }

  /** The text of the lesson pane. */
  async lessonText(): Promise<string> {
    return ((await this.page.locator('[data-testid="lesson"]').textContent()) ?? "").trim();
  }

  // ------------------------------------------------------------------------------------------
  // The learner

  /** The learner id from the signed cookie (`<learnerId>.<mac>`). */
  async learnerId(): Promise<string> {
    const cookies = await this.context.cookies(this.baseUrl || undefined);
    const c = cookies.find((k) => k.name === COOKIE_NAME);
    if (!c) throw new Error(`no ${COOKIE_NAME} cookie yet`);
    const value = decodeURIComponent(c.value);
    return value.slice(0, value.indexOf("."));
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}
