// The hello-docker checks against a real box daemon: the positive case and every way a
// learner can get it wrong must fail, each with a message that says why.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../server/checks/grader.ts";
import type { Config } from "../../server/config.ts";
import type { Exercise } from "../../server/lessons/catalog.ts";
import type { Shiplab } from "../../server/main.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { sh, startTestLab, stopTestLab } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let box: Box;
let inner: Docker;
let build: Exercise;
let run: Exercise;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  box = (await lab.sandbox.acquire("c0ffee0000000001")).box;
  inner = new Docker({ socketPath: box.socketPath });
  build = lab.lessons.exercise("images.build-hello")!;
  run = lab.lessons.exercise("images.run-hello")!;
  await sh(box.container, "docker pull busybox");
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

/** Writes hello.c (printing `text`, returning `code`), compiles it statically and builds `dockerfile` as `tag`. */
async function buildHello(tag: string, dockerfile: string, text = "hello docker from test", code = 0): Promise<void> {
  const script = `
set -e
rm -rf /root/h && mkdir -p /root/h && cd /root/h
printf '#include <stdio.h>\\nint main(void){puts("${text}");return ${code};}\\n' > hello.c
gcc -static hello.c -o hello
printf '${dockerfile.replace(/\n/g, "\\n")}\\n' > Dockerfile
docker rmi -f ${tag} >/dev/null 2>&1 || true
docker build -q -t ${tag} .
`;
  const r = await sh(box.container, script);
  expect(r.code, r.out).toBe(0);
}

async function reset(): Promise<void> {
  await sh(box.container, "docker rm -f $(docker ps -aq) >/dev/null 2>&1; docker rmi -f $(docker images -q '*/hello-docker') >/dev/null 2>&1; true");
}

const SCRATCH = 'FROM scratch\nADD hello /\nCMD ["/hello"]';

describe("images.build-hello and images.run-hello", () => {
  it("fail with a reason before anything is built", async () => {
    await reset();
    const b = await runCheck(build, inner);
    expect(b.passed).toBe(false);
    expect(b.message.en).toMatch(/No image named \*\/hello-docker/);
    expect(b.message["zh-CN"]).toMatch(/还没有/);
    expect((await runCheck(run, inner)).passed).toBe(false);
  });

  it("pass for a FROM-scratch build whose container printed hello docker and exited 0", async () => {
    await reset();
    await buildHello("ada/hello-docker", SCRATCH);
    const b = await runCheck(build, inner);
    expect(b.passed, b.message.en).toBe(true);
    expect((await runCheck(run, inner)).passed).toBe(false); // built, not run yet
    await sh(box.container, "docker run ada/hello-docker");
    const r = await runCheck(run, inner);
    expect(r.passed, r.message.en).toBe(true);
    expect(r.message.en).toContain("ada/hello-docker");
  });

  it("fail for an image built FROM busybox, even though it runs and prints the right line", async () => {
    await reset();
    await buildHello("bob/hello-docker", 'FROM busybox\nADD hello /\nCMD ["/hello"]');
    const b = await runCheck(build, inner);
    expect(b.passed).toBe(false);
    expect(b.message.en).toMatch(/has [2-9] layers.*FROM scratch/);
    await sh(box.container, "docker run bob/hello-docker");
    const r = await runCheck(run, inner);
    expect(r.passed).toBe(false);
    expect(r.message.en).toMatch(/layers/);
  });

  it("fail for the lab's hello-world retagged: FROM scratch with CMD /hello, but pulled, not built", async () => {
    await reset();
    expect((await sh(box.container, "docker pull -q hello-world && docker tag hello-world gus/hello-docker")).code).toBe(0);
    const b = await runCheck(build, inner);
    expect(b.passed).toBe(false);
    expect(b.message.en).toMatch(/came from a registry \(hello-world\), so it is not your own build/);
  });

  it("fail for a different CMD", async () => {
    await reset();
    await buildHello("cy/hello-docker", 'FROM scratch\nADD hello /\nCMD ["/hello", "--loud"]');
    const b = await runCheck(build, inner);
    expect(b.passed).toBe(false);
    expect(b.message.en).toMatch(/CMD \["\/hello","--loud"\].*must be exactly \["\/hello"\]/);
  });

  it("fail for a container that exits non-zero", async () => {
    await reset();
    await buildHello("dee/hello-docker", SCRATCH, "hello docker", 3);
    expect((await runCheck(build, inner)).passed).toBe(true);
    await sh(box.container, "docker run dee/hello-docker");
    const r = await runCheck(run, inner);
    expect(r.passed).toBe(false);
    expect(r.message.en).toMatch(/exited with code 3/);
  });

  it("fail for a container that printed something else", async () => {
    await reset();
    await buildHello("eve/hello-docker", SCRATCH, "goodbye world");
    await sh(box.container, "docker run eve/hello-docker");
    const r = await runCheck(run, inner);
    expect(r.passed).toBe(false);
    expect(r.message.en).toMatch(/printed "goodbye world".*must begin with "hello docker"/);
  });

  it("fail for a container that was created but never run", async () => {
    await reset();
    await buildHello("fay/hello-docker", SCRATCH);
    await sh(box.container, "docker create fay/hello-docker");
    const r = await runCheck(run, inner);
    expect(r.passed).toBe(false);
    expect(r.message.en).toMatch(/never started/);
  });

  it("say so, without crashing, when the daemon does not answer", async () => {
    const gone = new Docker({ socketPath: "/nonexistent/docker.sock" });
    const r = await runCheck(build, gone);
    expect(r.passed).toBe(false);
    expect(r.message.en).toMatch(/Could not check/);
  });
});
