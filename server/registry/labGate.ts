// The only door from the boxes to the host: an HTTP server on the box network's gateway.
// - Registry traffic is forwarded to the lab registry on loopback; the lab's own images
//   (library/…) are read-only so one learner cannot poison what every learner pulls.
// - It is also the boxes' HTTPS proxy: any attempt to reach the Internet (a pull of an
//   image the lab does not hold falls back to Docker Hub) is answered with a sentence the
//   learner sees in `docker pull`, instead of a DNS error.
import http from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import type { Logger } from "../log.ts";
import { repositoryOf } from "./namespace.ts";

export const LAB_REGISTRY_HOST = "registry.lab";

/** Go's HTTP client shows the status text of a refused CONNECT as the error, so it must be one plain line. */
export const NOT_IN_LAB_MESSAGE =
  "Shiplab has no Internet access and the lab registry does not hold this image (it holds busybox, hello-world, debian:trixie-slim and gcc:14)";

/** Said instead when the lab registry itself is not answering (a pull fell through to the Internet). */
export const REGISTRY_DOWN_MESSAGE =
  "The lab registry is not answering right now (Shiplab starts it again by itself): try again in a few seconds, and tell your teacher if it keeps failing";

const WRITE_METHODS = new Set(["PUT", "POST", "PATCH", "DELETE"]);

export interface LabGateOptions {
  host: string;
  port: number;
  registryPort: number;
  log: Logger;
  /**
   * Whose push it is: the namespace of the learner whose box has this address, or
   * undefined for an address that is no learner's box. Without it, any name but the lab's
   * own may be written (a gate outside Shiplab's server, in tests).
   */
  namespaceAt?: (address: string) => Promise<string | undefined>;
}

export class LabGate {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Duplex>();
  private disposed = false;

  constructor(private readonly opts: LabGateOptions) {}

  get address(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.on("connect", (_req, socket: Duplex) => {
      socket.on("error", () => undefined);
      // A pull reaches here after the mirror (the lab registry) failed it: say which failure.
      void this.registryAnswers().then((up) => {
        socket.end(`HTTP/1.1 403 ${up ? NOT_IN_LAB_MESSAGE : REGISTRY_DOWN_MESSAGE}\r\nContent-Length: 0\r\n\r\n`);
      });
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? "/";
    if (!url.startsWith("/")) {
      // A plain-HTTP proxy request for some Internet address.
      return this.refuse(res, 403, "DENIED", NOT_IN_LAB_MESSAGE);
    }
    // Judge the path as the registry will read it: decoded and normalised. A path whose
    // spelling differs from that (%6cibrary, //, /./) is refused rather than interpreted.
    const rawPath = url.split("?")[0];
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return this.refuse(res, 400, "UNSUPPORTED", "malformed path");
    }
    if (decoded !== rawPath || path.posix.normalize(decoded) !== decoded) {
      return this.refuse(res, 400, "UNSUPPORTED", "the path must be written plainly, without escapes, // or dot segments");
    }
    if (!url.startsWith("/v2/")) return this.refuse(res, 404, "NOT_FOUND", "only the registry API is served here");
    if (WRITE_METHODS.has(req.method ?? "") && /^\/v2\/library\//.test(url)) {
      return this.refuse(
        res,
        403,
        "DENIED",
        `the lab's own images are read-only; push under your own name, e.g. ${LAB_REGISTRY_HOST}:${this.opts.port}/<you>/hello-docker`,
      );
    }
    if (WRITE_METHODS.has(req.method ?? "") && this.opts.namespaceAt) {
      const repository = repositoryOf(url.split("?")[0]);
      void this.opts.namespaceAt(req.socket.remoteAddress ?? "").then(
        (ns) => {
          if (!ns) return this.refuse(res, 403, "DENIED", "only a learner's box may push to the lab registry");
          if (!repository?.startsWith(`${ns}/`)) {
            // Each learner writes only under their own name: no overwriting a classmate's push.
            return this.refuse(res, 403, "DENIED", `push only under your own namespace: ${LAB_REGISTRY_HOST}:${this.opts.port}/${ns}/<name>`);
          }
          this.forward(req, res, url);
        },
        () => this.refuse(res, 503, "UNAVAILABLE", "Shiplab could not tell whose box this is; try again"),
      );
      return;
    }
    this.forward(req, res, url);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, url: string): void {
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: this.opts.registryPort,
        method: req.method,
        path: url,
        // The registry builds upload URLs from Host: keep the box's view of it.
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      this.opts.log.warn(`lab registry unreachable: ${err.message}`);
      if (!res.headersSent) this.refuse(res, 503, "UNAVAILABLE", REGISTRY_DOWN_MESSAGE);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  private registryAnswers(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ host: "127.0.0.1", port: this.opts.registryPort, path: "/v2/", timeout: 1000 }, (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 500);
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
    });
  }

  private refuse(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
