// Terminal output is untrusted: a learner (or a program in their box) can print any escape
// sequence. A corpus of the dangerous ones, printed from the box into the real page: none
// reaches outside the terminal — no clipboard write, no title, no page navigation, no
// script, no new window for a link that is not http(s).
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { startTestLab, stopTestLab } from "../support/testHost.ts";

/** Each printed with printf from the learner's shell (\e = ESC, \a = BEL). */
const CORPUS: Record<string, string> = {
  "OSC 52 clipboard write": "\\e]52;c;cHduZWQtY2xpcGJvYXJk\\a", // base64 "pwned-clipboard"
  "OSC 52 clipboard write, ST-terminated": "\\e]52;p;cHduZWQtY2xpcGJvYXJk\\e\\\\",
  "OSC 0 title": "\\e]0;pwned-title\\a",
  "OSC 2 title": "\\e]2;pwned-title\\e\\\\",
  "CSI 21 t (report the title back as input)": "\\e[21t",
  "OSC 8 javascript: link": "\\e]8;;javascript:document.title='pwned-link'\\e\\\\click-js\\e]8;;\\e\\\\",
  "OSC 8 data: link": "\\e]8;;data:text/html,<script>alert(1)</script>\\e\\\\click-data\\e]8;;\\e\\\\",
  "HTML in plain output": "<img src=x onerror=\"document.title='pwned-html'\"><script>document.title='pwned-script'</script>",
  "bracketed paste end": "\\e[201~",
  "OSC 1337 file (iTerm)": "\\e]1337;File=name=cHduZWQ=;inline=1:cHduZWQ=\\a",
  "OSC 777 notification": "\\e]777;notify;pwned;pwned\\a",
  "DCS request status string": "\\eP$qm\\e\\\\",
};

let lab: Shiplab;
let config: Readonly<Config>;
let browser: Browser;
let context: BrowserContext;
let page: LabPage;

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
  browser = await launchBrowser();
  context = await newLearnerContext(browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: lab.url });
  page = await LabPage.create(context);
  await page.open(lab.url);
  await page.waitForPrompt(60_000);
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await stopTestLab(lab, config);
});

describe("escape sequences from the box", () => {
  test("reach nothing outside the terminal", async () => {
    const title = await page.page.title();
    const url = page.page.url();
    await page.page.evaluate(() => navigator.clipboard.writeText("clipboard-before"));
    const dialogs: string[] = [];
    page.page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const popups: string[] = [];
    context.on("page", (p) => popups.push(p.url()));
    const elementsBefore = await page.page.evaluate(() => document.querySelectorAll("img, script, iframe, object, embed").length);

    for (const [name, seq] of Object.entries(CORPUS)) {
      const r = await page.run(`printf '%b' '${seq.replace(/'/g, "'\\''")}'; echo; echo printed`);
      expect(r.output, name).toContain("printed");
    }
    // Queries (DCS $q, CSI 21t) are answered by xterm as input, like any terminal does: the
    // answer lands in bash's line editor. Ctrl-C gives a clean prompt, as a learner would.
    await page.focusTerminal();
    await page.page.keyboard.press("Control+C");
    await page.waitForPrompt();
    // Print the two links again (the corpus has scrolled them away) and click them as a learner would.
    await page.run(`printf '%b' '${CORPUS["OSC 8 javascript: link"].replace(/'/g, "'\\''")}\\n${CORPUS["OSC 8 data: link"]}\\n'`);
    for (const text of ["click-js", "click-data"]) await page.clickText(text);
    await page.page.waitForTimeout(500);

    expect(await page.page.title()).toBe(title);
    expect(page.page.url()).toBe(url);
    expect(await page.page.evaluate(() => navigator.clipboard.readText())).toBe("clipboard-before");
    expect(dialogs).toEqual([]);
    expect(popups).toEqual([]);
    expect(await page.page.evaluate(() => document.querySelectorAll("img, script, iframe, object, embed").length)).toBe(elementsBefore);
    // "CSI 21 t" and DCS replies, had they been answered, would have been typed into the shell.
    const after = await page.run("echo still-here");
    expect(after.output).toBe("still-here");
  });

  test("an http(s) link opens in a new tab that cannot reach back to the page", async () => {
    const popup = context.waitForEvent("page", { timeout: 10_000 });
    // A page of the lab itself: on this machine, and it answers.
    await page.run(`printf '%b' '\\e]8;;${lab.url}/shiplab-link-probe\\e\\\\open-me\\e]8;;\\e\\\\'; echo`);
    await page.clickText("open-me");
    const opened = await popup;
    expect(opened.url()).toContain("shiplab-link-probe");
    expect(await opened.evaluate(() => window.opener)).toBeNull();
    await opened.close();
  });

  test("OSC 52 reaches the clipboard only once the learner turns on \"Box may copy\", and a clipboard query is never answered", async () => {
    const clipboard = () => page.page.evaluate(() => navigator.clipboard.readText());
    const osc52 = (text: string) => `printf '\\e]52;c;%s\\a' "$(printf %s '${text}' | base64 -w0)"; echo; echo printed`;
    await page.page.evaluate(() => navigator.clipboard.writeText("clipboard-before"));
    const toggle = page.page.getByTestId("osc52-switch");
    expect(await toggle.isChecked()).toBe(false);

    await page.run(osc52("not-yet"));
    await page.page.waitForTimeout(300);
    expect(await clipboard()).toBe("clipboard-before");

    await toggle.check();
    await page.run(osc52("copied from the box ✓"));
    await expect.poll(clipboard, { timeout: 5_000 }).toBe("copied from the box ✓");
    // A query asks the terminal to type the clipboard back into the shell: never.
    await page.run("printf '\\e]52;c;?\\a'; echo; echo queried");
    const after = await page.run("echo still-here");
    expect(after.output).toBe("still-here");

    // The choice is remembered across a reload, and turning it off stops the copies.
    await page.page.reload();
    await page.waitForPrompt();
    expect(await page.page.getByTestId("osc52-switch").isChecked()).toBe(true);
    await page.page.getByTestId("osc52-switch").uncheck();
    await page.run(osc52("off-again"));
    await page.page.waitForTimeout(300);
    expect(await clipboard()).toBe("copied from the box ✓");
  });
});
