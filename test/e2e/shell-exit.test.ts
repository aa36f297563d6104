// A learner who types `exit` is never locked out: Enter gives a new shell in the same box,
// on a box from the warm pool (renamed when handed over) and on a fresh one, and a reload
// after `exit` does too. A learner who kills their box's daemon gets a new box with Enter.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { startTestLab, stopTestLab, until } from "../support/testHost.ts";

let browser: Browser;
const pages: LabPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
});

async function learner(url: string): Promise<LabPage> {
  const p = await LabPage.create(await newLearnerContext(browser));
  pages.push(p);
  await p.open(url);
  await p.waitForPrompt(60_000);
  return p;
}

/** The shell's pid, from the shell itself. */
async function shellPid(p: LabPage): Promise<string> {
  const pid = (await p.run("echo $$")).output.trim();
  expect(pid).toMatch(/^\d+$/);
  return pid;
}

/** exit, then Enter: a new shell, in the same box. */
async function exitAndComeBack(p: LabPage, lab: Shiplab): Promise<void> {
  const learnerId = await p.learnerId();
  const box = lab.sandbox.boxOf(learnerId)!;
  const before = await shellPid(p);
  await p.run("docker run --name made-before-exit busybox true >/dev/null 2>&1; true");
  await p.type("exit");
  await p.waitForBoxStatus("Press Enter");
  await p.type("");
  await p.waitForPrompt();
  await p.waitForBoxStatus("A new shell is open"); // no longer "Press Enter"
  const after = await shellPid(p);
  expect(after).not.toBe(before);
  expect(lab.sandbox.boxOf(learnerId)?.id).toBe(box.id); // the same box…
  const kept = await p.run("docker ps -a --format '{{.Names}}'");
  expect(kept.output).toContain("made-before-exit"); // …with what the learner made in it
  expect(kept.output).not.toMatch(/No such container/);
}

describe("a shell that the learner exits comes back", () => {
  let warmLab: Shiplab | undefined;
  let warmConfig: Readonly<Config> | undefined;
  let coldLab: Shiplab | undefined;
  let coldConfig: Readonly<Config> | undefined;

  beforeAll(async () => {
    ({ lab: coldLab, config: coldConfig } = await startTestLab({ warmPool: 0 }));
  });

  afterAll(async () => {
    await stopTestLab(warmLab, warmConfig);
    await stopTestLab(coldLab, coldConfig);
  });

  test("in a box from the warm pool, then again after a reload", async () => {
    ({ lab: warmLab, config: warmConfig } = await startTestLab({ warmPool: 1 }));
    const lab = warmLab;
    await until(async () => lab.sandbox.list().some((b) => !b.learnerId), 60_000, "a warm box");
    const poolBox = lab.sandbox.list().find((b) => !b.learnerId)!;
    const p = await learner(lab.url);
    expect(lab.sandbox.boxOf(await p.learnerId())?.id).toBe(poolBox.id); // it was the warm one
    await exitAndComeBack(p, lab);

    // exit, then reload instead of Enter: the page gets a working shell.
    await p.type("exit");
    await p.waitForBoxStatus("Press Enter");
    await p.page.reload({ waitUntil: "load" });
    await p.waitForPrompt(60_000);
    await shellPid(p);
    expect(lab.sandbox.boxOf(await p.learnerId())?.id).toBe(poolBox.id);
  });

  test("in a fresh box (no warm pool); Ctrl-C instead of Enter gives a shell as set up as the first", async () => {
    const p = await learner(coldLab!.url);
    await exitAndComeBack(p, coldLab!);

    // The key that asks for the new shell is not typed into it: a Ctrl-C reaching bash
    // while it reads its profile left a bare "bash-5.2#" with none of the box's set-up.
    await p.type("exit");
    await p.waitForBoxStatus("Press Enter");
    await p.focusTerminal();
    await p.page.keyboard.press("Control+C");
    await p.waitForPrompt(30_000);
    await p.waitForBoxStatus("A new shell is open");
    const after = await p.run("echo \"$PS1\" | grep -c learner@shiplab");
    expect(after.output.trim()).toBe("1");
  });

  test("a program that ignores Ctrl-C does not hold the terminal: New shell opens another in the same box", async () => {
    const lab = coldLab!;
    const p = await learner(lab.url);
    const learnerId = await p.learnerId();
    const box = lab.sandbox.boxOf(learnerId)!;
    const before = await shellPid(p);
    // As a container's PID 1 does: Ctrl-C reaches it and nothing happens.
    await p.type("sh -c \"trap '' INT; echo holding; sleep 600\"");
    // A line that is "holding" alone: the echoed command line holds the word too, and a
    // Ctrl-C sent before the trap is set ends the program (CI met that once).
    await expect.poll(() => p.tail(5), { timeout: 15_000 }).toMatch(/^holding\s*$/m);
    await p.page.keyboard.press("Control+C");
    await new Promise((r) => setTimeout(r, 500));
    expect(await p.tail(3)).not.toMatch(/learner@shiplab:\S*#\s*$/);
    await p.page.locator('[data-testid="shell-restart"]').click();
    // Another Ctrl-C at once, meant for the old program: it must not reach the new shell
    // while that reads its profile (which would leave a bare "bash-5.2#").
    await p.page.keyboard.press("Control+C");
    await p.waitForPrompt(30_000);
    await p.waitForBoxStatus("A new shell is open");
    // The new prompt starts a line of its own, not after the "^C" the old program left.
    expect(await p.cursorLine()).toMatch(/^learner@shiplab:\S*#$/);
    expect((await p.run("echo \"$PS1\" | grep -c learner@shiplab")).output.trim()).toBe("1");
    const after = await shellPid(p);
    expect(after).not.toBe(before);
    expect(lab.sandbox.boxOf(learnerId)?.id).toBe(box.id);
    // The old shell was hung up, and what it ran with it.
    const sleeping = () => p.run(`for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f 2>/dev/null; echo; done | grep -c '^sleep 600'`);
    await expect.poll(async () => (await sleeping()).output.trim(), { timeout: 15_000 }).toBe("0");
  });

  test("New shell out of a full-screen program (less) gives the shell's own screen back, cursor shown", async () => {
    const p = await learner(coldLab!.url);
    const screen = () =>
      p.page.evaluate(() => {
        const term = window.shiplab!.term;
        // xterm keeps the cursor's visibility in its core service: the public API has none.
        const core = (term as unknown as { _core?: { coreService?: { isCursorHidden?: boolean } } })._core;
        return { buffer: term.buffer.active.type, cursorHidden: core?.coreService?.isCursorHidden ?? null };
      });
    await p.type("seq 1 500 | less");
    await expect.poll(async () => (await screen()).buffer, { timeout: 15_000 }).toBe("alternate");
    await p.page.locator('[data-testid="shell-restart"]').click();
    await p.waitForBoxStatus("A new shell is open");
    await expect.poll(async () => (await screen()).buffer, { timeout: 15_000 }).toBe("normal");
    await p.waitForPrompt(30_000);
    expect(await p.cursorLine()).toMatch(/^learner@shiplab:\S*#$/);
    expect((await screen()).cursorHidden).not.toBe(true);
    expect((await p.run("echo back")).output).toBe("back");
  });

  test("a learner who kills their box's daemon is told, and Enter gives a working box", async () => {
    const lab = coldLab!;
    const p = await learner(lab.url);
    const learnerId = await p.learnerId();
    const before = lab.sandbox.boxOf(learnerId)!;
    // The prompt comes before the box's daemon: `docker info` waits for it (in the tap), so
    // there is a dockerd to kill.
    await p.type("docker info >/dev/null 2>&1; kill -9 $(pidof dockerd)");
    await p.waitForBoxStatus("Press Enter", 60_000);
    await until(async () => !lab.sandbox.list().some((b) => b.id === before.id), 30_000, "the dead box to be removed");
    await p.type("");
    await p.waitForBoxStatus("fresh one", 60_000);
    await p.waitForPrompt(60_000);
    const info = await p.run("docker info --format '{{.ServerVersion}}'");
    expect(info.code).toBe(0);
    const after = lab.sandbox.boxOf(learnerId)!;
    expect(after.id).not.toBe(before.id);
  });
});
