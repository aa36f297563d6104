// A container has a folder of the box bind-mounted read-only (Mounts: Type bind, RW false),
// and a write into it was refused: the container's own log says "Read-only file system", or
// a docker exec that writes into the mount ended in failure (its exec_die exit code).
import type Docker from "dockerode";
import { judgeLearnerContainers, nameOf, outputSince } from "./containerFacts.ts";
import { pastEvents } from "./daemonEvents.ts";
import { commandWrites } from "./shellWrites.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

type MountInfo = { Type?: string; Source?: string; Destination: string; RW?: boolean; Name?: string };

const mountsOf = (info: Docker.ContainerInspectInfo): MountInfo[] => (info.Mounts ?? []) as MountInfo[];

/** A docker exec that tried to write into `dest` and failed. */
async function refusedExec(docker: Docker, id: string, dest: string, since: number | undefined): Promise<string | undefined> {
  const events = await pastEvents(docker, { type: ["container"], container: [id], event: ["exec_start", "exec_die"] }, since);
  const exitOf = new Map(events.filter((e) => e.Action === "exec_die").map((e) => [e.Actor.Attributes.execID, e.Actor.Attributes.exitCode]));
  for (const e of events) {
    if (!e.Action.startsWith("exec_start")) continue;
    const command = e.Action.replace(/^exec_start:\s*/, "");
    const code = exitOf.get(e.Actor.Attributes.execID);
    if (commandWrites(command) && command.includes(dest) && code !== undefined && code !== "0") return command;
  }
  return undefined;
}

async function judge(docker: Docker, info: Docker.ContainerInspectInfo, since: number | undefined): Promise<{ passed: boolean; why: Localized } | undefined> {
  const name = nameOf(info);
  const binds = mountsOf(info).filter((m) => m.Type === "bind");
  const ro = binds.find((m) => m.RW === false);
  if (!ro) {
    if (binds.length > 0) {
      return {
        passed: false,
        why: msg(
          `${name} bind-mounts ${binds[0].Source} writable: add :ro, e.g. \`-v "$PWD/site:/site:ro"\`.`,
          `${name} 绑定挂载的 ${binds[0].Source} 是可写的：请加上 :ro，比如 \`-v "$PWD/site:/site:ro"\`。`,
        ),
      };
    }
    const roVolume = mountsOf(info).find((m) => m.Type === "volume" && m.RW === false);
    if (roVolume) {
      return {
        passed: false,
        why: msg(
          `${name} mounts the volume ${roVolume.Name} read-only; this exercise wants a folder of your box (a bind mount: a path starting with / on the left of the colon).`,
          `${name} 以只读方式挂载的是卷 ${roVolume.Name}；这个练习要的是沙箱里的一个目录（绑定挂载：冒号左边是以 / 开头的路径）。`,
        ),
      };
    }
    return undefined;
  }
  const log = await outputSince(docker, info, since);
  // The kernel's refusal names the path it refused, under the mount's destination.
  if (log.split(/\r?\n/).some((line) => line.includes(ro.Destination) && /: Read-only file system\s*$/.test(line))) {
    return {
      passed: true,
      why: msg(`${name} has ${ro.Source} mounted read-only at ${ro.Destination}, and a write there was refused.`, `${name} 把 ${ro.Source} 以只读方式挂载到 ${ro.Destination}，往里写被拒绝了。`),
    };
  }
  const exec = await refusedExec(docker, info.Id, ro.Destination, since);
  if (exec) {
    return {
      passed: true,
      why: msg(
        `${name} has ${ro.Source} mounted read-only at ${ro.Destination}, and \`${exec}\` failed there.`,
        `${name} 把 ${ro.Source} 以只读方式挂载到 ${ro.Destination}，\`${exec}\` 在那里失败了。`,
      ),
    };
  }
  return {
    passed: false,
    why: msg(
      `${name} has ${ro.Source} mounted read-only at ${ro.Destination}. Now try to write there, e.g. \`touch ${ro.Destination}/new.txt\`, and see it refused.`,
      `${name} 把 ${ro.Source} 以只读方式挂载到了 ${ro.Destination}。现在试着往里写，比如 \`touch ${ro.Destination}/new.txt\`，看它被拒绝。`,
    ),
  };
}

export const bindMountReadOnly: CheckKind<Params> = {
  kind: "bind-mount-readonly",
  triggers: ["container", "output"],
  parse() {
    return {};
  },
  run({ docker, since }) {
    return judgeLearnerContainers(docker, since, (info) => judge(docker, info, since), msg("No container with a bind mount yet: mount a folder of your box with `-v /path:/path:ro`.", "还没有带绑定挂载的容器：用 `-v /路径:/路径:ro` 把沙箱里的一个目录挂载进去。"));
  },
};
