// The "under the hood" tap: the socket a box's `docker` CLI talks to (/var/run/docker.sock
// in the box links here) is this small HTTP proxy on the server, in front of the box
// daemon's own socket. It forwards every request untouched and notes its method, path
// and status, so the learner can see the REST calls each command makes. The server's own
// checks use the daemon's socket directly and never show up.
//
// Streams pass through as they come (pull progress, logs -f, events); hijacked
// connections (attach, exec, BuildKit's session: requests with `Upgrade`) are piped raw
// once the daemon answers. The box's root owns the folder this socket lives in, and
// may delete it: that only breaks their own `docker`, until the box is replaced.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import type { EngineApiCall } from "../protocol.ts";

/** What the panel shows of a request's target: enough to read, never a whole upload's query. */
const MAX_PATH = 200;
/** Calls kept for a page that opens later (a reload): a few commands' worth. */
const KEPT_CALLS = 60;
/** Headers that describe one hop, not the request: Node sets its own. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"]);

export interface EngineApiTapOptions {
  /** Where to listen (a host path in the box's /shiplab folder). */
  listenPath: string;
  /** The box daemon's own socket. */
  daemonPath: string;
  /** Who may connect: the box's root, as the host numbers it. */
  owner: { uid: number; gid: number };
  /**
   * Settles once the daemon answers (a box's prompt comes before its daemon has started:
   * a `docker` typed meanwhile waits here rather than failing). Rejects if it never does.
   * Absent: the daemon answers already.
   */
  daemonReady?: Promise<void>;
  /** Called when a request has to wait for the daemon: the learner wants it now. */
  daemonWanted?: () => void;
  onCall(call: EngineApiCall): void;
}

export class EngineApiTap {
  private readonly server: http.Server;
  private readonly open = new Set<Duplex>();
  private readonly kept: EngineApiCall[] = [];
  /**
   * Kept-alive connections to the daemon, as the docker CLI itself keeps one. Measured: with
   * a new connection per request, about one `docker exec` in six right after `docker run -d`
   * found its fresh connection already closed by the daemon (EPIPE); with these, none in 75.
   */
  private readonly agent = new http.Agent({ keepAlive: true });
  private disposed = false;
  /** Until the daemon answers: requests wait for it (or for the reason it never will). */
  private daemonStarting: Promise<void> | undefined;

  constructor(private readonly o: EngineApiTapOptions) {
    if (o.daemonReady) {
      this.daemonStarting = o.daemonReady;
      // Once up, requests go straight through, without waiting a turn on a settled promise.
      o.daemonReady.then(() => (this.daemonStarting = undefined), () => undefined);
    }
    // No request time-out: a build context or `docker load` may take minutes to upload.
    // A call's time counts from its arrival: a wait for the daemon is part of it.
    this.server = http.createServer({ requestTimeout: 0 }, (req, res) => {
      const at = Date.now();
      this.whenDaemonUp(
        () => this.forward(req, res, at),
        (why) => this.refuse(req, res, why, at),
      );
    });
    this.server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const at = Date.now();
      this.whenDaemonUp(
        () => this.hijack(req, socket, head, at),
        () => socket.destroy(),
      );
    });
    this.server.on("connection", (socket: net.Socket) => this.track(socket));
    this.server.on("clientError", (_err, socket: Duplex) => socket.destroy());
  }

  /** Listens; a stale socket file (an earlier server's) is replaced. */
  async start(): Promise<void> {
    fs.rmSync(this.o.listenPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.o.listenPath, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    // By path, safely: the folder is mounted nosymfollow, so a swapped-in symlink is not followed.
    fs.chownSync(this.o.listenPath, this.o.owner.uid, this.o.owner.gid);
    fs.chmodSync(this.o.listenPath, 0o660);
  }

  /** The last calls, oldest first. */
  recent(): EngineApiCall[] {
    return [...this.kept];
  }

  private track(socket: Duplex): void {
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
  }

  private note(req: http.IncomingMessage, status: number, startedAt: number): void {
    if (this.disposed) return;
    const call: EngineApiCall = {
      method: req.method ?? "?",
      path: shortPath(req.url ?? "/"),
      status,
      at: startedAt,
      ms: Date.now() - startedAt,
    };
    this.kept.push(call);
    if (this.kept.length > KEPT_CALLS) this.kept.shift();
    this.o.onCall(call);
  }

  /** Runs `go` once the daemon answers; `fail` with the reason it never will. */
  private whenDaemonUp(go: () => void, fail: (why: string) => void): void {
    const starting = this.daemonStarting;
    if (!starting) return go();
    this.o.daemonWanted?.();
    starting.then(
      () => {
        if (!this.disposed) go();
      },
      (err: Error) => fail(err.message),
    );
  }

  /** The daemon never started: the CLI prints this sentence. */
  private refuse(req: http.IncomingMessage, res: http.ServerResponse, why: string, startedAt: number): void {
    if (res.destroyed || this.disposed) return;
    this.note(req, 503, startedAt);
    res.writeHead(503, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: `the box's Docker daemon did not start (${why}); reload the page for a new box` }));
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, startedAt: number): void {
    // The CLI gave up while the daemon was starting (Ctrl-C): nothing to forward.
    if (res.destroyed) return this.note(req, 0, startedAt);
    const upstream = http.request({
      socketPath: this.o.daemonPath,
      method: req.method,
      path: req.url,
      headers: withoutHopByHop(req.headers),
      agent: this.agent,
    });
    let answered = false;
    upstream.on("response", (answer) => {
      answered = true;
      this.note(req, answer.statusCode ?? 0, startedAt);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
      // Streaming answers (events, logs -f, pull progress) must reach the CLI at once.
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) {
        if (!answered) this.note(req, 502, startedAt);
        answered = true;
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `the box's Docker daemon is not answering (${err.message})` }));
      } else {
        res.destroy();
      }
    });
    // The CLI went (Ctrl-C on `docker logs -f`): so does the request to the daemon. A
    // stream the daemon had not answered yet (logs -f of a silent container) is shown
    // with status 0: it was made, and never answered.
    res.on("close", () => {
      if (!answered) this.note(req, 0, startedAt);
      answered = true;
      upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** attach, exec, BuildKit sessions: the request as it came, then bytes both ways. */
  private hijack(req: http.IncomingMessage, client: Duplex, head: Buffer, startedAt: number): void {
    if (client.destroyed) return this.note(req, 0, startedAt);
    const daemon = net.connect(this.o.daemonPath);
    this.track(daemon);
    const close = () => {
      client.destroy();
      daemon.destroy();
    };
    client.on("error", close);
    daemon.on("error", close);
    client.on("close", close);
    daemon.on("close", close);
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    daemon.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) daemon.write(head);
    daemon.once("data", (first: Buffer) => {
      const status = /^HTTP\/\d\.\d (\d{3})/.exec(first.subarray(0, 32).toString("latin1"))?.[1];
      this.note(req, status ? Number(status) : 0, startedAt);
    });
    client.pipe(daemon);
    daemon.pipe(client);
  }

  /** Stops listening and cuts every open connection. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.server.close();
    this.agent.destroy();
    for (const s of this.open) s.destroy();
    this.open.clear();
    fs.rmSync(this.o.listenPath, { force: true });
  }
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** The request target as the panel shows it: long queries (a build's options) cut short. */
export function shortPath(url: string): string {
  return url.length > MAX_PATH ? `${url.slice(0, MAX_PATH - 1)}…` : url;
}
