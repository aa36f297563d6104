// One request to the lab registry's HTTP API (on loopback), made with node:http, not fetch.
// Node 20's fetch is undici, whose HTTP parser is WebAssembly: the first fetch compiles it,
// with TurboFan on V8's helper threads, and heaptrack showed those compiles take ≈30 MiB of
// malloc that stays in the server's heap for as long as it runs (issue 10: the server's RSS
// was 1.3× the bench's baseline, which never fetches). node:http parses in C, already loaded.
import http from "node:http";

export interface RegistryReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The registry answers in small JSON documents; more than this is not a registry talking. */
const MAX_BODY_BYTES = 1024 * 1024;

export function registryRequest(
  url: string,
  opts: { method?: "GET" | "HEAD"; headers?: Record<string, string>; timeoutMs: number },
): Promise<RegistryReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`the lab registry's answer to ${url} is over ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // One deadline for the whole exchange, as AbortSignal.timeout gave fetch.
    const timer = setTimeout(() => req.destroy(new Error(`the lab registry did not answer ${url} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", reject);
    req.end();
  });
}
