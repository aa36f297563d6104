// One learner, several tabs: they share one shell in one box, also when they all arrive
// together right after the learner's box was replaced (each hears "replaced"; none may
// throw away the shell another tab just got). Found by the soak. A tab that joins a box
// already there is not told "starting": only a box being made is.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { startTestLab, stopTestLab } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;

beforeAll(async () => {
  ({ lab, config } = await startTestLab({ warmPool: 0 }));
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

it("gives five tabs arriving together after a box replacement one shared, working shell", async () => {
  const first = await openSocketLearner(lab.url);
  const box = lab.sandbox.list()[0];
  first.close();
  await lab.sandbox.destroy(box.id, "died");

  const tabs = await Promise.all([...Array(5)].map(() => openSocketLearner(lab.url, { cookie: first.cookie, timeoutMs: 60_000 })));
  try {
    expect(lab.counts().shells).toBe(1);
    expect(lab.sandbox.list().map((b) => b.id)).not.toContain(box.id);
    // What one tab types, every tab sees.
    const seen = tabs.map((t) => t.next<string>("term:output", (d) => d.includes("tabs-share"), 15_000));
    tabs[3].socket.emit("term:input", "echo tabs-share\r");
    await Promise.all(seen);
  } finally {
    for (const t of tabs) t.close();
  }
});

const boxStates = (l: SocketLearner) => l.received.filter((r) => r.event === "box:state").map((r) => (r.payload as { state: string }).state);

it("says a box is starting while it is made, and not when the learner's box is already there", async () => {
  const cold = await openSocketLearner(lab.url);
  cold.close();
  // No warm pool: this box was made for the learner, which takes far longer than the notice's delay.
  expect(boxStates(cold)).toEqual(["starting", "ready"]);

  const again = await openSocketLearner(lab.url, { cookie: cold.cookie });
  again.close();
  expect(boxStates(again)).toEqual(["reconnected"]);
});
