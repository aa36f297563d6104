// The debugging lesson's checks against real box daemons: the intended actions pass (also
// done a little differently), and the ways around them fail or stay pending, each with a
// message that says why in both languages. Both boxes get the lesson's set-up (tinkerer).
// `good` does the lesson step by step; `gaming` tries every shortcut. Each case takes its
// own `since` (the moment "the lesson was opened") where an earlier case's events would
// otherwise count for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../server/checks/types.ts";
import type { Config } from "../../server/config.ts";
import { ensureLessonSetup } from "../../server/lessons/lessonSetup.ts";
import type { Shiplab } from "../../server/main.ts";
import { acquireTestBox, expectResult, gradeExercise, runInBox as run, type TestBox } from "../support/checkCases.ts";
import { removeTestObjects, startTestLab } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let good: TestBox;
let gaming: TestBox;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  [good, gaming] = await Promise.all([acquireTestBox(lab, undefined, "debugging"), acquireTestBox(lab, undefined, "debugging")]);
});

afterAll(async () => {
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    if (config) await removeTestObjects(config.instance);
  }
});

const grade = (id: string, tb: TestBox, opts: { since?: number; answer?: string } = {}): Promise<CheckResult> =>
  gradeExercise(lab, id, tb, { since: opts.since, rawAnswer: opts.answer });

/** "Now", as the moment a lesson is opened: a little after what ran before. */
async function now(): Promise<number> {
  await new Promise((r) => setTimeout(r, 50));
  const t = Date.now();
  await new Promise((r) => setTimeout(r, 50));
  return t;
}

const COMMIT = `docker commit -m "add a greeting" --change 'CMD ["cat", "/etc/motd"]'`;

describe("debugging.diff", () => {
  it("takes the random file tinkerer added, also pasted as docker diff prints it", async () => {
    const path = await run(good, "docker diff tinkerer | sed -n 's|^A \\(/root/\\..*\\)|\\1|p'");
    expect(path).toMatch(/^\/root\/\.[a-z]{8}$/);
    expectResult(await grade("debugging.diff", good, { answer: path }), { passed: true, en: `Right: ${path}` });
    expectResult(await grade("debugging.diff", good, { answer: `A ${path}` }), { passed: true, en: "Right" });
  });

  it("refuses what the diff shows that anyone could guess, and a guess of the pattern", async () => {
    for (const guess of ["/home/worker", "/root", "/etc/passwd", "/bin/vi", "/root/.abcdefgh", "root/.abcdefgh"]) {
      expectResult(await grade("debugging.diff", good, { answer: guess }), { passed: false, attempted: true, en: `"${guess}" is not what your box says` });
    }
  });

  it("stays pending until an answer is typed", async () => {
    expectResult(await grade("debugging.diff", good), { passed: false, attempted: false, en: "Type your answer" });
  });

  it("does not read a tinkerer the learner made with a file of their choosing", async () => {
    await run(gaming, "docker rm -f tinkerer >/dev/null\ndocker run -d --name tinkerer busybox sh -c 'echo x > /root/.abcdefgh; sleep 3600' >/dev/null\nsleep 1");
    expectResult(await grade("debugging.diff", gaming, { answer: "/root/.abcdefgh" }), { passed: false, en: /a container of your own, not the one Shiplab started/ });
    await run(gaming, "docker rm -f tinkerer >/dev/null");
    expectResult(await grade("debugging.diff", gaming, { answer: "/root/.abcdefgh" }), { passed: false, en: /There is no container named tinkerer/ });
  });
});

describe("debugging.commit", () => {
  it("stays pending with no patched image", async () => {
    expectResult(await grade("debugging.commit", good), { passed: false, attempted: false, en: "No image named patched yet" });
  });

  it("passes for the lesson's commit, with no probe container left behind", async () => {
    const since = await now();
    await run(good, `docker run -d --name patient busybox sleep 3600 >/dev/null
docker exec patient sh -c 'echo "Patched by hand" > /etc/motd'
${COMMIT} patient patched`);
    expectResult(await grade("debugging.commit", good, { since }), { passed: true, en: "patched:latest was committed from your container" });
    expect(await run(good, "docker run --rm patched")).toBe("Patched by hand");
    expect(await run(good, "docker ps -aq | wc -l")).toBe("2");
  });

  it("passes for a commit done differently: a stopped container, by ID, into a tag, then named; CMD in shell form", async () => {
    const since = await now();
    await run(
      gaming,
      `docker run --name exited1 busybox sh -c 'echo hello > /etc/motd'
docker commit --message "motd" --change "CMD cat /etc/motd" $(docker ps -aqf name=exited1) tmp:v1 >/dev/null
docker tag tmp:v1 patched:v1
docker rmi tmp:v1 >/dev/null`,
    );
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: true, en: "patched:v1 was committed" });
    await run(gaming, "docker rmi patched:v1 >/dev/null && docker rm exited1 >/dev/null");
  });
});

describe("debugging.commit: what is not the learner's commit", () => {
  it("fails for busybox tagged as patched", async () => {
    await run(gaming, "docker tag busybox patched");
    expectResult(await grade("debugging.commit", gaming), { passed: false, attempted: true, en: /was not made by `docker commit`/ });
    await run(gaming, "docker rmi patched >/dev/null");
  });

  it("fails for an image built from a Dockerfile with the same file and CMD", async () => {
    await run(gaming, `mkdir -p ~/fake && cd ~/fake && printf '%s\\n' 'FROM busybox' 'RUN echo hi > /etc/motd' 'CMD ["cat", "/etc/motd"]' > Dockerfile && docker build -q -t patched . >/dev/null`);
    expectResult(await grade("debugging.commit", gaming), { passed: false, attempted: true, en: /was not made by `docker commit`/ });
    await run(gaming, "docker rmi patched >/dev/null");
  });

  it("fails for a commit of tinkerer, the container Shiplab started", async () => {
    const lesson = lab.lessons.get("debugging")!;
    await ensureLessonSetup(gaming.inner, lesson.id, lesson.setup);
    await run(gaming, `docker exec tinkerer sh -c 'echo hi > /etc/motd'\n${COMMIT} tinkerer patched >/dev/null`);
    expectResult(await grade("debugging.commit", gaming), { passed: false, attempted: true, en: /committed from tinkerer, a container Shiplab started/ });
    await run(gaming, "docker rmi patched >/dev/null");
  });

  it("fails for a commit made before the lesson was opened", async () => {
    await run(gaming, `docker run -d --name patient busybox sleep 3600 >/dev/null
docker exec patient sh -c 'echo "Patched by hand" > /etc/motd'
${COMMIT} patient patched >/dev/null`);
    const since = await now();
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: false, attempted: true, en: /committed before you opened this lesson/ });
    // Giving the same image another name now is still no commit.
    await run(gaming, "docker tag patched patched:again");
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: false, attempted: true, en: /committed before you opened this lesson/ });
    await run(gaming, "docker rmi patched patched:again >/dev/null");
  });

  it("fails without a message, without changes, without the CMD, and without /etc/motd", async () => {
    const since = await now();
    await run(gaming, `docker commit --change 'CMD ["cat", "/etc/motd"]' patient patched >/dev/null`);
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: false, attempted: true, en: /has no commit message/ });
    await run(gaming, `docker create --name untouched busybox sleep 3600 >/dev/null\n${COMMIT} untouched patched >/dev/null`);
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: false, attempted: true, en: /container that had no changes/ });
    await run(gaming, `docker commit -m "no cmd" patient patched >/dev/null`);
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: false, attempted: true, en: /has CMD \["sleep","3600"\]/ });
    await run(gaming, `docker run --name elsewhere busybox sh -c 'echo hi > /etc/issue'\n${COMMIT} elsewhere patched >/dev/null`);
    expectResult(await grade("debugging.commit", gaming, { since }), { passed: false, attempted: true, en: /has no file \/etc\/motd/ });
    await run(gaming, "docker rm -f untouched elsewhere >/dev/null && docker rmi patched >/dev/null && docker image prune -f >/dev/null");
    // The checks' probe containers are gone again.
    expect(await run(gaming, "docker ps -aq -f label=shiplab.check-probe | wc -l")).toBe("0");
  });
});

describe("debugging.save-load", () => {
  it("stays pending while patched was never saved nor loaded", async () => {
    const since = await now();
    expectResult(await grade("debugging.save-load", good, { since }), { passed: false, attempted: false, en: /was not loaded from a file/ });
  });

  it("passes for save, rmi and load, and the image is really back", async () => {
    const since = await now();
    await run(good, "docker save -o patched.tar patched && docker rmi patched >/dev/null && docker load -i patched.tar >/dev/null");
    expectResult(await grade("debugging.save-load", good, { since }), { passed: true, en: "patched:latest went into a file and came back" });
    expect(await run(good, "docker run --rm patched")).toBe("Patched by hand");
    // The commit is still the learner's: its event names the same image.
    expectResult(await grade("debugging.commit", good, { since: since - 60_000 }), { passed: true, en: "committed from your container" });
  });

  it("passes done differently: through gzip and a pipe, or saved by ID and named after the load", async () => {
    let since = await now();
    await run(good, "docker save patched | gzip > p.tar.gz && docker rmi patched >/dev/null && docker load < p.tar.gz >/dev/null");
    expectResult(await grade("debugging.save-load", good, { since }), { passed: true, en: "came back" });
    since = await now();
    await run(good, `id=$(docker images -q patched)
docker save -o byid.tar $id && docker rmi patched >/dev/null && docker load -i byid.tar >/dev/null && docker tag $id patched`);
    expectResult(await grade("debugging.save-load", good, { since }), { passed: true, en: "came back" });
  });
});

describe("debugging.save-load: what is not a round trip", () => {
  it("fails for a save and a load of an image that never left the box", async () => {
    await run(gaming, `docker run -d --name patient2 busybox sleep 3600 >/dev/null
docker exec patient2 sh -c 'echo hi > /etc/motd'
${COMMIT} patient2 patched >/dev/null`);
    const since = await now();
    await run(gaming, "docker save -o patched.tar patched && docker load -i patched.tar >/dev/null");
    expectResult(await grade("debugging.save-load", gaming, { since }), { passed: false, attempted: true, en: /was still in your box when you loaded it/ });
  });

  it("fails when only a name was removed (the image kept another)", async () => {
    const since = await now();
    await run(gaming, "docker tag patched keep && docker save -o patched.tar patched && docker rmi patched >/dev/null && docker load -i patched.tar >/dev/null");
    expectResult(await grade("debugging.save-load", gaming, { since }), { passed: false, attempted: true, en: /was still in your box when you loaded it/ });
    await run(gaming, "docker rmi keep >/dev/null");
  });

  it("fails for an image committed again instead of loaded", async () => {
    const since = await now();
    await run(gaming, `docker save -o patched.tar patched && docker rmi patched >/dev/null\n${COMMIT} patient2 patched >/dev/null`);
    expectResult(await grade("debugging.save-load", gaming, { since }), { passed: false, attempted: true, en: /was not loaded from a file/ });
  });

  it("fails for a load of a file saved before the lesson was opened", async () => {
    await run(gaming, "docker save -o early.tar patched");
    const since = await now();
    await run(gaming, "docker rmi patched >/dev/null && docker load -i early.tar >/dev/null");
    expectResult(await grade("debugging.save-load", gaming, { since }), { passed: false, attempted: true, en: /from a file that was not saved with `docker save` in this lesson/ });
  });

  it("says the image is missing when it was removed after the load", async () => {
    const since = await now();
    await run(gaming, "docker save -o patched.tar patched && docker rmi patched >/dev/null && docker load -i patched.tar >/dev/null && docker rmi patched >/dev/null");
    expectResult(await grade("debugging.save-load", gaming, { since }), { passed: false, attempted: true, en: /There is no image named patched in your box now/ });
  });
});

describe("debugging.prune", () => {
  it("stays pending without a prune since the lesson was opened, even one just before", async () => {
    await run(gaming, `${COMMIT} patient2 patched >/dev/null\n${COMMIT} patient2 patched >/dev/null\ndocker image prune -f >/dev/null`);
    const since = await now();
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: false, attempted: false, en: /No `docker image prune` since you opened this lesson/ });
  });

  it("stays pending for docker rmi of the dangling image, and for the container and builder prunes", async () => {
    const since = await now();
    await run(gaming, `docker exec patient2 sh -c 'echo other > /etc/motd'\n${COMMIT} patient2 patched >/dev/null
docker rmi $(docker images -qf dangling=true) >/dev/null
docker container prune -f >/dev/null && docker builder prune -f >/dev/null`);
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: false, attempted: false, en: /No `docker image prune` since you opened this lesson/ });
  });

  it("fails for a prune that found nothing to remove", async () => {
    const since = await now();
    await run(gaming, "docker image prune -f >/dev/null");
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: false, attempted: true, en: /found no dangling image to remove/ });
  });

  it("fails when the dangling images were removed with docker rmi and the prune came after", async () => {
    const since = await now();
    await run(gaming, `docker exec patient2 sh -c 'echo again > /etc/motd'\n${COMMIT} patient2 patched >/dev/null
test -n "$(docker images -qf dangling=true)"
docker rmi $(docker images -qf dangling=true) >/dev/null; docker image prune -f >/dev/null`);
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: false, attempted: true, en: /found no dangling image to remove/ });
  });

  it("fails while a container keeps a dangling image, and passes once it is gone and pruned again", async () => {
    const since = await now();
    await run(gaming, `docker run --name user patched
docker exec patient2 sh -c 'echo third > /etc/motd'\n${COMMIT} patient2 patched >/dev/null
docker exec patient2 sh -c 'echo fourth > /etc/motd'\n${COMMIT} patient2 patched >/dev/null
test "$(docker images -qf dangling=true | wc -l)" = 2
docker image prune -f >/dev/null`);
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: false, attempted: true, en: /prune keeps images a container uses, and user uses/ });
    await run(gaming, "docker rm user >/dev/null && docker image prune -f >/dev/null");
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: true, en: "removed your dangling images" });
  });

  it("passes for a dangling image that shares every layer (nothing reclaimed): its delete comes with the prune", async () => {
    const since = await now();
    // Two commits of an unchanged container: the same layer, two images.
    await run(gaming, `${COMMIT} patient2 patched >/dev/null
docker image prune -f | tee /dev/stderr | grep -q 'reclaimed space: 0B'`);
    expectResult(await grade("debugging.prune", gaming, { since }), { passed: true, en: "removed your dangling images" });
  });

  it("passes for the lesson's steps, answering y to the question", async () => {
    const since = await now();
    expectResult(await grade("debugging.prune", good, { since }), { passed: false, attempted: false, en: /No `docker image prune`/ });
    await run(good, `docker exec patient sh -c 'echo "Patched twice" > /etc/motd'\n${COMMIT} patient patched >/dev/null
test -n "$(docker images -qf dangling=true)"
echo y | docker image prune`);
    expectResult(await grade("debugging.prune", good, { since }), { passed: true, en: "removed your dangling images" });
  });

  it("passes for docker system prune, which prunes images too", async () => {
    const since = await now();
    await run(good, `docker exec patient sh -c 'echo "Patched thrice" > /etc/motd'\n${COMMIT} patient patched >/dev/null\ndocker system prune -f >/dev/null`);
    expectResult(await grade("debugging.prune", good, { since }), { passed: true, en: "removed your dangling images" });
  });
});
