// "Under the hood": the box's `docker` talks to the server's tap, which forwards every
// request to the box's own daemon and reports method, path and status. Real boxes, the real
// docker CLI in them: plain requests, streams, hijacked ones (attach, exec, BuildKit's
// session), stdin that ends, and curl on the socket; the server's own requests stay out.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import type { EngineApiCall } from "../../server/protocol.ts";
import { EngineApiTap } from "../../server/sandbox/engineApiTap.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { sh, startTestLab, stopTestLab, testHost } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let box: Box;
const calls: EngineApiCall[] = [];

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  ({ box } = await lab.sandbox.acquire(crypto.randomBytes(8).toString("hex")));
  lab.sandbox.onApiCall((b, call) => {
    if (b.id === box.id) calls.push(call);
  });
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

/** Runs a script in the box and returns the calls it made (as "METHOD path status", version prefix dropped). */
async function callsOf(script: string): Promise<{ out: string; seen: string[] }> {
  calls.length = 0;
  const r = await sh(box.container, script);
  const seen = calls.map((c) => `${c.method} ${c.path.replace(/^\/v1\.\d+/, "").replace(/\?.*$/, "")} ${c.status}`);
  expect(r.code, `${r.out}\ncalls: ${seen.join(", ")}`).toBe(0);
  return { out: r.out, seen };
}

describe("the under-the-hood tap", () => {
  it("shows docker run as the REST calls it is: create, attach (hijacked), wait, start", async () => {
    await callsOf("docker pull -q busybox");
    const { out, seen } = await callsOf("docker run --name tap-run busybox echo through-the-tap");
    expect(out).toContain("through-the-tap");
    expect(seen).toContain("HEAD /_ping 200");
    expect(seen).toContain("POST /containers/create 201");
    expect(seen.some((c) => /^POST \/containers\/[0-9a-f]{64}\/attach 101$/.test(c))).toBe(true);
    expect(seen.some((c) => /^POST \/containers\/[0-9a-f]{64}\/start 204$/.test(c))).toBe(true);
    expect(seen.some((c) => /^POST \/containers\/[0-9a-f]{64}\/wait 200$/.test(c))).toBe(true);
    // Every call says when it was made and how long the daemon took.
    for (const c of calls) expect(c.at).toBeGreaterThan(Date.now() - 120_000);
  });

  it("passes errors through with their status: a missing container is a 404", async () => {
    calls.length = 0;
    const r = await sh(box.container, "docker inspect no-such-container");
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/No such (object|container)/i);
    expect(calls.some((c) => /\/containers\/no-such-container\/json$/.test(c.path) && c.status === 404)).toBe(true);
  });

  it("carries stdin that ends, exec, logs, a BuildKit build and curl on the socket", async () => {
    const { out, seen } = await callsOf(
      [
        "echo piped-in | docker run --rm -i busybox cat",
        "docker run -d --name tap-sleeper busybox sleep 600 >/dev/null",
        "docker exec tap-sleeper echo exec-through-tap",
        "docker logs tap-run",
        "mkdir -p /root/tapctx && printf 'FROM busybox\\nRUN echo built > /b\\n' > /root/tapctx/Dockerfile",
        "docker build -q -t tap/built /root/tapctx >/dev/null && docker run --rm tap/built cat /b",
        "curl -s --unix-socket /var/run/docker.sock http://localhost/version",
      ].join(" && "),
    );
    expect(out).toContain("piped-in");
    expect(out).toContain("exec-through-tap");
    expect(out).toContain("through-the-tap");
    expect(out).toMatch(/^built\r?$/m);
    expect(out).toContain('"ApiVersion":"1.45"');
    expect(seen.some((c) => /^POST \/exec\/[0-9a-f]{64}\/start 101$/.test(c))).toBe(true);
    // `docker build` is buildx with BuildKit: a gRPC stream and a session, both hijacked.
    expect(seen).toContain("POST /grpc 101");
    expect(seen).toContain("POST /session 101");
    expect(seen).toContain("GET /version 200");
  });

  it("follows a stream until the CLI goes, and leaves nothing open", async () => {
    const { out } = await callsOf("timeout 2 docker logs -f tap-sleeper; timeout 2 docker events --since 1s >/dev/null; echo after-streams");
    expect(out).toContain("after-streams");
    expect(calls.some((c) => /^\/v1\.\d+\/containers\/[0-9a-f]{64}\/logs\?.*follow=1/.test(c.path))).toBe(true);
    expect(calls.some((c) => /\/events/.test(c.path))).toBe(true);
  });

  it("never shows the server's own requests to the daemon", async () => {
    calls.length = 0;
    await lab.sandbox.daemonOf(box).listContainers({ all: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toEqual([]);
  });

  it("keeps the last calls for a page that opens later", () => {
    const recent = lab.sandbox.recentApiCalls(box);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThanOrEqual(60);
  });

  it("replaces a symlink the box planted where its socket goes, without touching the link's target", async () => {
    // The box's root owns the folder; a server starting again must not chmod or chown what
    // a planted link points to (the folder is also mounted nosymfollow).
    const target = path.join(os.tmpdir(), `tap-target-${crypto.randomBytes(4).toString("hex")}`);
    fs.writeFileSync(target, "host file");
    fs.chmodSync(target, 0o600);
    const before = fs.statSync(target);
    const r = await sh(box.container, `ln -sfn ${target} /shiplab/planted.sock && ls -l /shiplab/planted.sock`);
    expect(r.code, r.out).toBe(0);
    const host = await testHost();
    const tap = new EngineApiTap({
      listenPath: path.join(path.dirname(box.socketPath), "planted.sock"),
      daemonPath: box.socketPath,
      owner: host.engine.boxRoot,
      onCall: () => undefined,
    });
    try {
      await tap.start();
      const after = fs.statSync(target);
      expect(after.mode).toBe(before.mode);
      expect(after.uid).toBe(before.uid);
      expect(fs.lstatSync(path.join(path.dirname(box.socketPath), "planted.sock")).isSocket()).toBe(true);
    } finally {
      tap.dispose();
      tap.dispose(); // idempotent
      fs.rmSync(target, { force: true });
    }
  });
});
