// Shiplab's Docker Engine stops answering in the middle of a learner's arrival (its socket
// dies): the server stays up, still serves the page, tells the learner what is wrong in a
// sentence; once the engine answers again, Enter gives the learner a working box.
// The engine is reached through a relay socket this test owns and can cut; the real
// engine is never stopped (other tests share it).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { io } from "socket.io-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import { startShiplab, type Shiplab } from "../../server/main.ts";
import type { BoxStatePayload } from "../../server/protocol.ts";
import { BOX_MESSAGES } from "../../server/terminal/messages.ts";
import { openSocketLearner } from "../support/socketLearner.ts";
import { log, removeTestObjects, testConfig, testHost, until } from "../support/testHost.ts";

/** A unix socket that forwards to the engine's, until it is cut. */
class Relay {
  private server: net.Server | undefined;
  private readonly open = new Set<net.Socket>();
  constructor(
    readonly path: string,
    private readonly target: string,
  ) {}
  async start(): Promise<void> {
    fs.rmSync(this.path, { force: true });
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on("close", () => this.open.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.path, () => r()));
  }
  /** The engine's socket dies: no new connection, every open one dropped. */
  cut(): void {
    this.server?.close();
    this.server = undefined;
    for (const s of this.open) s.destroy();
    fs.rmSync(this.path, { force: true });
  }
}

let relay: Relay;
let lab: Shiplab | undefined;
let config: Readonly<Config>;
let dir: string;

beforeAll(async () => {
  const host = await testHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-engine-fault-"));
  relay = new Relay(path.join(dir, "engine.sock"), host.engine.socketPath);
  await relay.start();
  const docker = new Docker({ socketPath: relay.path, timeout: 60_000 });
  config = testConfig({ warmPool: 0 });
  lab = await startShiplab(config, { ...host, docker, engine: { ...host.engine, docker, socketPath: relay.path, host: `unix://${relay.path}` } }, log);
});

afterAll(async () => {
  relay?.cut();
  try {
    await lab?.dispose({ removeBoxes: true });
  } finally {
    await removeTestObjects(config.instance); // through the real engine
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it("keeps serving, tells the learner, and gives them a box with Enter once the engine answers again", async () => {
  // A learner arrives; the engine dies while their box is being made.
  const res = await fetch(`${lab!.url}/`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const socket = io(lab!.url, { transports: ["websocket"], extraHeaders: { cookie, origin: lab!.url }, query: { lang: "en" } });
  const states: BoxStatePayload[] = [];
  socket.on("box:state", (s: BoxStatePayload) => states.push(s));
  await until(async () => states.some((s) => s.state === "starting"), 10_000, "the box to be starting");
  await new Promise((r) => setTimeout(r, 150));
  relay.cut();
  await until(async () => states.find((s) => s.state === "error"), 90_000, "the learner to be told");
  expect(states.find((s) => s.state === "error")?.message).toBe(BOX_MESSAGES.engineDown.en);

  // The server is up and serves the page and the lessons.
  expect((await fetch(`${lab!.url}/`)).status).toBe(200);
  expect((await fetch(`${lab!.url}/api/lessons`)).status).toBe(200);
  // Another learner arriving now is told the same sentence, not a stack trace.
  await expect(openSocketLearner(lab!.url, { timeoutMs: 30_000 })).rejects.toThrow(BOX_MESSAGES.engineDown.en);

  // The engine is back: Enter brings the first learner a working box.
  await relay.start();
  states.length = 0;
  socket.emit("term:input", "\r");
  // As a learner would: Enter again if the first try failed too (at most twice more).
  let presses = 1;
  await until(
    async () => {
      if (states.at(-1)?.state === "error" && presses < 3) {
        presses++;
        socket.emit("term:input", "\r");
      }
      return states.find((s) => s.state === "ready");
    },
    90_000,
    "a box after Enter",
  );
  socket.close();
  // And a reload (a new connection of the same learner) finds it.
  const again = await openSocketLearner(lab!.url, { cookie });
  expect((await again.echoes(1)).length).toBe(2);
  again.close();
});
