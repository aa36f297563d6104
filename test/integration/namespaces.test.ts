// Each learner's namespace in the lab registry, against the real registry, gate and boxes:
// a learner pushes under their own; pushing over, or deleting, a classmate's is refused;
// pulling a classmate's image is allowed, and passes nothing.
import crypto from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCheck } from "../../server/checks/grader.ts";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { namespaceOf } from "../../server/registry/namespace.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { sh, startTestLab, stopTestLab, testHost } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let ada: Box;
let bob: Box;
// New learners (so new namespaces: the registry keeps what earlier runs pushed).
const ADA = `ad${crypto.randomBytes(7).toString("hex")}`;
const BOB = `b0${crypto.randomBytes(7).toString("hex")}`;
const R = "registry.lab:5000";

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
  ada = (await lab.sandbox.acquire(ADA)).box;
  bob = (await lab.sandbox.acquire(BOB)).box;
});
afterAll(() => stopTestLab(lab, config));

/** Builds a tiny image in a box, printing `text`. */
const build = (box: Box, tag: string, text: string) =>
  sh(box.container, `mkdir -p /root/i && cd /root/i && printf 'FROM busybox\\nCMD ["echo", "${text}"]\\n' > Dockerfile && docker build -q -t ${tag} .`);

it("lets each learner push only under their own namespace, and keeps a classmate's push theirs", async () => {
  const a = namespaceOf(ADA);
  const b = namespaceOf(BOB);
  const registry = (await testHost()).registry;

  expect((await build(ada, "app", "from ada")).code).toBe(0);
  const own = await sh(ada.container, `docker tag app ${R}/${a}/app:1 && docker push ${R}/${a}/app:1`);
  expect(own.code, own.out).toBe(0);
  const adasDigest = (await sh(ada.container, `docker inspect -f '{{index .RepoDigests 0}}' ${R}/${a}/app:1`)).out.trim().split("@")[1];

  // Bob pushes over Ada's tag: refused, and her image is untouched.
  expect((await build(bob, "app", "from bob")).code).toBe(0);
  const over = await sh(bob.container, `docker tag app ${R}/${a}/app:1 && docker push ${R}/${a}/app:1`);
  expect(over.code).not.toBe(0);
  expect(over.out).toMatch(new RegExp(`denied: push only under your own namespace: ${R}/${b}/`));
  const digest = await fetch(`${registry.url}/v2/${a}/app/manifests/1`, {
    method: "HEAD",
    headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });
  expect(digest.headers.get("docker-content-digest")).toBe(adasDigest);

  // Bob deletes Ada's manifest through the registry API: refused by the gate.
  const del = await sh(
    bob.container,
    `printf 'DELETE /v2/${a}/app/manifests/${adasDigest} HTTP/1.1\\r\\nHost: ${R}\\r\\nConnection: close\\r\\n\\r\\n' | busybox nc registry.lab 5000 | head -1`,
  );
  expect(del.out).toMatch(/^HTTP\/1\.1 403/);

  // Reading a classmate's image is allowed.
  const pull = await sh(bob.container, `docker pull ${R}/${a}/app:1 && docker run --rm ${R}/${a}/app:1`);
  expect(pull.code, pull.out).toBe(0);
  expect(pull.out).toContain("from ada");
});

it("passes the push exercise only for the learner's own push, never for a classmate's image pulled", async () => {
  const a = namespaceOf(ADA);
  const b = namespaceOf(BOB);
  const ex = lab.lessons.exercise("registry.push")!;
  const { registry } = await testHost();
  const check = (box: Box, namespace: string) =>
    runCheck(ex, lab.sandbox.daemonOf(box), { registryUrl: registry.url, namespace, since: 0 });

  const text = "hello docker";
  expect((await build(ada, "ada/hello-docker", text)).code).toBe(0);
  expect((await sh(ada.container, `docker tag ada/hello-docker ${R}/${a}/hello-docker && docker push ${R}/${a}/hello-docker`)).code).toBe(0);
  expect((await check(ada, a)).passed).toBe(true);

  // Bob pulls Ada's pushed image, and even names it as if it were his own, without pushing.
  expect((await sh(bob.container, `docker pull ${R}/${a}/hello-docker`)).code).toBe(0);
  expect((await check(bob, b)).passed).toBe(false);
  expect((await sh(bob.container, `docker tag ${R}/${a}/hello-docker ${R}/${b}/hello-docker`)).code).toBe(0);
  const tagged = await check(bob, b);
  expect(tagged.passed).toBe(false);
  expect(tagged.message.en).toMatch(/not in the registry yet/);

  // His own push counts.
  expect((await sh(bob.container, `docker push ${R}/${b}/hello-docker`)).code).toBe(0);
  expect((await check(bob, b)).passed).toBe(true);
});
