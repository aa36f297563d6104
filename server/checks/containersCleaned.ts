// No exited containers are left, after the learner removed at least a few.
import { pastEvents } from "./daemonEvents.ts";
import { CheckParamError, isLabOwned, msg, type CheckKind } from "./types.ts";

interface Params {
  minRemoved: number;
}

export const containersCleaned: CheckKind<Params> = {
  kind: "containers-cleaned",
  triggers: ["container"],
  parse(raw) {
    const minRemoved = raw.minRemoved ?? 1;
    if (!Number.isInteger(minRemoved) || (minRemoved as number) < 1) throw new CheckParamError("minRemoved must be a whole number above 0");
    return { minRemoved: minRemoved as number };
  },
  async run({ docker, since, autoRemoved }, p) {
    const exited = (await docker.listContainers({ all: true, filters: { status: ["exited", "created", "dead"] } })).filter(
      (c) => !isLabOwned(c.Labels),
    );
    // Removals the learner made since the lesson was opened: not the lesson's own
    // containers nor a check's probes, and not those the daemon removed itself (--rm).
    const removed = (await pastEvents(docker, { type: ["container"], event: ["destroy"] }, since)).filter(
      (e) => !isLabOwned(e.Actor.Attributes) && !autoRemoved?.has(e.Actor.ID),
    ).length;
    if (exited.length > 0) {
      const names = exited.map((c) => c.Names[0]?.slice(1)).slice(0, 5).join(", ");
      return {
        passed: false,
        attempted: removed > 0,
        message: msg(
          `${exited.length} stopped container(s) are still here (${names}). Try \`docker rm $(docker ps -aq -f status=exited)\`.`,
          `还有 ${exited.length} 个已停止的容器（${names}）。试试 \`docker rm $(docker ps -aq -f status=exited)\`。`,
        ),
      };
    }
    if (removed < p.minRemoved) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          `Remove at least ${p.minRemoved} stopped containers (so far ${removed}). Run a few with \`docker run busybox true\` first.`,
          `至少删除 ${p.minRemoved} 个已停止的容器（目前 ${removed} 个）。可以先用 \`docker run busybox true\` 运行几个。`,
        ),
      };
    }
    return { passed: true, message: msg(`No stopped containers left; ${removed} removed.`, `没有已停止的容器了；共删除 ${removed} 个。`) };
  },
};
