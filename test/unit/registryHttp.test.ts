import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { manifestDigest } from "../../server/registry/digestRef.ts";
import { registryRequest } from "../../server/registry/registryHttp.ts";

// A stand-in registry on loopback: what it answers is set per test.
let server: http.Server | undefined;
async function registry(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

describe("registryRequest", () => {
  it("gives the status, headers and body, and sends the method and headers asked for", async () => {
    const seen: { method?: string; accept?: string }[] = [];
    const url = await registry((req, res) => {
      seen.push({ method: req.method, accept: req.headers.accept });
      res.writeHead(200, { "content-type": "application/json", "docker-content-digest": "sha256:abc" });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify({ tags: ["1", "2"] }));
    });
    const got = await registryRequest(`${url}/v2/library/busybox/tags/list`, { timeoutMs: 2000 });
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body)).toEqual({ tags: ["1", "2"] });
    expect(await manifestDigest(url, "library/busybox", "latest")).toBe("sha256:abc");
    expect(seen[1]).toMatchObject({ method: "HEAD" });
    expect(seen[1].accept).toContain("application/vnd.oci.image.index.v1+json");
  });

  it("gives no digest when the registry has no such manifest", async () => {
    const url = await registry((_req, res) => {
      res.writeHead(404, { "docker-content-digest": "sha256:not-this" });
      res.end();
    });
    expect(await manifestDigest(url, "library/nothing", "latest")).toBeUndefined();
  });

  it("gives up with a sentence naming the URL when the registry does not answer in time", async () => {
    const url = await registry(() => {}); // takes the request, never answers
    await expect(registryRequest(`${url}/v2/`, { timeoutMs: 200 })).rejects.toThrow(/did not answer .*\/v2\/ within 200 ms/);
  });

  it("refuses an answer too large to be the registry's", async () => {
    const url = await registry((_req, res) => {
      res.writeHead(200);
      const mib = Buffer.alloc(256 * 1024, "x");
      for (let i = 0; i < 5; i++) res.write(mib);
      res.end();
    });
    await expect(registryRequest(`${url}/v2/`, { timeoutMs: 5000 })).rejects.toThrow(/over 1048576 bytes/);
  });
});
