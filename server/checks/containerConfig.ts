// Some container was started a certain way: detached (-d), interactive with a TTY (-it),
// running now. Judged from its configuration and state, not from what was typed.
import type Docker from "dockerode";
import { CheckParamError, isLabOwned, msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  running: boolean | undefined;
  detached: boolean | undefined;
  tty: boolean | undefined;
  openStdin: boolean | undefined;
}

const FLAGS = ["running", "detached", "tty", "openStdin"] as const;

function flag(raw: unknown, name: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "boolean") throw new CheckParamError(`${name} must be true or false`);
  return raw;
}

function problem(info: Docker.ContainerInspectInfo, p: Params): Localized | undefined {
  const name = info.Name.replace(/^\//, "");
  const detached = !info.Config.AttachStdout && !info.Config.AttachStderr;
  if (p.detached !== undefined && detached !== p.detached) {
    return p.detached
      ? msg(`${name} was started attached to your terminal; start one with -d.`, `${name} 是在前台启动的；请用 -d 启动一个。`)
      : msg(`${name} was started with -d.`, `${name} 是用 -d 启动的。`);
  }
  if (p.tty !== undefined && Boolean(info.Config.Tty) !== p.tty) {
    return msg(`${name} has no terminal (TTY); create one with -t (usually -it).`, `${name} 没有终端（TTY）；请用 -t（通常是 -it）创建。`);
  }
  if (p.openStdin !== undefined && Boolean(info.Config.OpenStdin) !== p.openStdin) {
    return msg(`${name} does not keep its input open; use -i (usually -it).`, `${name} 没有保持标准输入打开；请用 -i（通常是 -it）。`);
  }
  if (p.running !== undefined && info.State.Running !== p.running) {
    return p.running
      ? msg(`${name} is not running (${info.State.Status}).`, `${name} 没有在运行（${info.State.Status}）。`)
      : msg(`${name} is still running.`, `${name} 还在运行。`);
  }
  return undefined;
}

export const containerConfig: CheckKind<Params> = {
  kind: "container-config",
  triggers: ["container"],
  parse(raw) {
    const p = Object.fromEntries(FLAGS.map((f) => [f, flag(raw[f], f)])) as unknown as Params;
    if (FLAGS.every((f) => p[f] === undefined)) throw new CheckParamError(`name at least one of ${FLAGS.join(", ")}`);
    return p;
  },
  async run({ docker }, p) {
    const containers = (await docker.listContainers({ all: true }))
      .filter((c) => !isLabOwned(c.Labels))
      .sort((a, b) => b.Created - a.Created);
    if (containers.length === 0) {
      return { passed: false, attempted: false, message: msg("No container yet.", "还没有容器。") };
    }
    let first: Localized | undefined;
    for (const c of containers) {
      const info = await docker.getContainer(c.Id).inspect();
      const why = problem(info, p);
      if (!why) {
        const name = info.Name.replace(/^\//, "");
        return { passed: true, message: msg(`${name} is the container asked for.`, `${name} 正是要求的容器。`) };
      }
      first ??= why;
    }
    return { passed: false, message: first! };
  },
};
