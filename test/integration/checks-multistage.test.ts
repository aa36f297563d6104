// The multistage lesson's checks against real box daemons: the two-stage build, its
// --target stage and the build cache pass when done (also written a little differently),
// and the shortcuts fail: one stage FROM gcc, a binary compiled in the box and copied in,
// a retag of an old small image or of gcc:14, a rebuild of some other, single-stage image.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../server/checks/types.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { acquireTestBox, expectResult, gradeExercise, runInBox, type TestBox } from "../support/checkCases.ts";
import { removeTestObjects, startTestLab } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let tb: TestBox;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  tb = await acquireTestBox(lab);
});

afterAll(async () => {
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    if (config) await removeTestObjects(config.instance);
  }
});

const grade = (id: string, since?: number): Promise<CheckResult> => gradeExercise(lab, id, tb, { since });

/** A script in the box; a build stage may take minutes on a busy machine. */
const run = (script: string): Promise<string> => runInBox(tb, script, 300_000);

/** Writes `lines` as the Dockerfile in ~/multi and builds it with the given arguments. */
async function build(lines: string[], args: string): Promise<void> {
  await run(`cd ~/multi && printf '%s\\n' ${lines.map((l) => `'${l}'`).join(" ")} > Dockerfile && docker build -q ${args} .`);
}

/** A moment that later events and cache uses come after (as when a lesson is opened). */
async function now(): Promise<number> {
  await new Promise((r) => setTimeout(r, 50));
  const t = Date.now();
  await new Promise((r) => setTimeout(r, 50));
  return t;
}

const BUILD_STAGE = ["FROM gcc:14 AS build", "WORKDIR /src", "COPY hello.c .", "RUN gcc -static -o hello hello.c"];
const TWO_STAGES = [...BUILD_STAGE, "FROM scratch", "COPY --from=build /src/hello /hello", 'CMD ["/hello"]'];
const HELLO_C = `mkdir -p ~/multi && cd ~/multi && printf '%s\\n' '#include <stdio.h>' 'int main(void) { printf("hello from a multi-stage build\\n"); return 0; }' > hello.c`;

describe("multistage lesson", () => {
  it("everything stays pending before any build", async () => {
    expectResult(await grade("multistage.build"), { passed: false, attempted: false, en: "No image named hello-small yet" });
    expectResult(await grade("multistage.target"), { passed: false, attempted: false, en: "No image named hello-build yet" });
    expectResult(await grade("multistage.cache"), { passed: false, attempted: false, en: /no step of a multi-stage build in its cache yet/ });
  });

  it("multistage.build fails for one stage FROM gcc:14 (the compiler ships too)", async () => {
    await run(HELLO_C);
    await build(["FROM gcc:14", "COPY hello.c /", "RUN gcc -static -o /hello /hello.c", 'CMD ["/hello"]'], "-t hello-small");
    expectResult(await grade("multistage.build"), { passed: false, attempted: true, en: /hello-small:latest is 4\d\d\.\d MB; it must stay under 10\.0 MB/ });
  });

  it("multistage.cache is not passed by rebuilding a single-stage image", async () => {
    const since = await now();
    await build(["FROM gcc:14", "COPY hello.c /", "RUN gcc -static -o /hello /hello.c", 'CMD ["/hello"]'], "-t hello-small");
    expectResult(await grade("multistage.cache", since), { passed: false, attempted: false, en: /no step of a multi-stage build/ });
  });

  it("multistage.build fails for a binary compiled in the box and copied in FROM scratch (no COPY --from)", async () => {
    const since = await now();
    await run("cd ~/multi && gcc -static -o hello hello.c");
    await build(["FROM scratch", "COPY hello /hello", 'CMD ["/hello"]'], "-t hello-small");
    expectResult(await grade("multistage.build", since), { passed: false, attempted: true, en: /was not made by a multi-stage build: no `COPY --from=…` step ran/ });
  });

  it("multistage.build fails when the final stage is gcc:14 itself", async () => {
    await build([...BUILD_STAGE, "FROM gcc:14", "COPY --from=build /src/hello /hello", 'CMD ["/hello"]'], "-t hello-small");
    expectResult(await grade("multistage.build"), { passed: false, attempted: true, en: /is 4\d\d\.\d MB/ });
  });

  it("multistage.build fails for a wrong CMD", async () => {
    await build([...BUILD_STAGE, "FROM scratch", "COPY --from=build /src/hello /hello"], "-t hello-small");
    expectResult(await grade("multistage.build"), { passed: false, attempted: true, en: /has no CMD/ });
  });

  it("multistage.build passes for the lesson's Dockerfile; the cache exercise then waits for a second build", async () => {
    await run("docker builder prune -af >/dev/null");
    const since = await now();
    await build(TWO_STAGES, "-t hello-small");
    expect(await run("docker run --rm hello-small")).toBe("hello from a multi-stage build");
    expectResult(await grade("multistage.build", since), { passed: true, en: "hello-small:latest was built" });
    expectResult(await grade("multistage.cache", since), { passed: false, attempted: true, en: /has been reused from the cache since you opened this lesson/ });
  });

  it("multistage.cache passes after the same build again, and not for reuse from before the lesson", async () => {
    await build(TWO_STAGES, "-t hello-small");
    expectResult(await grade("multistage.cache"), { passed: true, en: /BuildKit reused "\[/ });
    expectResult(await grade("multistage.cache", await now()), { passed: false, attempted: true, en: /since you opened this lesson/ });
  });

  it("multistage.build fails for an old small image retagged now (its COPY --from ran before the lesson)", async () => {
    await run("docker tag hello-small old-small");
    const since = await now();
    await run("docker rmi hello-small && docker tag old-small hello-small");
    expectResult(await grade("multistage.build", since), { passed: false, attempted: true, en: /no `COPY --from=…` step ran since you opened this lesson/ });
  });

  it("multistage.build passes for another stage name, a busybox final stage and other paths", async () => {
    await run("docker rmi hello-small old-small");
    await build(
      ["FROM gcc:14 AS builder", "COPY hello.c /work/", "RUN mkdir /out && gcc -static -O2 -o /out/hello /work/hello.c", "FROM busybox", "COPY --from=builder /out/hello /hello", 'CMD ["/hello"]'],
      "--tag hello-small:v2",
    );
    expectResult(await grade("multistage.build"), { passed: true, en: "hello-small:v2 was built" });
  });

  it("multistage.target fails for gcc:14 retagged and for the small image retagged", async () => {
    await run("docker pull -q gcc:14 && docker tag gcc:14 hello-build");
    expectResult(await grade("multistage.target"), { passed: false, attempted: true, en: "came from a registry (gcc)" });
    await run("docker rmi hello-build && docker tag hello-small:v2 hello-build");
    expectResult(await grade("multistage.target"), { passed: false, attempted: true, en: /has no step that compiles with gcc/ });
    await run("docker rmi hello-build");
  });

  it("multistage.target passes for --target build", async () => {
    await build(TWO_STAGES, "--target build -t hello-build");
    expectResult(await grade("multistage.target"), { passed: true, en: "hello-build:latest was built" });
  });
});
