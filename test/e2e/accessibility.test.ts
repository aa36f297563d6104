// Accessible pages: every lesson page, in both languages, has no axe-core violations (WCAG
// 2.0/2.1 A and AA, and best practice), with its hints open and after an exercise passed
// and a wrong answer; and a learner can work with the keyboard alone: a Run button and an
// answer form, reached with Tab and used with Enter.
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { sh, startTestLab, stopTestLab } from "../support/testHost.ts";

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const LESSONS = ["architecture", "images", "containers", "registry", "networking", "volumes", "configuration", "compose"] as const;

let lab: Shiplab;
let config: Readonly<Config>;
let browser: Browser;

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 1 }));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopTestLab(lab, config);
});

interface Violation {
  id: string;
  help: string;
  nodes: string[];
}

/** axe-core's violations on the page as it is now (evaluated through the debugger: no CSP applies). */
async function violations(page: LabPage): Promise<Violation[]> {
  await page.page.evaluate(AXE);
  return page.page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

describe("every lesson page", () => {
  for (const lang of ["en", "zh-CN"] as const) {
    it(`has no axe-core violations, in ${lang}, hints open`, async () => {
      const page = await LabPage.create(await newLearnerContext(browser));
      try {
        for (const lesson of LESSONS) {
          await page.open(lab.url, lesson, lang);
          await page.waitForPrompt();
          await page.page.locator("details.exercise-hints").evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
          expect(await violations(page), `${lesson} (${lang})`).toEqual([]);
        }
      } finally {
        await page.close();
      }
    });
  }

  it("has none after a pass and a wrong answer either", async () => {
    const page = await LabPage.create(await newLearnerContext(browser));
    try {
      await page.open(lab.url, "architecture");
      await page.waitForPrompt();
      await page.answerText("architecture.version", "0.99");
      await page.waitForExerciseStatus("architecture.version", "failed");
      await page.run("docker version > /dev/null");
      expect(await violations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

it("lets a learner use a Run button and an answer form with the keyboard alone", async () => {
  const page = await LabPage.create(await newLearnerContext(browser));
  try {
    await page.open(lab.url, "architecture");
    await page.waitForPrompt();
    /** Presses Tab until `selector` has the focus (at most 300 times). */
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 300; i++) {
        if (await page.page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
        await page.page.keyboard.press("Tab");
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await page.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // The first Run button of the lesson types its command into the terminal.
    await tabTo('button[data-action="run"]');
    const command = await page.page.evaluate(() => document.activeElement?.closest(".codeblock")?.querySelector("pre")?.textContent?.trim().split("\n")[0]);
    await page.page.keyboard.press("Enter");
    await expect.poll(() => page.tail(60), { timeout: 30_000 }).toContain(command!);

    // Tab belongs to the shell; Shift+Tab goes back to the lesson.
    await page.page.keyboard.press("Shift+Tab");
    expect(await page.page.evaluate(() => document.activeElement?.id)).toBe("lesson-pane");

    // The answer to "which API version": typed and submitted from the keyboard.
    const box = lab.sandbox.boxOf(await page.learnerId())!;
    const api = (await sh(box.container, "docker version --format '{{.Server.APIVersion}}'")).out.trim();
    await tabTo('[data-exercise="architecture.version"] input[data-role="answer-input"]');
    await page.page.keyboard.type(api);
    await page.page.keyboard.press("Enter");
    await page.waitForExerciseStatus("architecture.version", "passed", 30_000);
  } finally {
    await page.close();
  }
});
