// A named volume outlived the container that wrote into it: the daemon's volume events show
// a container mount it and then be removed, and only after that a NEW container mount it
// and print what is there (its log). The reader must not have written the data itself, and
// no container still here may have written it: the data can only have come from one that
// is gone. Only what happened since the lesson opened counts.
import type Docker from "dockerode";
import { commandLine, nameOf, outputSince } from "./containerFacts.ts";
import { pastEvents, type DaemonEvent } from "./daemonEvents.ts";
import { commandWrites } from "./shellWrites.ts";
import { LESSON_SETUP_LABEL, msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

/** Docker names a volume made without a name (`-v /data`) with 64 hex digits. */
export const isAnonymousVolume = (name: string): boolean => /^[0-9a-f]{64}$/.test(name);

interface Mount {
  volume: string;
  container: string;
  timeNano: number;
}

const mountsOf = (events: DaemonEvent[]): Mount[] =>
  events.map((e) => ({ volume: e.Actor.ID, container: e.Actor.Attributes?.container ?? "", timeNano: e.timeNano }));

async function execCommands(docker: Docker, id: string, since: number | undefined): Promise<string[]> {
  const execs = await pastEvents(docker, { type: ["container"], container: [id], event: ["exec_start"] }, since);
  return execs.map((e) => e.Action.replace(/^exec_start:\s*/, ""));
}

async function judgeVolume(
  docker: Docker,
  volume: string,
  mounts: Mount[],
  destroyedAt: Map<string, number>,
  since: number | undefined,
): Promise<{ passed: boolean; why: Localized }> {
  const firstMount = new Map<string, number>();
  for (const m of mounts) if (!firstMount.has(m.container)) firstMount.set(m.container, m.timeNano);
  const live = new Map<string, Docker.ContainerInspectInfo>();
  for (const id of firstMount.keys()) {
    const info = await docker.getContainer(id).inspect().catch(() => undefined);
    if (info && !info.Config.Labels?.[LESSON_SETUP_LABEL]) live.set(id, info);
  }
  const gone = [...firstMount.keys()].filter((id) => destroyedAt.has(id));
  if (gone.length === 0) {
    const names = [...live.values()].map(nameOf).join(", ");
    return {
      passed: false,
      why: msg(
        `Volume ${volume} is used by ${names || "a container"}, but no container that used it has been removed yet: remove the one that wrote into it (\`docker rm NAME\`), then read the data from a new container.`,
        `卷 ${volume} 被 ${names || "一个容器"} 用过，但用过它的容器还没有一个被删除：先删掉写入数据的那个（\`docker rm 名字\`），再从一个新容器里读出数据。`,
      ),
    };
  }
  const firstGone = Math.min(...gone.map((id) => destroyedAt.get(id)!));
  // Readers: containers still here that first mounted the volume after a writer was removed.
  const readers = [...live.values()].filter((info) => firstMount.get(info.Id)! > firstGone).sort((a, b) => firstMount.get(b.Id)! - firstMount.get(a.Id)!);
  if (readers.length === 0) {
    return {
      passed: false,
      why: msg(
        `A container that used volume ${volume} is gone. Now read the data in a NEW container that mounts ${volume} (without --rm, so that its output stays to be read), e.g. \`docker run --name reader -v ${volume}:/data busybox cat /data/FILE\`.`,
        `用过卷 ${volume} 的一个容器已经删除了。现在用一个挂载 ${volume} 的新容器读出数据（不要加 --rm，好让它的输出留下来），比如 \`docker run --name reader -v ${volume}:/data busybox cat /data/文件\`。`,
      ),
    };
  }
  let first: Localized | undefined;
  for (const reader of readers) {
    const name = nameOf(reader);
    // Anyone who used the volume before the reader and is still here must not have written.
    const before = [...live.values()].filter((c) => c.Id === reader.Id || firstMount.get(c.Id)! < firstMount.get(reader.Id)!);
    let writer: string | undefined;
    for (const c of before) {
      const commands = [commandLine(c), ...(await execCommands(docker, c.Id, since))];
      if (commands.some(commandWrites)) writer = nameOf(c);
    }
    if (writer) {
      first ??=
        writer === name
          ? msg(
              `${name} wrote into ${volume} itself; the data must come from a container that is gone. Let ${name} only read, e.g. \`cat /data/FILE\`.`,
              `${name} 自己往 ${volume} 里写了数据；数据必须来自一个已经删除的容器。让 ${name} 只负责读，比如 \`cat /data/文件\`。`,
            )
          : msg(
              `${writer} wrote into ${volume} and is still here: the data must come from a container that is gone. Remove it, and read again from a new container.`,
              `${writer} 往 ${volume} 里写过数据，而且它还在：数据必须来自一个已经删除的容器。删掉它，再用一个新容器读一次。`,
            );
      continue;
    }
    if (reader.State.Running === false && reader.State.ExitCode !== 0) {
      first ??= msg(
        `${name} mounted ${volume} but exited with code ${reader.State.ExitCode}: did it read a file that is there? \`docker logs ${name}\` shows what went wrong.`,
        `${name} 挂载了 ${volume}，但退出码是 ${reader.State.ExitCode}：它读的文件存在吗？\`docker logs ${name}\` 能看到出了什么错。`,
      );
      continue;
    }
    const printed = (await outputSince(docker, reader, since)).trim();
    if (!printed) {
      first ??= msg(
        `${name} mounted ${volume} but printed nothing: print the file, e.g. with \`cat\`.`,
        `${name} 挂载了 ${volume}，却什么也没打印：请把文件打印出来，比如用 \`cat\`。`,
      );
      continue;
    }
    return {
      passed: true,
      why: msg(
        `${volume} outlived the container that wrote into it, and ${name} read it: "${printed.split("\n")[0].slice(0, 60)}".`,
        `${volume} 比写入它的容器活得更久，${name} 读到了其中的数据："${printed.split("\n")[0].slice(0, 60)}"。`,
      ),
    };
  }
  return { passed: false, why: first! };
}

export const volumeOutlived: CheckKind<Params> = {
  kind: "volume-outlived",
  triggers: ["container", "volume", "output"],
  parse() {
    return {};
  },
  async run({ docker, since }) {
    const mounts = mountsOf(await pastEvents(docker, { type: ["volume"], event: ["mount"] }, since));
    const named = mounts.filter((m) => !isAnonymousVolume(m.volume));
    if (named.length === 0) {
      return mounts.length > 0
        ? {
            passed: false,
            message: msg(
              "Your containers used only anonymous volumes (`-v /data`), which have no name to find them again by. Give the volume a name: `-v notes:/data`.",
              "你的容器只用了匿名卷（`-v /data`），它们没有名字，之后找不回来。给卷起个名字：`-v notes:/data`。",
            ),
          }
        : {
            passed: false,
            attempted: false,
            message: msg("No container has mounted a named volume yet.", "还没有容器挂载过具名卷。"),
          };
    }
    const destroyed = await pastEvents(docker, { type: ["container"], event: ["destroy"] }, since);
    const destroyedAt = new Map(destroyed.map((e) => [e.Actor.ID, e.timeNano]));
    const volumes = [...new Set(named.map((m) => m.volume))].reverse();
    let first: Localized | undefined;
    for (const v of volumes) {
      const r = await judgeVolume(docker, v, named.filter((m) => m.volume === v), destroyedAt, since);
      if (r.passed) return { passed: true, message: r.why };
      first ??= r.why;
    }
    return { passed: false, message: first! };
  },
};
