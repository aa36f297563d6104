// End to end, as a learner does it: a real browser opens Shiplab, types into the terminal
// on the right, and watches the exercises on the left turn green (or red) by themselves.
// One lab (one Shiplab, its own box network) for the whole file; a new browser context
// is a new learner with a box of their own.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Shiplab } from "../../server/main.ts";
import { NOT_IN_LAB_MESSAGE } from "../../server/registry/labGate.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { sh, startTestLab, until } from "../support/testHost.ts";

const BUILD = "images.build-hello";
const RUN = "images.run-hello";

/** hello.c as a heredoc, typed line by line (no tabs: readline would complete them; no `!`: history expansion). */
function helloC(text: string, exitCode = 0): string[] {
  return [
    "cat > hello.c <<'EOF'",
    "#include <stdio.h>",
    "",
    "int main(void)",
    "{",
    `    printf("${text}\\n");`,
    `    return ${exitCode};`,
    "}",
    "EOF",
  ];
}

function dockerfile(from: string, cmd: string[]): string[] {
  return ["cat > Dockerfile <<'EOF'", `FROM ${from}`, "ADD hello /", `CMD ${JSON.stringify(cmd)}`, "EOF"];
}

describe("hello-docker end to end, in a real browser", () => {
  let lab: Shiplab | undefined;
  let browser: Browser | undefined;
  const pages: LabPage[] = [];
  /** The first learner (warm box): does the whole exercise. */
  let a: LabPage;
  /** The second learner (opened while the pool is empty): the negative cases. */
  let b: LabPage;
  const timings: Record<string, number> = {};

  async function newLearner(): Promise<LabPage> {
    const p = await LabPage.create(await newLearnerContext(browser!));
    p.page.on("pageerror", (err) => console.log(`[page error] ${err.message}`));
    pages.push(p);
    return p;
  }

  function poolBoxIds(): string[] {
    return lab!.sandbox
      .list()
      .filter((box) => !box.learnerId)
      .map((box) => box.id);
  }

  async function boxOf(p: LabPage) {
    const id = await p.learnerId();
    return until(async () => lab!.sandbox.boxOf(id), 30_000, `a box for learner ${id}`);
  }

  beforeAll(async () => {
    ({ lab } = await startTestLab({ warmPool: 1 }));
    browser = await launchBrowser();
    // The first learner must find a warm box waiting.
    await until(async () => poolBoxIds().length > 0, 60_000, "the warm pool to fill");
  });

  afterAll(async () => {
    // Each step on its own: a failure in one must not skip the others.
    for (const p of pages) await p.close();
    await browser?.close().catch((err: Error) => console.error(`closing the browser: ${err.message}`));
    await lab?.dispose({ removeBoxes: true }).catch((err: Error) => console.error(`disposing the lab: ${err.message}`));
    if (Object.keys(timings).length) console.log(`[e2e timings, ms] ${JSON.stringify(timings)}`);
  });

  test("a learner opens the page: a prompt, a Docker client and server, a dockerd", async () => {
    const warmIds = poolBoxIds();
    expect(warmIds.length).toBeGreaterThan(0);

    a = await newLearner();
    const t0 = Date.now();
    await a.open(lab!.url);
    const boxA = await boxOf(a);
    expect(warmIds).toContain(boxA.id); // the warm box it found waiting

    // The pool is empty now (its refill has only just begun): the next learner waits for a new box.
    b = await newLearner();
    const emptyPool = poolBoxIds();
    const t1 = Date.now();
    const bOpened = b.open(lab!.url);

    await a.waitForPrompt();
    timings.gotoToPromptWarm = Date.now() - t0;
    await bOpened;
    await b.waitForPrompt(60_000);
    const gotoToPromptB = Date.now() - t1;
    const boxB = await boxOf(b);
    const bWasCold = !emptyPool.includes(boxB.id);
    timings[bWasCold ? "gotoToPromptCold" : "gotoToPromptSecondLearnerWarm"] = gotoToPromptB;
    console.log(
      `[timing] page.goto → first prompt: warm pool ${timings.gotoToPromptWarm} ms; ` +
        `${bWasCold ? "pool empty (cold)" : "second learner (the pool had refilled: warm)"} ${gotoToPromptB} ms`,
    );

    const version = await a.run("docker version");
    expect(version.code, version.output).toBe(0);
    expect(version.output).toMatch(/^Client:/m);
    expect(version.output).toMatch(/^Server:/m);

    const ps = await a.run("ps -ef | grep dockerd");
    const daemons = ps.output.split("\n").filter((l) => /\bdockerd\b/.test(l) && !/\bgrep\b/.test(l));
    expect(daemons.length, ps.output).toBeGreaterThan(0);

    // The page's size reached both shells, also the one whose box was still starting when the page sent it.
    await settleSize(a);
    await settleSize(b);

    // The exercises start out pending, and the status bar says the box is ready.
    expect(await a.exerciseStatus(BUILD)).toBe("pending");
    expect(await a.exerciseStatus(RUN)).toBe("pending");
    expect(await a.page.locator('[data-testid="box-status"]').getAttribute("data-state")).toBe("ready");
  });

  test("the learner types the whole hello-docker exercise; both exercises turn green by themselves", async () => {
    const learner = await a.learnerId();
    const box = lab!.sandbox.boxOf(learner)!;

    expect((await a.run("mkdir -p ~/hello && cd ~/hello")).code).toBe(0);
    await a.typeLines(helloC("hello docker from e2e"));
    const gcc = await a.run("gcc -static hello.c -o hello");
    expect(gcc.code, gcc.output).toBe(0);
    expect((await a.run("./hello")).output).toContain("hello docker from e2e");
    await a.typeLines(dockerfile("scratch", ["/hello"]));
    expect((await a.run("cat Dockerfile")).output).toBe('FROM scratch\nADD hello /\nCMD ["/hello"]');

    // Nothing built yet: neither exercise has passed.
    expect(await a.exerciseStatus(BUILD)).not.toBe("passed");

    const tBuild = Date.now();
    const build = await a.run("docker build -t e2e/hello-docker .", 120_000);
    expect(build.code, build.output).toBe(0);
    const buildMessage = await a.waitForExerciseStatus(BUILD, "passed", 15_000);
    timings.buildCommandToPassed = Date.now() - tBuild;
    expect(buildMessage).toContain("e2e/hello-docker");
    expect(await a.exerciseStatus(RUN)).not.toBe("passed");

    // The side channel: the box's own daemon holds the image.
    const images = await sh(box.container, "docker images e2e/hello-docker -q");
    expect(images.code).toBe(0);
    expect(images.out.trim()).toMatch(/^[0-9a-f]{12}/);

    // docker run: time from the Enter key to the exercise turning green.
    await a.focusTerminal();
    await a.page.keyboard.type("docker run e2e/hello-docker");
    const commandLine = (await a.lines()).length - 1; // `./hello` printed the same text earlier
    const t0 = Date.now();
    await a.page.keyboard.press("Enter");
    const [tOutput, tPassed] = await Promise.all([
      a.waitForLine("hello docker from e2e", 15_000, commandLine + 1).then(() => Date.now()),
      a.waitForExerciseStatus(RUN, "passed", 15_000).then(() => Date.now()),
    ]);
    timings.runEnterToOutput = tOutput - t0;
    timings.runEnterToPassed = tPassed - t0;
    console.log(
      `[timing] docker run Enter → "hello docker from e2e" in the terminal ${tOutput - t0} ms; → ${RUN} passed ${tPassed - t0} ms`,
    );
    expect(await a.exerciseMessage(RUN)).toContain("exited with code 0");
    expect(await a.exerciseStatus(BUILD)).toBe("passed");
    await a.waitForPrompt();
  });

  test("wrong images and a wrong exit code turn the exercises red, with a reason", async () => {
    expect((await b.run("docker pull busybox", 90_000)).code).toBe(0);
    expect((await b.run("mkdir -p ~/neg && cd ~/neg")).code).toBe(0);
    await b.typeLines(helloC("hello docker from e2e"));
    expect((await b.run("gcc -static hello.c -o hello")).code).toBe(0);

    // 1. Built on top of busybox: more than one layer.
    await b.typeLines(dockerfile("busybox", ["/hello"]));
    const onBusybox = await b.run("docker build -t neg/hello-docker .", 120_000);
    expect(onBusybox.code, onBusybox.output).toBe(0);
    const layers = await b.waitForExerciseStatus(BUILD, "failed", 15_000, "layers");
    expect(layers).toContain("neg/hello-docker");

    // 2. FROM scratch, but the wrong CMD.
    await b.typeLines(dockerfile("scratch", ["/hello", "x"]));
    const wrongCmd = await b.run("docker build -t neg/hello-docker .", 120_000);
    expect(wrongCmd.code, wrongCmd.output).toBe(0);
    const cmd = await b.waitForExerciseStatus(BUILD, "failed", 15_000, "CMD");
    expect(cmd).toContain('["/hello","x"]');

    // 3. A correct image whose program returns 3: the image passes, the run does not.
    await b.typeLines(helloC("hello docker from e2e", 3));
    expect((await b.run("gcc -static hello.c -o hello")).code).toBe(0);
    await b.typeLines(dockerfile("scratch", ["/hello"]));
    expect((await b.run("docker build -t neg/hello-docker .", 120_000)).code).toBe(0);
    await b.waitForExerciseStatus(BUILD, "passed", 15_000);
    const run = await b.run("docker run neg/hello-docker");
    expect(run.code).toBe(3);
    expect(run.output).toContain("hello docker from e2e");
    const exit = await b.waitForExerciseStatus(RUN, "failed", 15_000, "code 3");
    expect(exit).toMatch(/exited with code 3/);
  });

  test("resizing the window resizes the shell's tty", async () => {
    await a.page.setViewportSize({ width: 1280, height: 800 });
    await settleSize(a);
    const big = await a.termSize();
    expect(big).toEqual(await a.xtermSize());

    await a.page.setViewportSize({ width: 900, height: 600 });
    // The fit addon resizes xterm on the next frame, then the page tells the server.
    await until(async () => {
      const s = await a.xtermSize();
      return s.rows !== big.rows || s.cols !== big.cols;
    }, 10_000, "xterm to refit to 900x600");
    const small = await settleSize(a);
    expect(small).not.toEqual(big);
    console.log(`[resize] stty size at 1280x800: ${big.rows} ${big.cols}; at 900x600: ${small.rows} ${small.cols}`);

    await a.page.setViewportSize({ width: 1280, height: 800 });
    expect(await settleSize(a)).toEqual(big);
  });

  test("at every window size, the terminal's last row (the prompt) is inside its pane", async () => {
    // Sizes where the fit addon once counted the host's padding as room for a row.
    for (const [width, height] of [[700, 700], [900, 700], [1280, 800], [700, 600], [1100, 650]]) {
      await a.page.setViewportSize({ width, height });
      await settleSize(a);
      const fit = await a.page.evaluate(() => {
        const host = document.querySelector<HTMLElement>('[data-testid="terminal"]')!.getBoundingClientRect();
        const rows = document.querySelectorAll<HTMLElement>(".xterm-rows > div");
        const last = rows[rows.length - 1]!.getBoundingClientRect();
        return { rows: rows.length, lastBottom: last.bottom, hostBottom: host.bottom };
      });
      expect(fit.lastBottom, `${width}x${height}: ${JSON.stringify(fit)}`).toBeLessThanOrEqual(fit.hostBottom + 0.5);
    }
    await a.page.setViewportSize({ width: 1280, height: 800 });
    await settleSize(a);
  });

  test("a reload brings back the same shell, its output, the same box and its images", async () => {
    const learner = await a.learnerId();
    const before = lab!.sandbox.boxOf(learner)!;
    const marker = await a.run("echo marker-$(( 6 * 7 ))");
    expect(marker.output).toBe("marker-42");
    const pid = (await a.run("echo $$")).output.trim();
    expect(pid).toMatch(/^\d+$/);

    await a.page.reload({ waitUntil: "load" });
    await a.waitForPrompt();
    expect(await a.lines()).toContain("marker-42"); // replayed, not typed again
    expect(await a.learnerId()).toBe(learner);
    expect(lab!.sandbox.boxOf(learner)?.id).toBe(before.id);
    expect(lab!.sandbox.boxOf(learner)?.container).toBe(before.container);
    expect((await a.run("echo $$")).output.trim()).toBe(pid); // the same shell, not a new one

    const images = await a.run("docker images e2e/hello-docker --format '{{.Repository}}:{{.Tag}}'");
    expect(images.output).toContain("e2e/hello-docker:latest");
    expect((await sh(before.container, "docker images e2e/hello-docker -q")).out.trim()).not.toBe("");
    // The exercises passed before the reload are still green.
    expect(await a.exerciseStatus(BUILD)).toBe("passed");
    expect(await a.exerciseStatus(RUN)).toBe("passed");
  });

  test("two learners get two boxes that do not see each other", async () => {
    const boxA = lab!.sandbox.boxOf(await a.learnerId())!;
    const boxB = lab!.sandbox.boxOf(await b.learnerId())!;
    expect(boxA.id).not.toBe(boxB.id);
    expect(boxA.container).not.toBe(boxB.container);

    const imagesB = await b.run("docker images");
    expect(imagesB.code).toBe(0);
    expect(imagesB.output).toContain("neg/hello-docker");
    expect(imagesB.output).not.toContain("e2e/hello-docker");
    expect((await sh(boxB.container, "docker images e2e/hello-docker -q")).out.trim()).toBe("");

    const containersA = (await sh(boxA.container, "docker ps -aq --no-trunc")).out.split(/\s+/).filter(Boolean);
    expect(containersA.length).toBeGreaterThan(0); // A ran e2e/hello-docker
    const psB = await b.run("docker ps -a --no-trunc");
    expect(psB.code).toBe(0);
    for (const id of containersA) expect(psB.output).not.toContain(id);
    expect(psB.output).not.toContain("e2e/hello-docker");
  });

  test("pulls come from the lab registry; an image it lacks gets a sentence, not a DNS error", async () => {
    const pull = await b.run("docker pull hello-world", 90_000);
    expect(pull.code, pull.output).toBe(0);
    expect(pull.output).toMatch(/hello-world/);
    const hello = await b.run("docker run --rm hello-world");
    expect(hello.code, hello.output).toBe(0);
    expect(hello.output).toContain("Hello from Docker");

    const missing = await b.run("docker pull some/image-the-lab-lacks", 90_000);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain("lab registry does not hold");
    expect(missing.output).toContain(NOT_IN_LAB_MESSAGE);
  });

  test("the site's own address opens the first lesson, in the language asked for, with a prompt", async () => {
    const first = lab!.lessons.list()[0];
    const d = await newLearner();
    const sockets: string[] = [];
    d.page.on("websocket", (ws) => sockets.push(ws.url()));
    await d.page.goto(`${lab!.url}/?lang=zh-CN`, { waitUntil: "load" });
    const at = new URL(d.page.url());
    expect(at.pathname).toBe(`/lessons/${first.id}`);
    expect(at.search).toBe("?lang=zh-CN");
    await d.waitForLesson(first.id);
    expect(await d.lessonText()).toContain(first.title["zh-CN"]);
    await d.waitForPrompt(60_000);
    // One connection (opened by boot.js before the page's big script, then joined by it),
    // in the page's language, for the lesson it shows.
    expect(sockets).toHaveLength(1);
    const query = new URL(sockets[0]).searchParams;
    expect([query.get("lang"), query.get("lesson")]).toEqual(["zh-CN", first.id]);
  });

  test("an unknown lesson shows the server's sentence in the lesson pane", async () => {
    const c = await newLearner();
    const res = await fetch(`${lab!.url}/api/lessons/no-such-lesson`);
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/no-such-lesson/);

    await c.open(lab!.url, "no-such-lesson");
    const notice = c.page.locator('[data-testid="lesson-error"]');
    await notice.waitFor({ state: "visible", timeout: 15_000 });
    expect(((await notice.textContent()) ?? "").trim()).toContain(error);
    expect(await c.lessonText()).toContain(error);
    // A way back, and no "Try again": the lesson will not appear by trying again.
    await expect(notice.locator('[data-testid="back-to-first"]').count()).resolves.toBe(1);
    await expect(notice.locator("button").count()).resolves.toBe(0);
    // The terminal beside it works anyway.
    await c.waitForPrompt(60_000);
  });

  test("when the lesson's renderer cannot be fetched, the pane says so and offers a reload; the terminal works", async () => {
    const c = await newLearner();
    // The lesson view (marked, DOMPurify) is its own file, fetched with the lesson's text.
    const asked: string[] = [];
    await c.page.route(/\/assets\/lessonView-[^/]*\.js$/, (route) => {
      asked.push(route.request().url());
      return route.abort("connectionreset");
    });
    await c.open(lab!.url, "images");
    const notice = c.page.locator('[data-testid="lesson-error"]');
    await notice.waitFor({ state: "visible", timeout: 15_000 });
    expect(asked).toHaveLength(1);
    // The page's own file failed, not the server: the sentence says so.
    expect(((await notice.textContent()) ?? "").trim()).toMatch(/part of the page did not load/);
    await expect(notice.locator("button").count()).resolves.toBe(1);
    await c.waitForPrompt(60_000);
    await c.page.unroute(/\/assets\/lessonView-[^/]*\.js$/);
    // "Try again" reloads the page, and the lesson is there this time.
    await notice.locator("button").click();
    await c.waitForLesson("images");
  });
});

/** Waits until the shell's tty has the size xterm shows, and returns it. */
async function settleSize(p: LabPage): Promise<{ rows: number; cols: number }> {
  let last: { rows: number; cols: number } | undefined;
  let shown: { rows: number; cols: number } | undefined;
  try {
    return await until(
      async () => {
        shown = await p.xtermSize();
        last = await p.termSize();
        return last.rows === shown.rows && last.cols === shown.cols ? last : undefined;
      },
      10_000,
      "stty size to match the terminal on the page",
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}: stty says ${JSON.stringify(last)}, xterm shows ${JSON.stringify(shown)}`);
  }
}
