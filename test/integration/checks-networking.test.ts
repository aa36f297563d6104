// The networking lesson's checks against a real box daemon: the right action passes (also
// done a little differently), and each way to get there without really doing it fails or
// stays pending, with a message in every language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResult, freshStart, gradeLessonBox as grade, runInLessonBox as run, startLessonBox, stopLessonBox, type LessonBox } from "../support/checkCases.ts";

let lb: LessonBox;

beforeAll(async () => {
  lb = await startLessonBox();
  await run(lb, "docker pull -q busybox");
});

afterAll(async () => {
  await stopLessonBox(lb);
});

const SERVER = "busybox httpd -f -v -p 80 -h /etc";

describe("networking.publish", () => {
  it("stays pending with no container, and with a container that publishes nothing", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "networking.publish", since), { passed: false, attempted: false, en: "No container yet" });
    // Reached by its own address from the box, but no port published.
    await run(lb, `docker run -d --name web ${SERVER}\nsleep 1\ncurl -fsS http://$(docker inspect -f '{{.NetworkSettings.IPAddress}}' web)/hostname`);
    expectResult(await grade(lb, "networking.publish", since), { passed: false, attempted: false, en: "None of your containers publishes a port" });
  });

  it("fails while the published port was never reached", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name web -p 8080:80 ${SERVER}`);
    expectResult(await grade(lb, "networking.publish", since), { passed: false, attempted: true, en: "nobody has reached it yet" });
  });

  it("fails when the server was reached from inside its own container (docker exec)", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name web -p 8080:80 ${SERVER}\nsleep 1\ndocker exec web wget -qO- http://localhost/hostname`);
    expectResult(await grade(lb, "networking.publish", since), { passed: false, attempted: true, en: /was reached from .*not through the published port/ });
  });

  it("fails when another container reached the server's own address, not the published port", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name web -p 8080:80 ${SERVER}\nsleep 1\ndocker run --rm busybox wget -qO- http://$(docker inspect -f '{{.NetworkSettings.IPAddress}}' web)/hostname`);
    // From the inner default bridge, whichever range the box's daemon gave it (172.17/16 unless the box's own network holds that).
    const bridge = (await run(lb, "docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}'")).trim().match(/^(\d+)\.(\d+)\.0\.0\/16$/m);
    expect(bridge, "the inner bridge's subnet").not.toBeNull();
    const fromBridge = new RegExp(`was reached from ${bridge![1]}\\.${bridge![2]}\\.\\d+\\.\\d+, which is inside the container or another container`);
    expectResult(await grade(lb, "networking.publish", since), { passed: false, attempted: true, en: fromBridge });
  });

  it("fails when the server does not log its requests (no -v)", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run -d --name web -p 8080:80 busybox httpd -f -p 80 -h /etc\nsleep 1\ncurl -fsS http://localhost:8080/hostname");
    expectResult(await grade(lb, "networking.publish", since), { passed: false, attempted: true, en: "it does not log requests" });
  });

  it("does not count a published and reached server from before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, `docker run -d --name web -p 8080:80 ${SERVER}\nsleep 1\ncurl -fsS http://localhost:8080/hostname`);
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "networking.publish", Date.now()), { passed: false, attempted: false, en: "No container yet" });
  });

  it("passes for the lesson's way: -p 8080:80, curl localhost:8080", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name site -p 8080:80 ${SERVER}\nsleep 1\ncurl -fsS http://localhost:8080/hostname`);
    expectResult(await grade(lb, "networking.publish", since), { passed: true, en: "site publishes 8080->80/tcp, and its log shows a request that came in through it" });
  });

  it("passes done differently: other name, flags in another order, busybox wget to the box's own address, server stopped since", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      `docker run -p 9090:80 --name pages -d ${SERVER}\nsleep 1\nbusybox wget -qO- http://$(hostname -I | cut -d' ' -f1):9090/hostname\ndocker stop -t 1 pages`,
    );
    expectResult(await grade(lb, "networking.publish", since), { passed: true, en: "pages publishes 9090->80/tcp" });
  });
});

describe("networking.by-name", () => {
  it("stays pending with no network of the learner's, even with two containers talking on the default bridge", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "networking.by-name", since), { passed: false, attempted: false, en: "No network of your own yet" });
    await run(lb, `docker run -d --name api ${SERVER}\nsleep 1\ndocker run --name client busybox wget -qO- http://$(docker inspect -f '{{.NetworkSettings.IPAddress}}' api)/hostname`);
    expectResult(await grade(lb, "networking.by-name", since), { passed: false, attempted: false, en: "No network of your own yet" });
  });

  it("fails with only one container on the network", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker network create shopnet\ndocker run -d --name api --network shopnet ${SERVER}`);
    expectResult(await grade(lb, "networking.by-name", since), { passed: false, attempted: true, en: "Network shopnet has only api on it" });
  });

  it("fails when the client reached the server by its IP address", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      `docker network create shopnet\ndocker run -d --name api --network shopnet ${SERVER}\nsleep 1\ndocker run --name client --network shopnet busybox wget -qO- http://$(docker inspect -f '{{.NetworkSettings.Networks.shopnet.IPAddress}}' api)/hostname`,
    );
    expectResult(await grade(lb, "networking.by-name", since), { passed: false, attempted: true, en: "was reached from another container, but not by its name" });
  });

  it("fails when the client names the server but the server logged nothing (no -v), or was asked from the box", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      "docker network create shopnet\ndocker run -d --name api --network shopnet -p 8080:80 busybox httpd -f -p 80 -h /etc\nsleep 1\ndocker run --name client --network shopnet busybox wget -qO- http://api/hostname\ncurl -fsS http://localhost:8080/hostname",
    );
    expectResult(await grade(lb, "networking.by-name", since), { passed: false, attempted: true, en: "has logged a request from another one yet" });
  });

  it("does not count a network made before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, "docker network create oldnet");
    await new Promise((r) => setTimeout(r, 1100));
    const since = Date.now();
    await run(lb, `docker run -d --name api --network oldnet ${SERVER}\nsleep 1\ndocker run --name client --network oldnet busybox wget -qO- http://api/hostname`);
    expectResult(await grade(lb, "networking.by-name", since), { passed: false, attempted: false, en: "No network of your own yet" });
  });

  it("passes for the lesson's way: network create, server, client wget by name", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      `docker network create shopnet\ndocker run -d --name api --network shopnet ${SERVER}\nsleep 1\ndocker run --name client --network shopnet busybox wget -qO- http://api/hostname`,
    );
    expectResult(await grade(lb, "networking.by-name", since), { passed: true, en: 'client reached api by the name "api" on network shopnet' });
  });

  it("passes done differently: an alias, and docker exec in a running client that joined with network connect", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      [
        "docker network create backend",
        `docker run -d --network backend --network-alias db --name store ${SERVER}`,
        "docker run -d --name box2 busybox sleep 300",
        "docker network connect backend box2",
        "sleep 1",
        "docker exec box2 wget -qO- http://db:80/hostname",
      ].join("\n"),
    );
    expectResult(await grade(lb, "networking.by-name", since), { passed: true, en: 'box2 reached store by the name "db" on network backend' });
  });
});
