// The configuration lesson's checks against a real box daemon: the right action passes (also
// done a little differently), and each way to get there without really doing it fails or
// stays pending, with a message in every language.
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectResult, freshStart, gradeLessonBox as grade, runInLessonBox as run, startLessonBox, stopLessonBox, type LessonBox } from "../support/checkCases.ts";
import { until } from "../support/testHost.ts";

let lb: LessonBox;

beforeAll(async () => {
  lb = await startLessonBox();
  await run(lb, "docker pull -q busybox");
});

afterAll(async () => {
  await stopLessonBox(lb);
});

describe("configuration.env", () => {
  it("stays pending with no variables of the learner's: none, exported inside, or given to docker exec only", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "configuration.env", since), { passed: false, attempted: false, en: "No container with variables of your own yet" });
    await run(lb, "docker run --name inside busybox sh -c 'export GREETING=hello LEVEL=debug; env'\ndocker run -d --name target busybox sleep 300\ndocker exec -e GREETING=hello -e LEVEL=debug target env");
    expectResult(await grade(lb, "configuration.env", since), { passed: false, attempted: false, en: "No container with variables of your own yet" });
  });

  it("fails with one variable only", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run --name env-demo -e GREETING=hello busybox env");
    expectResult(await grade(lb, "configuration.env", since), { passed: false, attempted: true, en: "env-demo got only GREETING" });
  });

  it("fails when the variables were given but not printed", async () => {
    const since = await freshStart(lb);
    await run(lb, "echo LEVEL=debug > app.env\ndocker run --name env-demo -e GREETING=hello --env-file app.env busybox true");
    expectResult(await grade(lb, "configuration.env", since), { passed: false, attempted: true, en: /env-demo got .*but did not print GREETING, LEVEL/ });
  });

  it("does not count a container from before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, "echo LEVEL=debug > app.env\ndocker run --name env-demo -e GREETING=hello --env-file app.env busybox env");
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "configuration.env", Date.now()), { passed: false, attempted: false, en: "No container with variables of your own yet" });
  });

  it("passes for the lesson's way", async () => {
    const since = await freshStart(lb);
    await run(lb, "echo LEVEL=debug > app.env\ndocker run --name env-demo -e GREETING=hello --env-file app.env busybox env");
    expectResult(await grade(lb, "configuration.env", since), { passed: true, en: "env-demo got GREETING, LEVEL from you and printed them" });
  });

  it("passes done differently: two -e, --env after the name, echo instead of env", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run --name greeter --env CITY=Lyon -e WHO=Ada busybox sh -c 'echo $WHO lives in $CITY'");
    expectResult(await grade(lb, "configuration.env", since), { passed: true, en: "greeter got CITY, WHO from you" });
  });
});

describe("configuration.restart", () => {
  it("stays pending without a policy, even restarted by hand", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "configuration.restart", since), { passed: false, attempted: false, en: "No container with a restart policy yet" });
    await run(lb, "docker run --name nopolicy busybox sh -c 'exit 3' || true\ndocker start nopolicy\ndocker restart nopolicy");
    expectResult(await grade(lb, "configuration.restart", since), { passed: false, attempted: false, en: "No container with a restart policy yet" });
  });

  it("fails with a policy on a process that has not ended, stopped and started by hand", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run -d --name steady --restart always busybox sleep 300\ndocker stop -t 0 steady\ndocker start steady\ndocker restart -t 0 steady");
    expectResult(await grade(lb, "configuration.restart", since), { passed: false, attempted: true, en: "steady has the policy always, but its main process has not ended yet" });
  });

  it("fails for on-failure on a process that exits with 0", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run -d --name fine --restart on-failure:3 busybox true\nsleep 2");
    expectResult(await grade(lb, "configuration.restart", since), { passed: false, attempted: true, en: "on-failure restarts only on a non-zero code" });
  });

  it("does not count restarts from before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, "docker run -d --name flaky --restart on-failure:1 busybox sh -c 'exit 3'");
    await until(async () => (await lb.inner.getContainer("flaky").inspect()).RestartCount > 0, 20_000, "a restart");
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "configuration.restart", Date.now()), { passed: false, attempted: false, en: "No container with a restart policy yet" });
  });

  it("passes for the lesson's way", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run -d --name flaky --restart on-failure:3 busybox sh -c 'sleep 2; exit 3'");
    await until(async () => (await lb.inner.getContainer("flaky").inspect()).RestartCount > 0, 30_000, "a restart");
    expectResult(await grade(lb, "configuration.restart", since), { passed: true, en: /Docker restarted flaky \d time\(s\), as its policy on-failure says/ });
  });

  it("passes done differently: always, on a process that ends with 0", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run --restart always -d --name looper busybox sh -c 'sleep 1'");
    await until(async () => (await lb.inner.getContainer("looper").inspect()).RestartCount > 0, 30_000, "a restart");
    expectResult(await grade(lb, "configuration.restart", since), { passed: true, en: "as its policy always says" });
  });
});

describe("configuration.health", () => {
  const SERVER = "busybox httpd -f -p 80 -h /etc";
  const PROBE = "wget -q --spider http://localhost/hostname";
  const health = async (name: string) => (await lb.inner.getContainer(name).inspect()).State.Health?.Status;

  it("stays pending with no health check", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "configuration.health", since), { passed: false, attempted: false, en: "No container with a health check yet" });
    await run(lb, `docker run -d --name plain ${SERVER}`);
    expectResult(await grade(lb, "configuration.health", since), { passed: false, attempted: false, en: "No container with a health check yet" });
  });

  it("fails for a check that asks nothing (true), or hides the failure (|| true), though Docker calls them healthy", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name fake --health-cmd true --health-interval 1s ${SERVER}\ndocker run -d --name hidden --health-cmd 'wget -q --spider http://localhost:81/ || true' --health-interval 1s ${SERVER}`);
    await until(async () => (await health("fake")) === "healthy" && (await health("hidden")) === "healthy", 20_000, "healthy");
    expectResult(await grade(lb, "configuration.health", since), { passed: false, attempted: true, en: "does not ask the server anything, or hides its failure" });
  });

  it("fails while unhealthy, and says what the check printed", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name sick --health-cmd 'wget -q --spider http://localhost:81/' --health-interval 1s --health-retries 1 ${SERVER}`);
    await until(async () => (await health("sick")) === "unhealthy", 20_000, "unhealthy");
    expectResult(await grade(lb, "configuration.health", since), { passed: false, attempted: true, en: /sick is unhealthy: .*Connection refused/ });
  });

  it("fails while starting, and for a container that stopped before any check", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name slow --health-cmd '${PROBE}' --health-interval 60s ${SERVER}`);
    expectResult(await grade(lb, "configuration.health", since), { passed: false, attempted: true, en: "slow has a health check and is still starting" });
    await run(lb, `docker rm -f slow\ndocker run --name brief --health-cmd '${PROBE}' busybox true`);
    expectResult(await grade(lb, "configuration.health", since), { passed: false, attempted: true, en: "brief has a health check, but it stopped before it was found healthy" });
  });

  it("does not count a container found healthy before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, `docker run -d --name checked --health-cmd '${PROBE}' --health-interval 1s ${SERVER}`);
    await until(async () => (await health("checked")) === "healthy", 20_000, "healthy");
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "configuration.health", Date.now()), { passed: false, attempted: false, en: "No container with a health check yet" });
  });

  it("passes for the lesson's way", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name checked --health-cmd '${PROBE}' --health-interval 2s ${SERVER}`);
    await until(async () => (await health("checked")) === "healthy", 20_000, "healthy");
    expectResult(await grade(lb, "configuration.health", since), { passed: true, en: "Docker found checked healthy" });
  });

  it("passes done differently: another port and page, and the container stopped after it was healthy", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run --health-interval 1s --health-cmd 'wget -qO- http://127.0.0.1:8080/passwd' -d --name web8080 busybox httpd -f -p 8080 -h /etc");
    await until(async () => (await health("web8080")) === "healthy", 20_000, "healthy");
    await run(lb, "docker stop -t 1 web8080");
    expectResult(await grade(lb, "configuration.health", since), { passed: true, en: "Docker found web8080 healthy" });
  });
});

describe("configuration.limits", () => {
  it("stays pending with no limits", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "configuration.limits", since), { passed: false, attempted: false, en: "No container with resource limits yet" });
    await run(lb, "docker run -d --name free busybox sleep 300");
    expectResult(await grade(lb, "configuration.limits", since), { passed: false, attempted: false, en: "No container with resource limits yet" });
  });

  it("fails with only some of the limits", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run -d --name half -m 48m busybox sleep 300");
    expectResult(await grade(lb, "configuration.limits", since), { passed: false, attempted: true, en: "half has some limits, but not --cpus, --pids-limit" });
  });

  it("fails when the limited container is not running (nothing is enforced)", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run --name gone -m 48m --cpus 0.5 --pids-limit 50 busybox true");
    expectResult(await grade(lb, "configuration.limits", since), { passed: false, attempted: true, en: "gone has all three limits but is not running" });
  });

  it("does not count a container from before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, "docker run -d --name limited -m 48m --cpus 0.5 --pids-limit 50 busybox sleep 300");
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "configuration.limits", Date.now()), { passed: false, attempted: false, en: "No container with resource limits yet" });
  });

  it("passes for the lesson's way, and the limit is the one the box's cgroup holds", async () => {
    const since = await freshStart(lb);
    const limit = await run(lb, "docker run -d --name limited -m 48m --cpus 0.5 --pids-limit 50 busybox sleep 300 >/dev/null\ndocker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes");
    expectResult({ passed: limit === "50331648", message: { en: limit, "zh-CN": `内存 ${limit}` } }, { passed: true, en: "50331648" });
    expectResult(await grade(lb, "configuration.limits", since), { passed: true, en: "limited runs with 48 MiB of memory, 0.5 CPU and at most 50 processes" });
  });

  it("passes done differently: long flags in another order, and limits set later with docker update", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run -d --name later busybox sleep 300\ndocker update --pids-limit 100 --cpus 1 --memory 64m --memory-swap 128m later");
    expectResult(await grade(lb, "configuration.limits", since), { passed: true, en: "later runs with 64 MiB of memory, 1 CPU and at most 100 processes" });
  });
});
