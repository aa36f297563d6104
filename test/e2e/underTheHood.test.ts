// The "under the hood" panel in a real browser: the learner opens it (with the keyboard),
// types a docker command, and sees the Engine API requests that command made, live, with
// their statuses; a command that is not docker's shows none; a reload shows the earlier
// ones; a path the box makes up is shown as text, never as HTML; and it speaks Chinese.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { startTestLab, stopTestLab } from "../support/testHost.ts";

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

/** The panel's rows as "METHOD path-without-query status" (IDs shown as 12 characters, as `docker ps` does). */
async function rows(p: LabPage): Promise<string[]> {
  return p.page.locator('[data-testid="hood-calls"] li').evaluateAll((lis) =>
    lis.map((li) => {
      const method = li.querySelector(".hood-method")?.textContent ?? "";
      const path = li.querySelector(".hood-path")?.firstChild?.textContent ?? "";
      const status = li.querySelector(".hood-status")?.textContent ?? "";
      return `${method} ${path} ${status}`;
    }),
  );
}

describe("the under-the-hood panel", () => {
  it("shows the requests of the learner's last command, live", async () => {
    const p = await LabPage.create(await newLearnerContext(browser));
    try {
      await p.open(lab.url, "architecture");
      await p.waitForPrompt();
      const toggle = p.page.locator('[data-testid="hood-toggle"]');
      expect(await toggle.textContent()).toBe("Under the hood");
      expect(await p.page.locator('[data-testid="hood"]').isVisible()).toBe(false);
      // Opened from the keyboard, as any button.
      await toggle.focus();
      await p.page.keyboard.press("Enter");
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      expect(await p.page.locator('[data-testid="hood"]').isVisible()).toBe(true);

      const r = await p.run("docker run --rm busybox echo hi-from-the-hood", 120_000);
      expect(r.output).toContain("hi-from-the-hood");
      await expect.poll(() => rows(p), { timeout: 15_000 }).toEqual(
        expect.arrayContaining([
          "HEAD /_ping 200",
          "POST /v1.45/containers/create 201",
          expect.stringMatching(/^POST \/v1\.45\/containers\/[0-9a-f]{12}\/attach 101$/),
          expect.stringMatching(/^POST \/v1\.45\/containers\/[0-9a-f]{12}\/start 204$/),
          expect.stringMatching(/^POST \/v1\.45\/containers\/[0-9a-f]{12}\/wait 200$/),
        ]),
      );
      expect(await p.page.locator("#hood-summary").textContent()).toMatch(/^Your last command made \d+ Engine API requests:$/);

      // A command that does not talk to the daemon made no requests.
      await p.run("ls /");
      await expect.poll(() => rows(p)).toEqual([]);
      expect(await p.page.locator("#hood-summary").textContent()).toContain("Your last command sent none");

      // An error is shown with its status.
      await p.run("docker inspect no-such-thing");
      await expect.poll(() => rows(p)).toContainEqual("GET /v1.45/containers/no-such-thing/json 404");

      // A path the box makes up is text: no element of it reaches the page.
      await p.run(`curl -s --unix-socket /var/run/docker.sock 'http://localhost/<img/src=x>' >/dev/null`);
      await expect.poll(() => p.page.locator('[data-testid="hood-calls"]').textContent()).toContain("<img/src=x>");
      expect(await p.page.locator('[data-testid="hood-calls"] img').count()).toBe(0);

      // After a reload, the requests made before the page opened are there.
      await p.page.reload({ waitUntil: "load" });
      await p.waitForPrompt();
      await p.page.locator('[data-testid="hood-toggle"]').click();
      await expect.poll(() => p.page.locator("#hood-summary").textContent()).toMatch(/Engine API requests from before this page opened/);
      expect((await rows(p)).some((row) => row.startsWith("GET /v1.45/containers/no-such-thing/json 404"))).toBe(true);
    } finally {
      await p.close();
    }
  });

  it("speaks Chinese", async () => {
    const p = await LabPage.create(await newLearnerContext(browser));
    try {
      await p.open(lab.url, "architecture", "zh-CN");
      await p.waitForPrompt();
      expect(await p.page.locator('[data-testid="hood-toggle"]').textContent()).toBe("幕后");
      await p.page.locator('[data-testid="hood-toggle"]').click();
      await p.run("docker version >/dev/null");
      await expect.poll(() => p.page.locator("#hood-summary").textContent()).toMatch(/^你上一条命令发出了 \d+ 个 Engine API 请求：$/);
      expect(await rows(p)).toContainEqual("GET /v1.45/version 200");
    } finally {
      await p.close();
    }
  });
});
