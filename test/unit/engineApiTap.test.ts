// The tap in front of a box daemon that is still starting: requests wait for it, and hear
// a sentence if it never comes. A fake daemon (an HTTP server on a unix socket) stands in
// for dockerd; test/integration/engineApiTap.test.ts runs the real docker CLI in a real box.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EngineApiTap } from "../../server/sandbox/engineApiTap.ts";
import type { EngineApiCall } from "../../server/protocol.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-tap-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A daemon that answers every request with its path; upgrades get a 101 and an echo. */
async function fakeDaemon(socketPath: string): Promise<void> {
  const server = http.createServer((req, res) => res.end(`daemon saw ${req.url}`));
  server.on("upgrade", (_req, socket: net.Socket) => {
    socket.write("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  cleanups.unshift(() => server.close());
}

async function openTap(dir: string, daemonReady?: Promise<void>, daemonWanted?: () => void): Promise<{ tap: EngineApiTap; calls: EngineApiCall[]; listenPath: string }> {
  const calls: EngineApiCall[] = [];
  const listenPath = path.join(dir, "api.sock");
  const tap = new EngineApiTap({
    listenPath,
    daemonPath: path.join(dir, "docker.sock"),
    owner: { uid: process.getuid!(), gid: process.getgid!() },
    daemonReady,
    daemonWanted,
    onCall: (c) => calls.push(c),
  });
  await tap.start();
  cleanups.unshift(() => tap.dispose());
  return { tap, calls, listenPath };
}

function get(socketPath: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path: url }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("the tap while the box's daemon starts", () => {
  it("holds a request until the daemon answers, then forwards it, the wait counted in its time", async () => {
    const dir = tempDir();
    const up = deferred();
    let wanted = 0;
    const { calls, listenPath } = await openTap(dir, up.promise, () => wanted++);
    expect(wanted).toBe(0);
    let answered = false;
    const reply = get(listenPath, "/v1.47/version").then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    // The learner's `docker` asks for the daemon: the sandbox moves its start up.
    expect(wanted).toBe(1);
    // Only now does the daemon listen: a request forwarded earlier would have met no socket.
    await fakeDaemon(path.join(dir, "docker.sock"));
    up.resolve();
    expect(await reply).toEqual({ status: 200, body: "daemon saw /v1.47/version" });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "GET", path: "/v1.47/version", status: 200 });
    expect(calls[0].ms).toBeGreaterThanOrEqual(100);
  });

  it("holds a hijacked request (attach, exec) the same way", async () => {
    const dir = tempDir();
    const up = deferred();
    const { listenPath } = await openTap(dir, up.promise);
    const client = net.connect(listenPath);
    cleanups.unshift(() => client.destroy());
    let seen = "";
    client.on("data", (c: Buffer) => (seen += c.toString()));
    client.write("POST /v1.47/exec/abc/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBe("");
    await fakeDaemon(path.join(dir, "docker.sock"));
    up.resolve();
    await new Promise<void>((r, reject) => {
      const t = setInterval(() => {
        if (seen.includes("101")) {
          clearInterval(t);
          r();
        }
      }, 10);
      setTimeout(() => (clearInterval(t), reject(new Error(`no upgrade; saw ${JSON.stringify(seen)}`))), 5000);
    });
    client.write("ping-through");
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toContain("ping-through");
  });

  it("tells a waiting request, with a sentence, that the daemon never started", async () => {
    const dir = tempDir();
    const up = deferred();
    const { calls, listenPath } = await openTap(dir, up.promise);
    const reply = get(listenPath, "/_ping");
    await new Promise((r) => setTimeout(r, 50));
    up.reject(new Error("box stopped while starting"));
    const r = await reply;
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).message).toMatch(/did not start \(box stopped while starting\); reload the page/);
    expect(calls[0]).toMatchObject({ path: "/_ping", status: 503 });
    // Later requests hear the same at once.
    expect((await get(listenPath, "/_ping")).status).toBe(503);
  });

  it("forwards at once when the daemon answers already, and asks for no daemon", async () => {
    const dir = tempDir();
    await fakeDaemon(path.join(dir, "docker.sock"));
    let wanted = 0;
    const up = deferred();
    const { listenPath } = await openTap(dir, up.promise, () => wanted++);
    up.resolve();
    await up.promise;
    await new Promise((r) => setImmediate(r));
    expect(await get(listenPath, "/info")).toEqual({ status: 200, body: "daemon saw /info" });
    expect(wanted).toBe(0);
  });
});
