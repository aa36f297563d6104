// Every course exercise's check against real box daemons: the right action passes, and the
// typical wrong ones fail (or stay pending), each with a message that says why, in every
// language. Boxes are shared by tests whose states do not spoil one another; a negative
// case that an earlier state (a pulled image, a daemon event) would hide gets its own box.
import crypto from "node:crypto";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../server/checks/grader.ts";
import { AnswerError, type CheckResult } from "../../server/checks/types.ts";
import type { Config } from "../../server/config.ts";
import type { Exercise } from "../../server/lessons/catalog.ts";
import { namespaceOf } from "../../server/registry/namespace.ts";
import { ensureLessonSetup } from "../../server/lessons/lessonSetup.ts";
import type { Shiplab } from "../../server/main.ts";
import { boxProbe } from "../../server/sandbox/boxProbe.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { expectResult } from "../support/checkCases.ts";
import { removeTestObjects, sh, startTestLab, testHost, until } from "../support/testHost.ts";

interface TestBox {
  box: Box;
  inner: Docker;
}

let lab: Shiplab;
let config: Readonly<Config>;
let registryUrl: string;

/** Never pulls busybox:latest: images' negative cases, then the architecture lesson. */
let fresh: TestBox;
/** Pulls busybox: images' positive cases, then the state-based containers checks. */
let main: TestBox;
/** Daemon-event checks: containers.cleanup, then containers.lifecycle done right. */
let events: TestBox;
/** Daemon-event checks whose negative cases need a history of their own. */
let events2: TestBox;
/** The registry lesson. */
let reg: TestBox;
/** The registry lesson's learner: a new one each run, so its registry namespace is new too. */
const REG_LEARNER = `cc${crypto.randomBytes(7).toString("hex")}`;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  const host = await testHost();
  registryUrl = host.registry.url;
  const acquire = async (learnerId: string): Promise<TestBox> => {
    const { box } = await lab.sandbox.acquire(learnerId);
    return { box, inner: new Docker({ socketPath: box.socketPath }) };
  };
  [fresh, main, events, events2, reg] = await Promise.all(
    ["cc0000000000000a", "cc0000000000000b", "cc0000000000000c", "cc0000000000000d", REG_LEARNER].map(acquire),
  );
});

afterAll(async () => {
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    if (config) await removeTestObjects(config.instance);
  }
});

function exercise(id: string): Exercise {
  const ex = lab.lessons.exercise(id);
  if (!ex) throw new Error(`no exercise ${id}`);
  return ex;
}

/**
 * Grades an exercise as the server does: a submitted answer is first validated by the
 * kind's parseAnswer; the box probe is there unless `probe: false`.
 */
async function grade(id: string, tb: TestBox, answer?: unknown, opts: { probe?: boolean; since?: number } = {}): Promise<CheckResult> {
  const ex = exercise(id);
  const parsed = answer !== undefined && ex.check.kind.parseAnswer ? ex.check.kind.parseAnswer(ex.check.params, answer) : answer;
  const probe = opts.probe === false ? undefined : boxProbe(lab.sandbox, tb.box);
  return runCheck(ex, tb.inner, { answer: parsed, registryUrl, box: probe, since: opts.since });
}

async function run(tb: TestBox, script: string): Promise<string> {
  const r = await sh(tb.box.container, `set -e\n${script}`);
  expect(r.code, `${script}\n${r.out}`).toBe(0);
  return r.out.replace(/\r/g, "").trim();
}

async function removeAllContainers(tb: TestBox): Promise<void> {
  await run(tb, "docker rm -f $(docker ps -aq) >/dev/null 2>&1 || true");
}

/** What opening the containers lesson does to the learner's box: it starts secret-keeper. */
async function containersLessonSetup(tb: TestBox): Promise<void> {
  const lesson = lab.lessons.get("containers");
  if (!lesson) throw new Error("no containers lesson");
  await ensureLessonSetup(tb.inner, lesson.id, lesson.setup);
}

describe("images lesson", () => {
  describe("in a box that never pulled busybox", () => {
    it("images.pull and images.pull-tag stay pending with nothing there", async () => {
      expectResult(await grade("images.pull", fresh), { passed: false, attempted: false, en: "There is no busybox:latest yet" });
      expectResult(await grade("images.pull-tag", fresh), { passed: false, attempted: false, en: /There is no busybox:<a tag other than latest> yet/ });
    });

    it("images.layers says to pull the image when it is missing", async () => {
      expectResult(await grade("images.layers", fresh, "1"), { passed: false, en: /no image busybox in your box yet: pull it first/ });
    });

    it("images.pull fails for a busybox:latest made with docker tag from hello-world", async () => {
      await run(fresh, "docker pull -q hello-world\ndocker tag hello-world busybox");
      expectResult(await grade("images.pull", fresh), { passed: false, attempted: true, en: /busybox:latest is here, but it was not pulled/ });
    });

    it("images.pull-tag fails for a busybox:mine made with docker tag (no busybox pulled)", async () => {
      await run(fresh, "docker tag busybox busybox:mine");
      expectResult(await grade("images.pull-tag", fresh), { passed: false, attempted: true, en: /is here, but it was not pulled/ });
    });
  });

  it("images.pull fails for a busybox:latest tagged from a pulled busybox:1.37 (box never pulled latest)", async () => {
    await run(fresh, "docker rmi busybox busybox:mine\ndocker pull -q busybox:1.37\ndocker tag busybox:1.37 busybox");
    expectResult(await grade("images.pull", fresh), { passed: false, attempted: true, en: /busybox:latest is here, but it was not pulled/ });
  });

  describe("in a box that pulls busybox", () => {
    it("images.pull passes after docker pull busybox", async () => {
      await run(main, "docker pull -q busybox");
      expectResult(await grade("images.pull", main), { passed: true, en: "busybox:latest was pulled from a registry" });
    });

    it("images.pull-tag stays pending when only busybox:latest was pulled", async () => {
      expectResult(await grade("images.pull-tag", main), { passed: false, attempted: false, en: /There is no busybox:<a tag other than latest> yet/ });
    });

    it("images.layers: the right count passes, a wrong one fails, none stays pending", async () => {
      const layers = await run(main, "docker inspect --format '{{len .RootFS.Layers}}' busybox");
      expect(layers).toMatch(/^\d+$/);
      expectResult(await grade("images.layers", main, layers), { passed: true, en: `Right: ${layers} is what your daemon says` });
      expectResult(await grade("images.layers", main, String(Number(layers) + 2)), { passed: false, attempted: true, en: "is not what your box says" });
      expectResult(await grade("images.layers", main), { passed: false, attempted: false, en: /Type your answer/ });
    });

    it("images.pull-tag fails for a local docker tag busybox busybox:mine after pulling latest", async () => {
      await run(main, "docker tag busybox busybox:mine");
      try {
        expectResult(await grade("images.pull-tag", main), { passed: false, attempted: true, en: /not pulled/ });
      } finally {
        await run(main, "docker rmi busybox:mine");
      }
    });

    it("images.pull-tag passes after docker pull busybox:1.37", async () => {
      expectResult(await grade("images.pull-tag", main), { passed: false, attempted: false, en: /There is no busybox:<a tag other than latest>/ });
      await run(main, "docker pull -q busybox:1.37");
      expectResult(await grade("images.pull-tag", main), { passed: true, en: "busybox:1.37 was pulled from a registry" });
    });
  });
});

describe("architecture lesson", () => {
  it("architecture.version: the server's API version passes, also written v1.41; a wrong one fails", async () => {
    const version = await run(fresh, "docker version --format '{{.Server.APIVersion}}'");
    expect(version).toMatch(/^\d+\.\d+$/);
    expect(version).toBe((await fresh.inner.version()).ApiVersion);
    expectResult(await grade("architecture.version", fresh, version), { passed: true, en: `Right: ${version}` });
    expectResult(await grade("architecture.version", fresh, `v${version}`), { passed: true, en: "is what your daemon says" });
    const wrong = version === "1.23" ? "1.24" : "1.23";
    expectResult(await grade("architecture.version", fresh, wrong), { passed: false, attempted: true, en: `"${wrong}" is not what your box says` });
    expectResult(await grade("architecture.version", fresh), { passed: false, attempted: false, en: /Type your answer/ });
  });

  it("architecture.daemon: dockerd's PID in the box passes; another number fails", async () => {
    const pid = await run(fresh, "pidof dockerd");
    expect(pid).toMatch(/^\d+$/);
    expectResult(await grade("architecture.daemon", fresh, pid), { passed: true, en: `Right: ${pid}` });
    const wrong = String(Number(pid) + 4321);
    expectResult(await grade("architecture.daemon", fresh, wrong), { passed: false, attempted: true, en: `"${wrong}" is not what your box says` });
  });

  it("architecture.daemon can only be checked with a box probe", async () => {
    const pid = await run(fresh, "pidof dockerd");
    expectResult(await grade("architecture.daemon", fresh, pid, { probe: false }), { passed: false, en: "only be checked in a Shiplab box" });
  });

  it("architecture.quiz: all right passes, one wrong fails, nothing chosen stays pending", async () => {
    expectResult(await grade("architecture.quiz", fresh, { see: 1, limit: 0, layers: 2 }), { passed: true, en: "All answers are right" });
    expectResult(await grade("architecture.quiz", fresh, { see: 0, limit: 0, layers: 2 }), {
      passed: false,
      attempted: true,
      en: /^2 of 3 right\. Look again at: Which kernel feature decides what a process/,
    });
    expectResult(await grade("architecture.quiz", fresh, {}), { passed: false, attempted: false, en: /Choose an answer/ });
  });

  it("architecture.quiz rejects malformed answers", () => {
    const ex = exercise("architecture.quiz");
    const parse = (raw: unknown) => ex.check.kind.parseAnswer!(ex.check.params, raw);
    expect(parse({ see: 1, limit: 0, layers: 2 })).toEqual({ see: 1, limit: 0, layers: 2 });
    expect(() => parse({ see: 4 })).toThrow(/question see: choose one of its 4 choices/);
    expect(() => parse({ limit: -1 })).toThrow(/question limit/);
    expect(() => parse({ layers: 1.5 })).toThrow(/question layers/);
    expect(() => parse("1")).toThrow(/maps question ids to choice numbers/);
    expect(() => parse([1, 0, 2])).toThrow(/maps question ids/);
    expect(() => parse(null)).toThrow(/maps question ids/);
    // The refusal reaches the page in the page's language.
    try {
      parse({ see: 9 });
      expect.unreachable("parseAnswer accepted choice 9");
    } catch (err) {
      expect(err).toBeInstanceOf(AnswerError);
      expect((err as AnswerError).text["zh-CN"]).toMatch(/第 see 题/);
    }
  });
});

describe("containers lesson", () => {
  describe("containers.run-detached", () => {
    it("stays pending with no container", async () => {
      expectResult(await grade("containers.run-detached", main), { passed: false, attempted: false, en: "No container yet" });
    });

    it("is not passed by the lesson's own secret-keeper alone", async () => {
      await containersLessonSetup(main);
      try {
        const r = await grade("containers.run-detached", main);
        expect(r.passed, r.message.en).toBe(false);
      } finally {
        await removeAllContainers(main);
      }
    });

    it("fails for a foreground docker run busybox true", async () => {
      await run(main, "docker run busybox true");
      expectResult(await grade("containers.run-detached", main), { passed: false, attempted: true, en: /was started attached to your terminal; start one with -d/ });
    });

    it("fails for a detached container that has exited", async () => {
      await run(main, "id=$(docker run -d busybox true)\ndocker wait $id");
      expectResult(await grade("containers.run-detached", main), { passed: false, attempted: true, en: /is not running \(exited\)/ });
    });

    it("passes for docker run -d --name web busybox httpd -f -p 80", async () => {
      await run(main, "docker run -d --name web busybox httpd -f -p 80");
      expectResult(await grade("containers.run-detached", main), { passed: true, en: "web is the container asked for" });
    });
  });

  describe("containers.run-interactive", () => {
    it("fails for a detached container without a terminal", async () => {
      await removeAllContainers(main);
      await run(main, "docker run -d busybox sleep 60");
      expectResult(await grade("containers.run-interactive", main), { passed: false, attempted: true, en: /has no terminal \(TTY\); create one with -t/ });
    });

    it("passes for a container created with -it", async () => {
      await run(main, "docker create -it --name shell busybox sh");
      expectResult(await grade("containers.run-interactive", main), { passed: true, en: "shell is the container asked for" });
    });
  });

  describe("containers.inspect", () => {
    it("says to start a container when none is running", async () => {
      await removeAllContainers(main);
      await run(main, "docker run busybox true");
      expectResult(await grade("containers.inspect", main, "172.17.0.2"), { passed: false, en: /No container is running: start one/ });
    });

    it("passes for the running container's IP and fails for a made-up one", async () => {
      await run(main, "docker run -d --name web busybox httpd -f -p 80");
      const ip = await run(main, "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' web");
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expectResult(await grade("containers.inspect", main, ip), { passed: true, en: `Right: ${ip}` });
      expectResult(await grade("containers.inspect", main, "10.123.45.67"), { passed: false, attempted: true, en: '"10.123.45.67" is not what your box says' });
    });
  });

  describe("containers.logs", () => {
    it("names secret-keeper when it does not exist", async () => {
      await removeAllContainers(main);
      expectResult(await grade("containers.logs", main, "abcdefgh"), { passed: false, en: /no container named secret-keeper/ });
    });

    it("passes for the word in secret-keeper's log and fails for another", async () => {
      const ex = exercise("containers.logs");
      await containersLessonSetup(main); // starts secret-keeper exactly as opening the lesson does
      const word = await until(async () => (await run(main, ex.solutionAnswer as string)) || false, 10_000, "the secret word in the log");
      expect(word).toMatch(/^[a-z]{8}$/);
      expect(await run(main, ex.solution)).toContain(`the secret word is ${word}`);
      expectResult(await grade("containers.logs", main, word), { passed: true, en: `Right: ${word}` });
      const wrong = word === "zzzzzzzz" ? "yyyyyyyy" : "zzzzzzzz";
      expectResult(await grade("containers.logs", main, wrong), { passed: false, attempted: true, en: `"${wrong}" is not what your box says` });

      // Hours later its log holds hundreds of lines more: the right word still passes.
      await run(main, "docker exec secret-keeper sh -c 'i=0; while [ $i -lt 400 ]; do echo \"keeper: still guarding\" > /proc/1/fd/1; i=$((i+1)); done'");
      expect(Number(await run(main, "docker logs secret-keeper 2>&1 | wc -l"))).toBeGreaterThan(400);
      expectResult(await grade("containers.logs", main, word), { passed: true, en: `Right: ${word}` });
    });
  });

  describe("containers.cp", () => {
    it("stays pending without cp-target", async () => {
      await removeAllContainers(main);
      expectResult(await grade("containers.cp", main), { passed: false, attempted: false, en: "There is no container named cp-target yet" });
    });

    it("fails while cp-target has no /tmp/name.txt", async () => {
      await run(main, "docker run -d --name cp-target busybox sleep 3600");
      expectResult(await grade("containers.cp", main), { passed: false, attempted: true, en: "cp-target has no file /tmp/name.txt yet" });
    });

    it("fails for a file written with docker exec instead of copied in", async () => {
      const since = Date.now();
      await run(main, "docker exec cp-target sh -c 'echo Ada > /tmp/name.txt'");
      expectResult(await grade("containers.cp", main, undefined, { since }), { passed: false, attempted: true, en: /did not come in with docker cp/ });
    });

    it("fails for an empty file", async () => {
      await run(main, ": > empty.txt\ndocker cp empty.txt cp-target:/tmp/name.txt");
      expectResult(await grade("containers.cp", main), { passed: false, attempted: true, en: '/tmp/name.txt in cp-target holds "", which is not what was asked' });
    });

    it("passes after docker cp of a file with a name in it", async () => {
      await run(main, "echo Ada > name.txt\ndocker cp name.txt cp-target:/tmp/name.txt");
      expectResult(await grade("containers.cp", main), { passed: true, en: "cp-target has /tmp/name.txt" });
    });
  });

  describe("containers.exec", () => {
    it("passes after docker exec exec-target touch /tmp/exec-was-here", async () => {
      await run(main, "docker run -d --name exec-target busybox sleep 3600");
      expectResult(await grade("containers.exec", main), { passed: false, attempted: true, en: /exec-target: next, `docker exec/ });
      await run(main, "docker exec exec-target touch /tmp/exec-was-here");
      expectResult(await grade("containers.exec", main), { passed: true, en: "All done" });
    });

    it("fails when the file was put there with docker cp instead (fresh box: never an exec)", async () => {
      await run(events2, "docker pull -q busybox\ndocker run -d --name exec-target busybox sleep 3600\ntouch mark\ndocker cp mark exec-target:/tmp/exec-was-here");
      // The file is there (read back with docker cp, not exec), so only the missing exec fails it.
      expect(await run(events2, "docker cp exec-target:/tmp/exec-was-here - | tar -t")).toBe("exec-was-here");
      expectResult(await grade("containers.exec", events2), { passed: false, attempted: true, en: /exec-target: next, `docker exec/ });
    });

    it("its hint names a real docker command, not the exec_start event", async () => {
      const r = await grade("containers.exec", events2);
      expect(r.passed).toBe(false);
      expect(r.message.en).not.toMatch(/exec_start/);
    });
  });

  describe("containers.cleanup", () => {
    // In `events` before anything there removed a container: removals are counted from daemon events.
    it("stays pending while nothing was removed", async () => {
      expectResult(await grade("containers.cleanup", events), { passed: false, attempted: false, en: "Remove at least 2 stopped containers (so far 0)" });
      await run(events, "docker pull -q busybox\ndocker run --name once-1 busybox true\ndocker run --name once-2 busybox true");
      // Docker 26 may list a container as exited a moment after `docker run` returned.
      await until(async () => (await events.inner.listContainers({ all: true, filters: { status: ["exited"] } })).length >= 2 || undefined, 10_000, "both to be listed as exited");
      expectResult(await grade("containers.cleanup", events), {
        passed: false,
        attempted: false,
        en: /^2 stopped container\(s\) are still here \((once-2, once-1|once-1, once-2)\)\. Try `docker rm/,
      });
    });

    it("fails while exited containers are still there, with the docker rm hint", async () => {
      await run(events, "docker rm once-1");
      expectResult(await grade("containers.cleanup", events), { passed: false, attempted: true, en: /^1 stopped container\(s\) are still here \(once-2\)\. Try `docker rm \$\(docker ps -aq -f status=exited\)`/ });
    });

    it("passes once two were removed and none is left", async () => {
      await run(events, "docker rm $(docker ps -aq -f status=exited)\ndocker run -d --name still-running busybox sleep 3600");
      expectResult(await grade("containers.cleanup", events), { passed: true, en: "No stopped containers left; 2 removed" });
    });
  });

  describe("containers.lifecycle", () => {
    const start = "docker run -d --name lifecycle busybox sh -c 'trap \"exit 0\" TERM; while true; do sleep 1; done'";

    it("stays pending with no lifecycle container", async () => {
      expectResult(await grade("containers.lifecycle", events), { passed: false, attempted: false, en: "No container named lifecycle yet" });
    });

    it("fails after stop and start only, saying the next step is restart", async () => {
      await run(events, `${start}\ndocker stop lifecycle\ndocker start lifecycle`);
      expectResult(await grade("containers.lifecycle", events), {
        passed: false,
        attempted: true,
        en: "lifecycle: done so far: stop, start; next, `docker restart lifecycle`.",
      });
    });

    it("passes after stop, start, restart and kill, in that order", async () => {
      await run(events, "docker restart lifecycle\ndocker kill lifecycle");
      expectResult(await grade("containers.lifecycle", events), { passed: true, en: "lifecycle was stop, start, restart, kill, in that order" });
    });

    it("fails for the steps in the wrong order: kill, start, stop, restart (a box of its own)", async () => {
      await run(events2, `${start}\ndocker kill lifecycle\ndocker start lifecycle\ndocker stop lifecycle\ndocker restart lifecycle`);
      // A restart of a stopped container only starts it, so "stop, restart" leaves the same
      // events as a restart of a running one ("kill, die, stop, start, restart"): both count
      // as one restart, and the learner is told to begin with a stop.
      expectResult(await grade("containers.lifecycle", events2), { passed: false, attempted: true, en: /next, `docker stop lifecycle`/ });
    });

    it("fails for a restart and a kill alone, although a restart stops and starts the container itself", async () => {
      const since = Date.now();
      await run(events2, "docker rm -f lifecycle\n" + start + "\ndocker restart lifecycle\ndocker kill lifecycle");
      expectResult(await grade("containers.lifecycle", events2, undefined, { since }), { passed: false, attempted: true, en: /next, `docker stop lifecycle`/ });
    });
  });
});

describe("registry lesson", () => {
  // The learner's own namespace (the lab gate refuses pushes elsewhere), new to every run.
  const user = namespaceOf(REG_LEARNER);
  const local = `${user}/hello-docker`;
  const remote = `registry.lab:5000/${user}/hello-docker`;

  /** Builds a static hello FROM scratch as `local`, printing `text`. */
  async function buildHello(text: string): Promise<void> {
    await run(
      reg,
      `rm -rf /root/h && mkdir -p /root/h && cd /root/h
printf '#include <stdio.h>\\nint main(void){puts("${text}");return 0;}\\n' > hello.c
gcc -static hello.c -o hello
printf 'FROM scratch\\nADD hello /\\nCMD ["/hello"]\\n' > Dockerfile
docker build -q -t ${local} .`,
    );
  }

  describe("registry.push", () => {
    it("stays pending before the image is tagged for the lab registry", async () => {
      await buildHello("hello docker v1");
      expectResult(await grade("registry.push", reg), { passed: false, attempted: false, en: "Tag your image for the lab registry first" });
    });

    it("fails while the image is tagged for registry.lab:5000 but not pushed", async () => {
      await run(reg, `docker tag ${local} ${remote}`);
      expectResult(await grade("registry.push", reg), { passed: false, attempted: true, en: `${remote}:latest is tagged but not in the registry yet` });
    });

    it("passes once pushed", async () => {
      await run(reg, `docker push ${remote}`);
      expectResult(await grade("registry.push", reg), { passed: true, en: `${remote}:latest is in the lab registry, same as your local image` });
    });

    it("fails when rebuilt with other content and re-tagged without pushing", async () => {
      await buildHello("hello docker v2");
      await run(reg, `docker tag ${local} ${remote}`);
      expectResult(await grade("registry.push", reg), { passed: false, attempted: true, en: `The registry holds another version of ${remote}:latest: push it again` });
      await run(reg, `docker push ${remote}`);
      expectResult(await grade("registry.push", reg), { passed: true, en: "same as your local image" });
    });
  });

  describe("registry.rmi-pull", () => {
    it("stays pending before anything is removed", async () => {
      expectResult(await grade("registry.rmi-pull", reg), { passed: false, attempted: false, en: /Remove your pushed image with `docker rmi` \(every name of it\)/ });
    });

    it("fails when only the registry name was removed (another name kept the image), then pulled", async () => {
      await run(reg, `docker rmi ${remote}\ndocker images ${local} -q | grep .\ndocker pull ${remote}`);
      expectResult(await grade("registry.rmi-pull", reg), {
        passed: false,
        attempted: true,
        en: "`docker rmi` removed a name, but the image is still here under another name",
      });
    });

    it("passes for the solution's sequence: remove every name, then pull it back", async () => {
      await run(reg, `docker rmi ${local} ${remote}`);
      expectResult(await grade("registry.rmi-pull", reg), { passed: false, attempted: true, en: "Your image is removed; now pull it back" });
      await run(reg, `docker pull ${remote}\ndocker run --rm ${remote}`);
      expectResult(await grade("registry.rmi-pull", reg), { passed: true, en: `${remote}:latest was removed and pulled back from the lab registry` });
    });
  });
});
