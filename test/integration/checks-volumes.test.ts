// The volumes lesson's checks against a real box daemon: the right action passes (also done
// a little differently), and each way to get there without really doing it fails or stays
// pending, with a message in every language.
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectResult, freshStart, gradeLessonBox as grade, runInLessonBox as run, startLessonBox, stopLessonBox, type LessonBox } from "../support/checkCases.ts";

let lb: LessonBox;

beforeAll(async () => {
  lb = await startLessonBox();
  await run(lb, "docker pull -q busybox");
});

afterAll(async () => {
  await stopLessonBox(lb);
});

const WRITE = `sh -c 'echo remember the milk > /data/todo.txt'`;

describe("volumes.outlive", () => {
  it("stays pending with nothing mounted, with data in a container's own layer, or in a bind mount", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: false, en: "No container has mounted a named volume yet" });
    await run(lb, `docker run --name wr busybox ${WRITE.replace("/data/", "/")}\ndocker rm wr\nmkdir -p data\ndocker run --name wr2 -v "$PWD/data:/data" busybox ${WRITE}\ndocker rm wr2\ndocker run --name rd -v "$PWD/data:/data" busybox cat /data/todo.txt`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: false, en: "No container has mounted a named volume yet" });
  });

  it("fails for an anonymous volume, even reused by its long name", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run --name wr -v /data busybox ${WRITE}\nV=$(docker inspect -f '{{range .Mounts}}{{.Name}}{{end}}' wr)\ndocker rm wr\ndocker run --name rd -v $V:/data busybox cat /data/todo.txt`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "only anonymous volumes" });
  });

  it("fails while the container that wrote is still here", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run --name writer -v notes:/data busybox ${WRITE}\ndocker run --name reader -v notes:/data busybox cat /data/todo.txt`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "no container that used it has been removed yet" });
  });

  it("fails when the reader was removed too (--rm): nothing left to show it read", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run --name writer -v notes:/data busybox ${WRITE}\ndocker rm writer\ndocker run --rm -v notes:/data busybox cat /data/todo.txt`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "Now read the data in a NEW container" });
  });

  it("fails when the reader read while the writer was still there, even if the writer is gone now", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run -d --name writer -v notes:/data busybox sh -c 'echo hi > /data/todo.txt; sleep 300'\nsleep 1\ndocker run --name reader -v notes:/data busybox cat /data/todo.txt\ndocker rm -f writer`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "Now read the data in a NEW container" });
  });

  it("fails when the reader wrote the data itself after an empty container was removed", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run --name empty -v notes:/data busybox true\ndocker rm empty\ndocker run --name reader -v notes:/data busybox sh -c 'echo fake > /data/todo.txt; cat /data/todo.txt'`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "reader wrote into notes itself" });
  });

  it("fails when the data came from a container still here (a removed one only mounted it)", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      `docker run -d --name keeper -v notes:/data busybox sh -c 'echo hi > /data/todo.txt; sleep 300'\ndocker run --name empty -v notes:/data busybox true\ndocker rm empty\ndocker run --name reader -v notes:/data busybox cat /data/todo.txt`,
    );
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "keeper wrote into notes and is still here" });
  });

  it("fails when docker exec wrote the data into a container still here", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      `docker run -d --name keeper -v notes:/data busybox sleep 300\ndocker exec keeper sh -c 'echo hi > /data/todo.txt'\ndocker run --name empty -v notes:/data busybox true\ndocker rm empty\ndocker run --name reader -v notes:/data busybox cat /data/todo.txt`,
    );
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "keeper wrote into notes and is still here" });
  });

  it("fails when the new container found nothing to read", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run --name writer -v notes:/data busybox ${WRITE}\ndocker rm writer\ndocker run --name reader -v notes:/data busybox cat /data/other.txt || true`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: false, attempted: true, en: "reader mounted notes but exited with code 1" });
  });

  it("does not count what was done before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, `docker run --name writer -v notes:/data busybox ${WRITE}\ndocker rm writer\ndocker run --name reader -v notes:/data busybox cat /data/todo.txt`);
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "volumes.outlive", Date.now()), { passed: false, attempted: false, en: "No container has mounted a named volume yet" });
  });

  it("passes for the lesson's way", async () => {
    const since = await freshStart(lb);
    await run(lb, `docker run --name writer -v notes:/data busybox ${WRITE}\ndocker rm writer\ndocker run --name reader -v notes:/data busybox cat /data/todo.txt`);
    expectResult(await grade(lb, "volumes.outlive", since), { passed: true, en: 'notes outlived the container that wrote into it, and reader read it: "remember the milk"' });
  });

  it("passes done differently: volume create, a --rm writer, --mount, other names and paths", async () => {
    const since = await freshStart(lb);
    await run(
      lb,
      [
        "docker volume create keep",
        "docker run --rm --mount type=volume,source=keep,target=/store busybox sh -c 'date > /store/when'",
        "docker run --name later --mount source=keep,target=/mnt busybox cat /mnt/when",
      ].join("\n"),
    );
    expectResult(await grade(lb, "volumes.outlive", since), { passed: true, en: "keep outlived the container that wrote into it, and later read it" });
  });
});

describe("volumes.read-only", () => {
  const SITE = "mkdir -p site && echo hello > site/index.html";

  it("stays pending with no bind mount", async () => {
    const since = await freshStart(lb);
    expectResult(await grade(lb, "volumes.read-only", since), { passed: false, attempted: false, en: "No container with a bind mount yet" });
    // Output that only looks like the refusal, from a container with no mount at all.
    await run(lb, "docker run --name liar busybox echo '/site/new.txt: Read-only file system'");
    expectResult(await grade(lb, "volumes.read-only", since), { passed: false, attempted: false, en: "No container with a bind mount yet" });
  });

  it("fails for a writable bind mount (the write succeeded)", async () => {
    const since = await freshStart(lb);
    await run(lb, `${SITE}\ndocker run --name rw -v "$PWD/site:/site" busybox touch /site/new.txt`);
    expectResult(await grade(lb, "volumes.read-only", since), { passed: false, attempted: true, en: "bind-mounts /root/site writable: add :ro" });
  });

  it("fails for a read-only volume instead of a folder of the box", async () => {
    const since = await freshStart(lb);
    await run(lb, "docker run --name rov -v notes:/site:ro busybox touch /site/new.txt || true");
    expectResult(await grade(lb, "volumes.read-only", since), { passed: false, attempted: true, en: "mounts the volume notes read-only" });
  });

  it("fails while no write was tried, and for a write outside the mount", async () => {
    const since = await freshStart(lb);
    await run(lb, `${SITE}\ndocker run --name ro -v "$PWD/site:/site:ro" busybox sh -c 'cat /site/index.html; touch /tmp/new.txt'`);
    expectResult(await grade(lb, "volumes.read-only", since), { passed: false, attempted: true, en: "Now try to write there" });
  });

  it("does not count a refused write from before the lesson was opened", async () => {
    await freshStart(lb);
    await run(lb, `${SITE}\ndocker run --name ro -v "$PWD/site:/site:ro" busybox touch /site/new.txt || true`);
    await new Promise((r) => setTimeout(r, 1100));
    expectResult(await grade(lb, "volumes.read-only", Date.now()), { passed: false, attempted: false, en: "No container with a bind mount yet" });
  });

  it("passes for the lesson's way", async () => {
    const since = await freshStart(lb);
    await run(lb, `${SITE}\ndocker run --name readonly -v "$PWD/site:/site:ro" busybox sh -c 'cat /site/index.html; touch /site/new.txt' || true`);
    expectResult(await grade(lb, "volumes.read-only", since), { passed: true, en: "readonly has /root/site mounted read-only at /site, and a write there was refused" });
  });

  it("passes done differently: --mount readonly, and the write tried with docker exec", async () => {
    const since = await freshStart(lb);
    await run(lb, `mkdir -p www\ndocker run -d --name server --mount type=bind,source="$PWD/www",target=/var/www,readonly busybox sleep 300\ndocker exec server touch /var/www/x || true`);
    expectResult(await grade(lb, "volumes.read-only", since), { passed: true, en: "`touch /var/www/x` failed there" });
  });
});
