// A named container went through given actions, in order (stop, start, restart, kill …),
// as the daemon's event stream recorded them.
import { pastEvents } from "./daemonEvents.ts";
import { stringList, stringParam } from "./imageMatch.ts";
import { CheckParamError, msg, type CheckKind } from "./types.ts";

interface Params {
  container: string;
  actions: string[];
}

const KNOWN = new Set(["create", "start", "stop", "restart", "kill", "die", "pause", "unpause", "rename", "exec_start"]);

/** The command that causes an action, for the hint. */
const COMMAND: Record<string, (name: string) => string> = {
  exec_start: (name) => `docker exec ${name} …`,
  die: (name) => `docker stop ${name}`,
  create: (name) => `docker create --name ${name} …`,
  rename: (name) => `docker rename ${name} …`,
};
const commandFor = (action: string, name: string) => (COMMAND[action] ?? ((n: string) => `docker ${action} ${n}`))(name);

/**
 * The learner's commands behind a container's actions. A `docker restart` makes a stop and
 * a start of its own before its "restart" (so `restart` then `kill` is not "stop, start,
 * restart, kill"), and a stop sends a SIGTERM ("kill") first; "die" is an outcome, not a
 * command. What is left is one action per command. (A restart of a stopped container only
 * starts it: "stop, restart" then reads as one restart, the events being the same.)
 */
export function commandsOf(actions: string[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (a === "die") continue;
    // A stop's own signals (SIGTERM, then SIGKILL when ignored) come as kills just before it.
    if (a === "stop") while (out.at(-1) === "kill") out.pop();
    if (a === "restart") {
      if (out.at(-1) === "start") out.pop();
      if (out.at(-1) === "stop") out.pop();
    }
    out.push(a);
  }
  return out;
}

export const containerLifecycle: CheckKind<Params> = {
  kind: "container-lifecycle",
  triggers: ["container"],
  parse(raw) {
    const actions = stringList(raw.actions, "actions");
    for (const a of actions) if (!KNOWN.has(a)) throw new CheckParamError(`unknown action ${a}`);
    return { container: stringParam(raw.container, "container"), actions };
  },
  async run({ docker, since }, p) {
    const events = await pastEvents(docker, { type: ["container"], container: [p.container] }, since);
    if (events.length === 0) {
      return { passed: false, attempted: false, message: msg(`No container named ${p.container} yet.`, `还没有名为 ${p.container} 的容器。`) };
    }
    // Walk the learner's commands, ticking off the wanted actions in order.
    let next = 0;
    for (const action of commandsOf(events.map((e) => e.Action.split(":")[0]))) {
      if (next < p.actions.length && action === p.actions[next]) next++;
    }
    if (next === p.actions.length) {
      return {
        passed: true,
        message: msg(`${p.container} was ${p.actions.join(", ")}, in that order.`, `${p.container} 依次经历了 ${p.actions.join("、")}。`),
      };
    }
    const done = p.actions.slice(0, next);
    return {
      passed: false,
      message: msg(
        `${p.container}: ${done.length ? `done so far: ${done.join(", ")}; ` : ""}next, \`${commandFor(p.actions[next], p.container)}\`.`,
        `${p.container}：${done.length ? `已完成 ${done.join("、")}；` : ""}下一步：\`${commandFor(p.actions[next], p.container)}\`。`,
      ),
    };
  },
};
