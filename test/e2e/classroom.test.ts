// A class in real browsers: a teacher logs in and creates a class; three students, each in
// a browser context of their own, join with the code and a name, and work in their real
// boxes. The teacher's grid changes as they go, without a reload; the stuck mark shows;
// grades come out as CSV; a learner is refused the dashboard.
import jsQRModule from "jsqr";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { startTestLab, stopTestLab } from "../support/testHost.ts";

// jsqr is CommonJS with an ES-style `default` in its types: take the function either way.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

let lab: Shiplab;
let config: Readonly<Config>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 2 }));
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stopTestLab(lab, config);
});

async function context(): Promise<BrowserContext> {
  const c = await newLearnerContext(browser);
  contexts.push(c);
  return c;
}

const row = (teacher: Page, name: string) => teacher.locator(`tr[data-learner=${JSON.stringify(name)}]`);

async function join(code: string, name: string): Promise<LabPage> {
  const student = await LabPage.create(await context());
  await student.page.goto(`${lab.url}/join/${code}`);
  await student.page.getByTestId("join-name").fill(name);
  await student.page.getByTestId("join-submit").click();
  await expect.poll(() => student.page.getByTestId("recovery-code").textContent(), { timeout: 10_000 }).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await student.page.getByTestId("join-start").click();
  await student.page.waitForURL(/\/lessons\//);
  await student.open(lab.url, "images");
  await student.waitForPrompt();
  return student;
}

it("a teacher watches three students live, sees who is stuck, and exports grades", async () => {
  // The teacher logs in and creates a class.
  const teacher = await (await context()).newPage();
  await teacher.goto(`${lab.url}/teach/login`);
  await teacher.locator('input[name="name"]').fill("teacher");
  await teacher.locator('input[name="password"]').fill(lab.firstTeacher!.generatedPassword!);
  await teacher.getByRole("button", { name: "Log in" }).click();
  await teacher.waitForURL(`${lab.url}/teach`);
  // A stuck mark after 3 s without progress, so the test need not wait ten minutes.
  await teacher.goto(`${lab.url}/teach?stuck=0.05`);
  await teacher.getByTestId("new-class").locator('input[name="name"]').fill("Docker 101");
  await teacher.getByTestId("new-class").getByRole("button", { name: "Create class" }).click();
  const code = (await teacher.getByTestId("join-code").textContent({ timeout: 10_000 }))!;
  expect(code).toMatch(/^[A-Z2-9]{6}$/);
  // The QR code a teacher projects holds the join link, as a phone's camera reads it.
  const shot = PNG.sync.read(await teacher.getByTestId("join-qr").screenshot());
  expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(`${lab.url}/join/${code}`);
  await teacher.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  // Before the class arrives, the teacher prepares boxes for it from the dashboard.
  const warmBefore = lab.sandbox.list().filter((b) => !b.learnerId).length;
  await teacher.getByTestId("prepare-count").fill("2");
  await teacher.getByTestId("prepare-boxes").click();
  await expect.poll(() => teacher.getByTestId("prepare-note").textContent(), { timeout: 10_000 }).toContain("2 boxes are being prepared");
  await expect.poll(() => lab.sandbox.list().filter((b) => !b.learnerId).length, { timeout: 90_000 }).toBeGreaterThanOrEqual(Math.max(2, warmBefore));

  // Three students join, each in their own browser.
  const names = ["Ada", "王小明", 'Grace "G", =1+1'];
  const students: LabPage[] = [];
  for (const name of names) students.push(await join(code, name));
  for (const name of names) await expect.poll(() => row(teacher, name).getByTestId("box-state").textContent(), { timeout: 30_000 }).toBe("ready");
  await expect.poll(() => students[0].page.getByTestId("class-badge").textContent()).toBe("Docker 101 · Ada");

  // Ada pulls busybox; her exercise and the teacher's cell turn green together.
  const cell = row(teacher, "Ada").locator('td[data-exercise="images.pull"]');
  const teacherSaw = teacher.waitForFunction(
    () => document.querySelector('tr[data-learner="Ada"] td[data-exercise="images.pull"]')?.getAttribute("data-status") === "passed" && Date.now(),
    undefined,
    { timeout: 60_000, polling: 20 },
  );
  await students[0].run("docker pull busybox");
  await students[0].waitForExerciseStatus("images.pull", "passed", 60_000);
  const studentSawAt = await students[0].page.evaluate(() => Date.now());
  const teacherSawAt = (await (await teacherSaw).jsonValue()) as number;
  expect(teacherSawAt - studentSawAt).toBeLessThan(1000);
  expect(await cell.textContent()).toMatch(/^✓ /);
  expect(await row(teacher, "Ada").getByTestId("passed").textContent()).toMatch(/^1\//);

  // Those without progress for a while are marked stuck; "stuck only" shows just the marked.
  await expect.poll(() => row(teacher, "王小明").getAttribute("data-stuck"), { timeout: 30_000 }).toBe("true");
  await teacher.getByTestId("grid-stuck-only").check();
  const shown = await teacher.locator("tr[data-learner]").evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-learner"), r.getAttribute("data-stuck")]));
  expect(shown.map(([name]) => name)).toContain("王小明");
  expect(shown.every(([, stuck]) => stuck === "true")).toBe(true);
  await teacher.getByTestId("grid-stuck-only").uncheck();
  await expect.poll(() => teacher.locator("tr[data-learner]").count()).toBe(3);
  expect(await teacher.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // The teacher watches Ada's terminal: what she types shows; what the teacher types goes nowhere.
  await row(teacher, "Ada").getByTestId("watch-learner").click();
  const watched = () => teacher.getByTestId("watch-terminal").locator(".xterm-rows").textContent();
  await students[0].run("echo seen-by-the-teacher");
  await expect.poll(watched, { timeout: 10_000 }).toContain("seen-by-the-teacher");
  await teacher.getByTestId("watch-terminal").click();
  await teacher.keyboard.type("echo typed-by-the-teacher\n");
  await teacher.waitForTimeout(500);
  const after = await students[0].run("echo still-hers");
  expect(after.output).toBe("still-hers");
  expect(await students[0].tail(200)).not.toContain("typed-by-the-teacher");

  // A fresh box for Ada: she is told, Enter brings it, and her progress stays.
  teacher.once("dialog", (d) => void d.accept());
  await teacher.getByTestId("reset-box").click();
  await expect.poll(() => students[0].page.getByTestId("status-message").textContent(), { timeout: 30_000 }).toMatch(/fresh box/);
  await students[0].focusTerminal();
  await students[0].page.keyboard.press("Enter");
  await students[0].waitForBoxStatus("fresh one", 60_000);
  await students[0].waitForPrompt();
  expect(await students[0].exerciseStatus("images.pull")).toBe("passed");
  expect((await students[0].run("docker images -q busybox")).output).toBe("");

  // Grades out, names as typed (the CSV's own quoting is tested cell by cell elsewhere).
  const csv = await teacher.request.get(`${lab.url}${await teacher.getByTestId("export-csv").getAttribute("href")}`);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain("王小明");
  expect(text).toContain(`"Grace ""G"", =1+1"`);

  // A student cannot open the dashboard.
  const refused = await students[1].page.goto(`${lab.url}/teach`);
  expect(refused?.status()).toBe(403);
});
