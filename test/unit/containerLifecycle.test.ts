// The learner's commands behind a container's actions (server/checks/containerLifecycle.ts).
import { expect, it } from "vitest";
import { commandsOf } from "../../server/checks/containerLifecycle.ts";

it("keeps one action per command: a stop's SIGTERM, a restart's own stop and start, and die are not commands", () => {
  // docker run -d, stop, start, restart, kill
  expect(commandsOf(["create", "start", "kill", "die", "stop", "start", "kill", "die", "stop", "start", "restart", "kill", "die"])).toEqual([
    "create",
    "start",
    "stop",
    "start",
    "restart",
    "kill",
  ]);
  // docker run -d, restart, kill: no stop or start of the learner's.
  expect(commandsOf(["create", "start", "kill", "die", "stop", "start", "restart", "kill", "die"])).toEqual(["create", "start", "restart", "kill"]);
  // A container that ignores SIGTERM: the stop's SIGKILL shows as a second kill.
  expect(commandsOf(["create", "start", "kill", "kill", "die", "stop"])).toEqual(["create", "start", "stop"]);
  // docker kill, then start, then stop: the learner's kill stays.
  expect(commandsOf(["create", "start", "kill", "die", "start", "kill", "die", "stop"])).toEqual(["create", "start", "kill", "start", "stop"]);
});
