// The dockerfile lesson's checks against real box daemons: the intended builds pass (also
// written a little differently), and the ways around them fail or stay pending, each with a
// message that says why in both languages. `good` builds the right images step by step;
// `gaming` never builds a right `greet`, so every shortcut there is judged on its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../server/checks/types.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { acquireTestBox, expectResult, gradeExercise, runInBox as run, type TestBox } from "../support/checkCases.ts";
import { removeTestObjects, startTestLab } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let good: TestBox;
let gaming: TestBox;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  [good, gaming] = await Promise.all([acquireTestBox(lab), acquireTestBox(lab)]);
});

afterAll(async () => {
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    if (config) await removeTestObjects(config.instance);
  }
});

const grade = (id: string, tb: TestBox, since?: number): Promise<CheckResult> => gradeExercise(lab, id, tb, { since });

/** Writes a Dockerfile in `dir` (made if missing) and builds it as `tag` with BuildKit. */
async function build(tb: TestBox, dir: string, tag: string, dockerfile: string[], extra = ""): Promise<void> {
  await run(tb, `mkdir -p ${dir} && cd ${dir}\n${extra}\nprintf '%s\\n' ${dockerfile.map((l) => `'${l}'`).join(" ")} > Dockerfile\ndocker build -q -t ${tag} .`);
}

const GREET = ["FROM busybox", 'ENTRYPOINT ["echo", "hello"]', 'CMD ["world"]'];
const PAGES = "mkdir -p pages && echo '<h1>hi</h1>' > pages/index.html && echo about > pages/about.html && tar -cf pages.tar -C pages .";
const website = (...middle: string[]) => ["FROM busybox", "ENV PORT=8080", "WORKDIR /srv", ...middle, 'CMD httpd -f -p "$PORT"'];
const NOTES_FILES = "echo 'buy milk' > todo.txt && echo 'password=hunter2' > secret.txt";
const notes = (...extra: string[]) => ["FROM busybox", "WORKDIR /notes", "COPY . .", ...extra, 'CMD ["cat", "todo.txt"]'];

describe("dockerfile.entrypoint", () => {
  it("stays pending with no greet image", async () => {
    expectResult(await grade("dockerfile.entrypoint", good), { passed: false, attempted: false, en: "No image named greet yet" });
  });

  it("fails for a shell-form ENTRYPOINT", async () => {
    await build(good, "~/greet", "greet", ["FROM busybox", "ENTRYPOINT echo hello", 'CMD ["world"]']);
    expectResult(await grade("dockerfile.entrypoint", good), { passed: false, attempted: true, en: /ENTRYPOINT is in shell form/ });
  });

  it("fails for a CMD alone, without ENTRYPOINT", async () => {
    await build(good, "~/greet", "greet", ["FROM busybox", 'CMD ["echo", "hello", "world"]']);
    expectResult(await grade("dockerfile.entrypoint", good), { passed: false, attempted: true, en: /greet:latest has no ENTRYPOINT/ });
  });

  it("a build from before the lesson was opened does not count; building again (from the cache) does", async () => {
    await build(good, "~/greet", "greet", GREET);
    await new Promise((r) => setTimeout(r, 50));
    const since = Date.now();
    expectResult(await grade("dockerfile.entrypoint", good, since), { passed: false, attempted: true, en: /was built before you opened this lesson/ });
    await run(good, "cd ~/greet && docker build -t greet . 2>&1 | grep -q CACHED");
    expectResult(await grade("dockerfile.entrypoint", good, since), { passed: true, en: "greet:latest was built from your Dockerfile" });
  });

  it("passes for the lesson's Dockerfile, and for one written a little differently (/bin/echo, a tag, -t after the path)", async () => {
    expectResult(await grade("dockerfile.entrypoint", good), { passed: true, en: "greet:latest was built" });
    expect(await run(good, "docker run --rm greet Ada")).toBe("hello Ada");
    await run(good, "docker rmi greet");
    await run(good, `mkdir -p ~/g2 && cd ~/g2 && printf '%s\\n' 'FROM busybox' 'CMD ["world"]' 'ENTRYPOINT ["/bin/echo", "hello"]' > Dockerfile && docker build . -q -t greet:v2`);
    expectResult(await grade("dockerfile.entrypoint", good), { passed: true, en: "greet:v2 was built" });
  });
});

describe("dockerfile.entrypoint: shortcuts that are not a build", () => {
  it("fails for busybox retagged as greet", async () => {
    await run(gaming, "docker pull -q busybox && docker tag busybox greet");
    expectResult(await grade("dockerfile.entrypoint", gaming), { passed: false, attempted: true, en: "greet:latest came from a registry (busybox)" });
  });

  it("fails for a pulled image retagged (it carries a registry digest)", async () => {
    await run(gaming, "docker rmi greet && docker pull -q hello-world && docker tag hello-world greet");
    // A retag keeps the repository's digest: the image came from a registry.
    expectResult(await grade("dockerfile.entrypoint", gaming), { passed: false, attempted: true, en: /came from a registry|not built by BuildKit/ });
    await run(gaming, "docker rmi greet");
  });

  it("fails for docker commit, even with the BuildKit comment as its message and the right ENTRYPOINT and CMD", async () => {
    await run(
      gaming,
      `docker create --name c1 busybox >/dev/null
docker commit -m buildkit.dockerfile.v0 --change 'ENTRYPOINT ["echo","hello"]' --change 'CMD ["world"]' c1 greet
docker rm c1`,
    );
    expectResult(await grade("dockerfile.entrypoint", gaming), { passed: false, attempted: true, en: /was made with `docker commit`/ });
    await run(gaming, "docker rmi greet");
  });

  it("fails for a commit of a container of a real BuildKit image (the commit's own history entry is on top)", async () => {
    await build(gaming, "~/base", "base", GREET);
    await run(gaming, "docker create --name c2 base >/dev/null && docker commit c2 greet && docker rm c2");
    expectResult(await grade("dockerfile.entrypoint", gaming), { passed: false, attempted: true, en: /was made with `docker commit`/ });
    await run(gaming, "docker rmi greet");
  });

  it("fails for the legacy builder (DOCKER_BUILDKIT=0)", async () => {
    await run(gaming, `cd ~/base && DOCKER_BUILDKIT=0 docker build -q -t greet . >/dev/null 2>&1`);
    expectResult(await grade("dockerfile.entrypoint", gaming), { passed: false, attempted: true, en: /not built by BuildKit.*#\(nop\)/ });
  });

  it("the checks' probe containers are not the learner's removals (containers.cleanup counts none of them)", async () => {
    const removals = async () => {
      const r = await grade("containers.cleanup", gaming);
      return Number(/(\d+) removed|so far (\d+)/.exec(r.message.en)?.slice(1).find(Boolean));
    };
    const before = await removals();
    expect(before).toBeGreaterThanOrEqual(0);
    await build(gaming, "~/notes", "notes", notes(), NOTES_FILES);
    // Each run of a built-image check that gets as far as the files makes and removes a probe.
    for (let i = 0; i < 3; i++) expectResult(await grade("dockerfile.ignore", gaming), { passed: false, en: /contains \/notes\/secret\.txt/ });
    expect(await removals()).toBe(before);
    expect(await run(gaming, "docker ps -aq | wc -l")).toBe("0");
  });
});

describe("dockerfile.website", () => {
  it("stays pending with no website image", async () => {
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: false, en: "No image named website yet" });
  });

  it("fails for COPY of the archive (the tar goes in as it is)", async () => {
    await build(good, "~/website", "website", website("COPY pages.tar .", "USER 1000"), PAGES);
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /No step of the Dockerfile ADDs a tar archive/ });
  });

  it("fails when the pages are unpacked by RUN tar instead of ADD", async () => {
    await build(good, "~/website", "website", website("COPY pages.tar .", "RUN tar -xf pages.tar && rm pages.tar", "USER 1000"));
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /ADDs a tar archive/ });
  });

  it("fails for an ADD of the page itself, not of the archive", async () => {
    await build(good, "~/website", "website", website("ADD pages/index.html .", "USER 1000"));
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /ADDs a tar archive/ });
  });

  it("fails without USER, and with USER 0", async () => {
    await build(good, "~/website", "website", website("ADD pages.tar ."));
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /runs as root \(USER is not set\)/ });
    await build(good, "~/website", "website", website("ADD pages.tar .", "USER 0"));
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /runs as root \(USER is "0"\)/ });
  });

  it("fails for another WORKDIR or another PORT", async () => {
    await build(good, "~/website", "website", ["FROM busybox", "ENV PORT=8080", "WORKDIR /var/www", "ADD pages.tar .", "USER 1000"]);
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /working directory is \/var\/www/ });
    await build(good, "~/website", "website", ["FROM busybox", "ENV PORT=80", "WORKDIR /srv", "ADD pages.tar .", "USER 1000"]);
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /does not set PORT=8080 \(it has PORT=80\)/ });
  });

  it("fails when the archive holds a folder, so /srv/index.html is not there", async () => {
    await build(good, "~/website", "website", website("ADD pages.tar .", "USER 1000"), "tar -cf pages.tar pages");
    expectResult(await grade("dockerfile.website", good), { passed: false, attempted: true, en: /has no file \/srv\/index\.html/ });
  });

  it("passes for the lesson's Dockerfile, and for USER 1000:1000 with ADD ./pages.tar /srv/", async () => {
    await build(good, "~/website", "website", website("ADD pages.tar .", "USER 1000"), PAGES);
    expectResult(await grade("dockerfile.website", good), { passed: true, en: "website:latest was built" });
    expect(await run(good, "docker run --rm website id -u")).toBe("1000");
    await build(good, "~/website", "website", website("ADD ./pages.tar /srv/", "USER 1000:1000"));
    expectResult(await grade("dockerfile.website", good), { passed: true, en: "website:latest was built" });
  });
});

describe("dockerfile.ignore", () => {
  it("fails without .dockerignore: secret.txt is in the image", async () => {
    await build(good, "~/notes", "notes", notes(), NOTES_FILES);
    expectResult(await grade("dockerfile.ignore", good), { passed: false, attempted: true, en: "notes:latest contains /notes/secret.txt" });
  });

  it("fails when RUN rm deletes the secret (it stays in the COPY layer)", async () => {
    await build(good, "~/notes", "notes", notes("RUN rm secret.txt"));
    expectResult(await grade("dockerfile.ignore", good), { passed: false, attempted: true, en: /notes has a RUN step/ });
  });

  it("fails when only todo.txt is copied (no .dockerignore at work)", async () => {
    await build(good, "~/notes", "notes", ["FROM busybox", "WORKDIR /notes", "COPY todo.txt .", 'CMD ["cat", "todo.txt"]']);
    expectResult(await grade("dockerfile.ignore", good), { passed: false, attempted: true, en: /No step of the Dockerfile copies the whole folder/ });
  });

  it("passes with .dockerignore, also when it lists more (a pattern, the Dockerfile itself)", async () => {
    await build(good, "~/notes", "notes", notes(), "echo secret.txt > .dockerignore");
    expectResult(await grade("dockerfile.ignore", good), { passed: true, en: "notes:latest was built" });
    await build(good, "~/notes", "notes:v2", ["FROM busybox", "WORKDIR /notes", "COPY . /notes/", 'CMD ["cat", "todo.txt"]'], "printf 'secret*\\nDockerfile\\n.dockerignore\\n' > .dockerignore");
    await run(good, "docker rmi notes");
    expectResult(await grade("dockerfile.ignore", good), { passed: true, en: "notes:v2 was built" });
  });
});
