import http from "node:http";
import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../server/log.ts";
import { LabGate, NOT_IN_LAB_MESSAGE, REGISTRY_DOWN_MESSAGE } from "../../server/registry/labGate.ts";

const HOST = "127.0.0.1";

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, HOST, r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Seen {
  method: string;
  url: string;
  host: string | undefined;
  body: string;
}

interface Answer {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to the gate, on its own connection; never leaves 127.0.0.1. */
function send(port: number, method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method, path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, statusMessage: res.statusMessage!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A CONNECT through the gate, as a box daemon's HTTPS proxy request; never leaves 127.0.0.1. */
function connectThrough(port: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method: "CONNECT", path: "registry-1.example:443", agent: false });
    req.on("connect", (r: http.IncomingMessage, socket: net.Socket) => {
      socket.destroy();
      resolve(r);
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
}

const errorCode = (a: Answer) => (JSON.parse(a.body) as { errors: { code: string; message: string }[] }).errors[0];

describe("LabGate", () => {
  let upstream: http.Server;
  let seen: Seen[];
  let gate: LabGate;
  let gatePort: number;
  let warnings: string[];
  const log: Logger = { info() {}, warn: (m) => void warnings.push(m), error() {}, step: () => () => {} };

  const startGate = async (registryPort: number) => {
    gatePort = await freePort();
    gate = new LabGate({ host: HOST, port: gatePort, registryPort, log });
    await gate.start();
  };

  beforeEach(async () => {
    seen = [];
    warnings = [];
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, host: req.headers.host, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(req.method === "PUT" ? 201 : 200, { "content-type": "application/json", "docker-distribution-api-version": "registry/2.0" });
        res.end(JSON.stringify({ upstream: true, method: req.method, url: req.url }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, HOST, r));
    await startGate((upstream.address() as net.AddressInfo).port);
  });

  afterEach(async () => {
    await gate.dispose();
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  it("names its address", () => {
    expect(gate.address).toBe(`${HOST}:${gatePort}`);
  });

  it("forwards a registry read, keeping the box's Host header", async () => {
    const a = await send(gatePort, "GET", "/v2/x/manifests/latest", { headers: { host: "registry.lab:5000" } });
    expect(a.status).toBe(200);
    expect(a.headers["docker-distribution-api-version"]).toBe("registry/2.0");
    expect(JSON.parse(a.body)).toEqual({ upstream: true, method: "GET", url: "/v2/x/manifests/latest" });
    expect(seen).toEqual([{ method: "GET", url: "/v2/x/manifests/latest", host: "registry.lab:5000", body: "" }]);
  });

  it("forwards the query string untouched", async () => {
    await send(gatePort, "GET", "/v2/ada/x/tags/list?n=10&last=a");
    expect(seen.map((s) => s.url)).toEqual(["/v2/ada/x/tags/list?n=10&last=a"]);
  });

  it("forwards reads of the lab's own images", async () => {
    const a = await send(gatePort, "GET", "/v2/library/busybox/manifests/latest");
    expect(a.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it("forwards a push under the learner's own name, with its body", async () => {
    const manifest = JSON.stringify({ schemaVersion: 2 });
    const a = await send(gatePort, "PUT", "/v2/ada/x/manifests/latest", {
      headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
      body: manifest,
    });
    expect(a.status).toBe(201);
    expect(seen).toEqual([{ method: "PUT", url: "/v2/ada/x/manifests/latest", host: `${HOST}:${gatePort}`, body: manifest }]);
  });

  it.each([
    ["PUT", "/v2/library/busybox/manifests/latest"],
    ["POST", "/v2/library/busybox/blobs/uploads/"],
    ["PATCH", "/v2/library/busybox/blobs/uploads/123"],
    ["DELETE", "/v2/library/hello-world/manifests/sha256:abc"],
  ])("refuses %s %s on the lab's own images, without forwarding it", async (method, path) => {
    const a = await send(gatePort, method, path, { body: "{}" });
    expect(a.status).toBe(403);
    expect(a.headers["content-type"]).toBe("application/json");
    const e = errorCode(a);
    expect(e.code).toBe("DENIED");
    expect(e.message).toMatch(/read-only/);
    expect(e.message).toContain(`registry.lab:${gatePort}/<you>/hello-docker`);
    expect(seen).toEqual([]);
  });

  // The registry (CNCF Distribution) percent-decodes and cleans paths: /v2/%6cibrary/busybox
  // is library/busybox there. Any spelling other than the plain one is refused, unforwarded.
  it("refuses the lab's own images spelled with escapes, double slashes or dot segments", async () => {
    for (const p of [
      "/v2/%6cibrary/busybox/manifests/latest",
      "/v2/library%2Fbusybox/manifests/latest",
      "//v2/library/busybox/manifests/latest",
      "/v2//library/busybox/manifests/latest",
      "/v2/x/../library/busybox/manifests/latest",
      "/v2/./library/busybox/manifests/latest",
      "/v2/%E0%A4%A/manifests/latest",
    ]) {
      const a = await send(gatePort, "PUT", p, { body: "{}" });
      expect(a.status, p).toBeGreaterThanOrEqual(400);
      expect(a.status, p).toBeLessThan(500);
    }
    expect(seen).toEqual([]);
  });

  it("answers 404 outside the registry API, without forwarding", async () => {
    for (const path of ["/other", "/", "/v2"]) {
      const a = await send(gatePort, "GET", path);
      expect(a.status).toBe(404);
      expect(errorCode(a).code).toBe("NOT_FOUND");
    }
    expect(seen).toEqual([]);
  });

  it("answers a plain-HTTP proxy request itself, with the not-in-lab sentence", async () => {
    const a = await send(gatePort, "GET", "http://example.invalid/v2/", { headers: { host: "example.invalid" } });
    expect(a.status).toBe(403);
    expect(errorCode(a)).toEqual({ code: "DENIED", message: NOT_IN_LAB_MESSAGE, detail: null });
    expect(seen).toEqual([]);
  });

  it("refuses CONNECT with the not-in-lab sentence as its status text", async () => {
    const res = await connectThrough(gatePort);
    expect(res.statusCode).toBe(403);
    expect(res.statusMessage).toBe(NOT_IN_LAB_MESSAGE);
    expect(NOT_IN_LAB_MESSAGE).not.toMatch(/[\r\n]/);
    // Only the gate's own look at whether the registry answers reached it.
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /v2/"]);
  });

  it("says the lab registry is not answering when a pull falls through to the Internet while it is down", async () => {
    await gate.dispose();
    await startGate(await freePort());
    const res = await connectThrough(gatePort);
    expect(res.statusCode).toBe(403);
    expect(res.statusMessage).toBe(REGISTRY_DOWN_MESSAGE);
    expect(REGISTRY_DOWN_MESSAGE).not.toMatch(/[\r\n]/);
  });

  it("answers 503 UNAVAILABLE when the lab registry is down", async () => {
    await gate.dispose();
    await startGate(await freePort());
    const a = await send(gatePort, "GET", "/v2/x/manifests/latest");
    expect(a.status).toBe(503);
    expect(errorCode(a)).toEqual({ code: "UNAVAILABLE", message: REGISTRY_DOWN_MESSAGE, detail: null });
    expect(warnings.join("\n")).toMatch(/lab registry unreachable/);
  });

  it("refuses to start on a port that is taken", async () => {
    const other = new LabGate({ host: HOST, port: gatePort, registryPort: 1, log });
    await expect(other.start()).rejects.toThrow(/EADDRINUSE/);
    await other.dispose();
  });

  it("can be disposed twice and frees its port", async () => {
    await gate.dispose();
    await gate.dispose();
    await expect(send(gatePort, "GET", "/v2/")).rejects.toThrow(/ECONNREFUSED/);
  });
});
