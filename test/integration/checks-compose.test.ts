// The compose lesson's checks against a real box daemon: a project brought up and taken
// down with Compose passes (also written a little differently), and the ways to get there
// without Compose, or with less than asked, fail or stay pending, in every language.
import { afterAll, beforeAll, describe, it } from "vitest";
import { runCheck } from "../../server/checks/grader.ts";
import { expectResult, freshStart, gradeLessonBox as grade, runInLessonBox as run, startLessonBox, stopLessonBox, type LessonBox } from "../support/checkCases.ts";

let lb: LessonBox;

beforeAll(async () => {
  lb = await startLessonBox();
  await run(lb, "docker pull -q busybox");
});

afterAll(async () => {
  await stopLessonBox(lb);
});

/** The lesson's compose.yaml. */
const SHOP = `services:
  web:
    image: busybox
    command: httpd -f -v -p 80 -h /srv
    ports:
      - "8000:80"
    volumes:
      - site:/srv
    networks:
      - shop
  poller:
    image: busybox
    command: sh -c 'while true; do wget -qO- http://web/index.html; sleep 5; done'
    networks:
      - shop

volumes:
  site:

networks:
  shop:
`;

/** Writes a compose file into ~/DIR (as FILE) and runs the given Compose commands there. */
const inProject = (dir: string, yaml: string, commands: string, file = "compose.yaml") =>
  `mkdir -p ~/${dir} && cd ~/${dir}\ncat > ${file} <<'EOF'\n${yaml}EOF\n${commands}`;

/** Removes every Compose project left in the box (freshStart removes their containers, networks and volumes too). */
async function cleanStart(): Promise<number> {
  return freshStart(lb);
}

async function answer(id: string, text: string, since: number) {
  const ex = lb.lab.lessons.exercise(id)!;
  return runCheck(ex, lb.inner, { answer: ex.check.kind.parseAnswer!(ex.check.params, text), since });
}

describe("compose.up", () => {
  it("stays pending with no project, and for containers given Compose's labels by hand", async () => {
    const since = await cleanStart();
    expectResult(await grade(lb, "compose.up", since), { passed: false, attempted: false, en: "No Compose project yet" });
    await run(
      lb,
      "docker network create --label com.docker.compose.project=shop --label com.docker.compose.network=shop shop_shop\n" +
        "for s in web poller; do docker run -d --name shop-$s-1 --network shop_shop -l com.docker.compose.project=shop -l com.docker.compose.service=$s busybox sleep 300; done",
    );
    expectResult(await grade(lb, "compose.up", since), { passed: false, attempted: false, en: "No Compose project yet" });
  });

  it("fails with one service only", async () => {
    const since = await cleanStart();
    await run(lb, inProject("solo", "services:\n  web:\n    image: busybox\n    command: sleep 300\n", "docker compose up -d"));
    expectResult(await grade(lb, "compose.up", since), { passed: false, attempted: true, en: "Project solo has 1 service(s) running (web); it needs 2" });
  });

  it("fails when a service does not keep running", async () => {
    const since = await cleanStart();
    await run(lb, inProject("shop", SHOP.replace("command: sh -c 'while true; do wget -qO- http://web/index.html; sleep 5; done'", "command: 'true'"), "docker compose up -d\nsleep 2"));
    expectResult(await grade(lb, "compose.up", since), { passed: false, attempted: true, en: "Project shop has 1 service(s) running (web)" });
  });

  it("fails with only the project's default network", async () => {
    const since = await cleanStart();
    const yaml = "services:\n  web:\n    image: busybox\n    command: sleep 300\n    volumes:\n      - site:/srv\n  poller:\n    image: busybox\n    command: sleep 300\nvolumes:\n  site:\n";
    await run(lb, inProject("plain", yaml, "docker compose up -d"));
    expectResult(await grade(lb, "compose.up", since), { passed: false, attempted: true, en: "its services do not share a network declared in the file" });
  });

  it("fails with no declared volume mounted (a bind mount is not one)", async () => {
    const since = await cleanStart();
    const yaml = "services:\n  web:\n    image: busybox\n    command: sleep 300\n    volumes:\n      - ./data:/srv\n    networks: [shop]\n  poller:\n    image: busybox\n    command: sleep 300\n    networks: [shop]\nnetworks:\n  shop:\n";
    await run(lb, inProject("novol", yaml, "docker compose up -d"));
    expectResult(await grade(lb, "compose.up", since), { passed: false, attempted: true, en: "no service mounts a volume declared in the file" });
  });

  it("does not count a project brought up before the lesson was opened", async () => {
    await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d"));
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "compose.up", Date.now()), { passed: false, attempted: false, en: "No Compose project yet" });
  });

  it("passes for the lesson's file", async () => {
    const since = await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d"));
    expectResult(await grade(lb, "compose.up", since), { passed: true, en: "Project shop is up: poller, web on network shop_shop, with a volume of its own" });
  });

  it("passes written differently: another file name and project name, other services, long volume syntax, flow lists", async () => {
    const since = await cleanStart();
    const yaml =
      "services:\n  api:\n    image: busybox\n    command: ['httpd', '-f', '-p', '80']\n    networks: [back]\n    volumes:\n      - type: volume\n        source: data\n        target: /data\n" +
      "  worker:\n    image: busybox\n    command: sleep 300\n    networks: [back]\nnetworks:\n  back: {}\nvolumes:\n  data: {}\n";
    await run(lb, inProject("stack", yaml, "docker compose -f app.yml -p myapp up -d", "app.yml"));
    expectResult(await grade(lb, "compose.up", since), { passed: true, en: "Project myapp is up: api, worker on network myapp_back" });
  });
});

describe("compose.ps", () => {
  it("the name Compose gave web's container passes; another name fails; nothing running says so", async () => {
    const since = await cleanStart();
    expectResult(await answer("compose.ps", "shop-web-1", since), { passed: false, attempted: true, en: "No container of a Compose service named web is running" });
    const name = await run(lb, inProject("shop", SHOP, "docker compose up -d >/dev/null 2>&1\ndocker compose ps --format '{{.Name}}' web"));
    expectResult(await answer("compose.ps", name.split("\n").pop()!, since), { passed: true, en: "Right: shop-web-1" });
    expectResult(await answer("compose.ps", "shop-poller-1", since), { passed: false, attempted: true, en: "is not what your box says" });
    expectResult(await answer("compose.ps", "web", since), { passed: false, attempted: true, en: "is not what your box says" });
  });

  it("a container named web by hand is not a Compose service's", async () => {
    const since = await cleanStart();
    await run(lb, "docker run -d --name web -l com.docker.compose.service=web busybox sleep 300");
    expectResult(await answer("compose.ps", "web", since), { passed: false, attempted: true, en: "No container of a Compose service named web is running" });
  });
});

describe("compose.down", () => {
  it("stays pending while nothing of a project was removed (up, then only stopped)", async () => {
    const since = await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d\ndocker compose stop -t 1"));
    expectResult(await grade(lb, "compose.down", since), { passed: false, attempted: false, en: "No Compose project has been taken down yet" });
  });

  it("fails when the containers were removed but the network is left (compose rm)", async () => {
    const since = await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d\ndocker compose stop -t 1\ndocker compose rm -f"));
    expectResult(await grade(lb, "compose.down", since), { passed: false, attempted: true, en: "The containers of project shop are gone, but not its network (shop_shop)" });
  });

  it("fails while the project is back up again", async () => {
    const since = await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d\ndocker compose down -t 1\ndocker compose up -d"));
    expectResult(await grade(lb, "compose.down", since), { passed: false, attempted: true, en: "Containers of project shop are still here" });
  });

  it("fails for a one-service project", async () => {
    const since = await cleanStart();
    await run(lb, inProject("solo", "services:\n  web:\n    image: busybox\n    command: sleep 300\n", "docker compose up -d\ndocker compose down -t 1"));
    expectResult(await grade(lb, "compose.down", since), { passed: false, attempted: true, en: "Project solo had only web to take down" });
  });

  it("does not count a project taken down before the lesson was opened", async () => {
    await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d\ndocker compose down -t 1"));
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "compose.down", Date.now()), { passed: false, attempted: false, en: "No Compose project has been taken down yet" });
  });

  it("passes for docker compose down", async () => {
    const since = await cleanStart();
    await run(lb, inProject("shop", SHOP, "docker compose up -d\ndocker compose down"), 60_000);
    expectResult(await grade(lb, "compose.down", since), { passed: true, en: "Project shop was taken down: poller, web and network shop_shop removed" });
  });

  it("passes done differently: down -v with another file and project name, a network with a name of its own", async () => {
    const since = await cleanStart();
    const yaml = "services:\n  a:\n    image: busybox\n    command: sleep 300\n    networks: [n]\n  b:\n    image: busybox\n    command: sleep 300\n    networks: [n]\nnetworks:\n  n:\n    name: pairnet\n";
    await run(lb, inProject("two", yaml, "docker compose -f two.yml -p pair up -d\ndocker compose -f two.yml -p pair down -v -t 1", "two.yml"));
    expectResult(await grade(lb, "compose.down", since), { passed: true, en: "Project pair was taken down: a, b and network pairnet removed" });
  });
});
