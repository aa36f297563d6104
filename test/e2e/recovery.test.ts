// What a learner keeps when things go wrong: the server restarts (same box, same images,
// same progress), or the box dies (told so; a reload gives a fresh box; progress stays).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { launchBrowser, newLearnerContext } from "../support/browser.ts";
import { LabPage } from "../support/labPage.ts";
import { engineDocker, freePort, removeTestObjects, sh, startTestLab } from "../support/testHost.ts";

const docker = engineDocker();
let browser: Browser;
let lab: Shiplab | undefined;
let config: Readonly<Config>;
let port: number;

beforeAll(async () => {
  browser = await launchBrowser();
  port = await freePort();
  ({ lab, config } = await startTestLab({ port }));
});

afterAll(async () => {
  await lab?.dispose({ removeBoxes: true });
  await browser?.close();
  if (config) await removeTestObjects(config.instance);
});

/** Builds and runs a correct hello-docker in the learner's box, the run typed in the page. */
async function passHelloDocker(page: LabPage, box: string): Promise<void> {
  const built = await sh(
    box,
    `mkdir -p h && cd h && printf '#include <stdio.h>\\nint main(void){puts("hello docker again");return 0;}\\n' > hello.c &&
     gcc -static hello.c -o hello && printf 'FROM scratch\\nADD hello /\\nCMD ["/hello"]\\n' > Dockerfile && docker build -q -t r/hello-docker .`,
  );
  expect(built.code, built.out).toBe(0);
  await page.run("docker run r/hello-docker");
  await page.waitForExerciseStatus("images.build-hello", "passed");
  await page.waitForExerciseStatus("images.run-hello", "passed");
}

it("a server restart keeps the learner's box, its images and the progress", async () => {
  const page = await LabPage.create(await newLearnerContext(browser));
  try {
    await page.open(lab!.url);
    await page.waitForPrompt();
    const learner = await page.learnerId();
    const box = lab!.sandbox.boxOf(learner)!;
    await passHelloDocker(page, box.container);

    await lab!.dispose(); // a restart: the server goes, the boxes stay
    lab = undefined;
    await page.waitForBoxStatus("Connection lost");
    ({ lab } = await startTestLab({ port, instance: config.instance }));

    // The page reconnects by itself to the same box.
    await page.waitForBoxStatus("ready", 60_000);
    expect(lab.sandbox.boxOf(learner)?.id).toBe(box.id);
    await page.waitForPrompt();
    const images = await page.run("docker images -q r/hello-docker");
    expect(images.output.trim()).toMatch(/^[0-9a-f]{12}$/);

    await page.page.reload();
    await page.waitForPrompt();
    expect(await page.exerciseStatus("images.build-hello")).toBe("passed");
    expect(await page.exerciseStatus("images.run-hello")).toBe("passed");
  } finally {
    await page.close();
  }
});

it("a box that dies is reported; a reload gives a fresh box and the progress stays", async () => {
  const page = await LabPage.create(await newLearnerContext(browser));
  try {
    await page.open(lab!.url);
    await page.waitForPrompt();
    const learner = await page.learnerId();
    const box = lab!.sandbox.boxOf(learner)!;
    await passHelloDocker(page, box.container);

    await docker.getContainer(box.container).kill();
    await page.waitForBoxStatus("Your box stopped");

    await page.page.reload();
    await page.waitForPrompt(60_000);
    const fresh = lab!.sandbox.boxOf(learner)!;
    expect(fresh.id).not.toBe(box.id);
    expect((await page.run("docker images -q r/hello-docker")).output.trim()).toBe("");
    expect(await page.exerciseStatus("images.build-hello")).toBe("passed");
    expect(await page.exerciseStatus("images.run-hello")).toBe("passed");
  } finally {
    await page.close();
  }
});
