// The page's assets go out brotli- or gzip-compressed when the browser accepts it (copies
// made at build time), plain otherwise; nothing outside the assets folder is ever served.
// A file named by its content is kept by the browser for good; the others are asked again.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetRoutes } from "../../server/web/assets.ts";

const JS = "console.log('shiplab page');\n".repeat(50);
let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-assets-"));
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "assets", "app.js"), JS);
  fs.writeFileSync(path.join(dir, "assets", "app.js.br"), zlib.brotliCompressSync(JS));
  fs.writeFileSync(path.join(dir, "assets", "app.js.gz"), zlib.gzipSync(JS));
  fs.writeFileSync(path.join(dir, "assets", "chunk-AB12CD34.js"), JS);
  fs.writeFileSync(path.join(dir, "assets", "chunk-AB12CD34.js.br"), zlib.brotliCompressSync(JS));
  fs.writeFileSync(path.join(dir, "secret.js"), "not an asset");
  fs.writeFileSync(path.join(dir, "secret.js.br"), zlib.brotliCompressSync("not an asset"));
  const app = express();
  app.use("/assets", assetRoutes(path.join(dir, "assets")));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (fetch would decode the body and hide the encoding). */
function get(p: string, acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${p}`, { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

describe("how long a browser keeps an asset", () => {
  it("keeps a file named by its content (esbuild's [name]-[hash]) for a year, compressed or not", async () => {
    for (const enc of ["br", undefined]) {
      const r = await get("/assets/chunk-AB12CD34.js", enc);
      expect(r.status).toBe(200);
      expect(r.headers["content-encoding"]).toBe(enc);
      expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    }
  });

  it("asks again for the files the page names (app.js): a 304 when they did not change", async () => {
    for (const enc of ["br", undefined]) {
      const r = await get("/assets/app.js", enc);
      expect(r.headers["cache-control"]).toBe("public, max-age=0");
      expect(r.headers.etag).toBeTruthy();
    }
  });
});

describe("precompressed assets", () => {
  it("sends the brotli copy to a browser that accepts br, typed as JavaScript", async () => {
    const r = await get("/assets/app.js", "gzip, deflate, br, zstd");
    expect(r.status).toBe(200);
    expect(r.headers["content-encoding"]).toBe("br");
    expect(r.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(r.headers.vary).toMatch(/Accept-Encoding/);
    expect(zlib.brotliDecompressSync(r.body).toString()).toBe(JS);
    expect(r.body.length).toBeLessThan(JS.length / 5);
  });

  it("sends gzip where br is not accepted, and the plain file where neither is", async () => {
    const gz = await get("/assets/app.js", "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(gz.body).toString()).toBe(JS);
    const plain = await get("/assets/app.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(JS);
  });

  it("serves nothing outside the assets folder", async () => {
    for (const p of ["/assets/../secret.js", "/assets/%2e%2e/secret.js", "/assets/..%2fsecret.js"]) {
      const r = await get(p, "br");
      expect(r.body.toString(), p).not.toContain("not an asset");
      expect(r.headers["content-encoding"], p).toBeUndefined();
    }
  });
});
