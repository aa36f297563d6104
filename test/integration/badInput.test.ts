// What no page sends, sent anyway over the real terminal socket: each gets a clear refusal
// to that client alone, the server stays up, and another learner's terminal is unaffected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import type { AnswerAck, RequestRefusal } from "../../server/protocol.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { startTestLab, stopTestLab } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let attacker: SocketLearner;
let bystander: SocketLearner;

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
  [attacker, bystander] = await Promise.all([openSocketLearner(lab.url), openSocketLearner(lab.url)]);
});

afterAll(async () => {
  attacker?.close();
  bystander?.close();
  await stopTestLab(lab, config);
});

/** Sends one bad request and returns the refusal it got. */
async function refusalOf(send: () => void, event: string): Promise<RequestRefusal> {
  const refused = attacker.next<RequestRefusal>("request:refused", (r) => r.event === event.slice(0, 64));
  send();
  return refused;
}

/** Both learners' terminals still echo, and the page is still served. */
async function stillFine(): Promise<void> {
  expect((await bystander.echoes(2)).length).toBe(4);
  expect((await attacker.echoes(1)).length).toBe(2);
  expect((await fetch(`${lab.url}/`)).status).toBe(200);
}

describe("bad input from a page", () => {
  it("refuses terminal input that is not text, or too long", async () => {
    for (const bad of [42, null, { data: "ls" }, ["ls"], true]) {
      const r = await refusalOf(() => attacker.socket.emit("term:input", bad), "term:input");
      expect(r.message).toMatch(/must be text/);
    }
    const r = await refusalOf(() => attacker.socket.emit("term:input", "x".repeat(65 * 1024)), "term:input");
    expect(r.message).toMatch(/64 KiB/);
    await stillFine();
  });

  it("refuses sizes of 0×0, 100000×100000 and of the wrong types", async () => {
    for (const bad of [{ cols: 0, rows: 0 }, { cols: 100_000, rows: 100_000 }, { cols: "80", rows: "24" }, { cols: 80.5, rows: 24 }, null, "80x24", [80, 24]]) {
      const r = await refusalOf(() => attacker.socket.emit("term:resize", bad), "term:resize");
      expect(r.message).toMatch(/2–500 columns/);
    }
    await stillFine();
  });

  it("refuses unknown events by name", async () => {
    for (const name of ["term:exec", "__proto__", "constructor", "x".repeat(500)]) {
      const r = await refusalOf(() => attacker.socket.emit(name, "payload"), name);
      expect(r.message).toMatch(/no such request/);
    }
    await stillFine();
  });

  it("answers answers of the wrong types with a sentence, and never crashes on them", async () => {
    const submit = (submission: unknown) =>
      new Promise<AnswerAck>((resolve) => attacker.socket.emit("answer:submit", submission, (ack: AnswerAck) => resolve(ack)));
    const quiz = lab.lessons.exercises().find((e) => e.id === "architecture.quiz")!.id;
    const text = lab.lessons.exercises().find((e) => e.id === "architecture.version")!.id;
    for (const bad of [null, 42, "x", { exerciseId: 7 }, { exerciseId: "no.such" }, { exerciseId: "images.pull", answer: "x" }]) {
      const ack = await submit(bad);
      expect(ack.ok, JSON.stringify(bad)).toBe(false);
      expect(ack.message).toMatch(/takes no typed answer/);
    }
    for (const answer of [null, 42, ["a"], { see: "x" }, { see: 99, limit: -1, layers: 1e9 }, "q".repeat(10_000)]) {
      const ack = await submit({ exerciseId: quiz, answer });
      expect(ack.ok, JSON.stringify(answer)).toBe(false);
      expect(ack.message).toMatch(/could not be read/);
    }
    for (const answer of [null, { v: 1 }, ["1.41"]]) {
      const ack = await submit({ exerciseId: text, answer });
      expect(ack.ok, JSON.stringify(answer)).toBe(false);
    }
    // An answer without a callback cannot be answered: refused as a request.
    const r = await refusalOf(() => attacker.socket.emit("answer:submit", { exerciseId: quiz, answer: {} }), "answer:submit");
    expect(r.message).toMatch(/callback/);
    await stillFine();
  });

  it("drops a client that sends more than a message may hold, and only that client", async () => {
    const dropped = new Promise<string>((resolve) => attacker.socket.once("disconnect", (reason: string) => resolve(reason)));
    attacker.socket.emit("term:input", "y".repeat(1024 * 1024));
    expect(await dropped).toMatch(/transport close|transport error|parse error/);
    // The bystander never noticed; the attacker, reconnecting, gets its shell back.
    expect((await bystander.echoes(2)).length).toBe(4);
    attacker.close();
    attacker = await openSocketLearner(lab.url, { cookie: attacker.cookie });
    await stillFine();
  });
});
