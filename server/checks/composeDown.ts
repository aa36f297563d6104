// `docker compose down` took a project away: the daemon's events since the lesson opened
// show its containers destroyed (their events carry Compose's labels) and its network
// destroyed, and nothing of the project's is left running or stopped.
import type Docker from "dockerode";
import { madeByCompose, PROJECT, SERVICE } from "./composeLabels.ts";
import { pastEvents } from "./daemonEvents.ts";
import { CheckParamError, msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  minServices: number;
}

async function judge(docker: Docker, project: string, services: string[], since: number | undefined, p: Params): Promise<{ passed: boolean; why: Localized }> {
  const left = await docker.listContainers({ all: true, filters: { label: [`${PROJECT}=${project}`] } });
  if (left.length > 0) {
    return {
      passed: false,
      why: msg(
        `Containers of project ${project} are still here (${left.map((c) => c.Names[0]?.slice(1)).join(", ")}): run \`docker compose down\` in the project's folder.`,
        `项目 ${project} 还有容器留着（${left.map((c) => c.Names[0]?.slice(1)).join("、")}）：请在项目目录里运行 \`docker compose down\`。`,
      ),
    };
  }
  if (services.length < p.minServices) {
    return {
      passed: false,
      why: msg(
        `Project ${project} had only ${services.join(", ")} to take down; bring up one with ${p.minServices} services first.`,
        `项目 ${project} 被移除的只有 ${services.join("、")}；请先启动一个有 ${p.minServices} 个服务的项目。`,
      ),
    };
  }
  // A network's destroy event carries no labels: the project's default and declared networks
  // are named PROJECT_…; one given its own `name:` is recognised by being gone with the rest.
  const firstGone = Math.min(...(await pastEvents(docker, { type: ["container"], event: ["destroy"], label: [`${PROJECT}=${project}`] }, since)).map((e) => e.timeNano));
  const netEvents = await pastEvents(docker, { type: ["network"], event: ["destroy"] }, since);
  const byPrefix = netEvents.filter((e) => e.Actor.Attributes?.name?.startsWith(`${project}_`));
  const destroyedNets = byPrefix.length ? byPrefix : netEvents.filter((e) => e.timeNano >= firstGone);
  const netsLeft = await docker.listNetworks({ filters: { label: [`${PROJECT}=${project}`] } });
  if (destroyedNets.length === 0 || netsLeft.length > 0) {
    return {
      passed: false,
      why: msg(
        `The containers of project ${project} are gone, but not its network${netsLeft.length ? ` (${netsLeft.map((n) => n.Name).join(", ")})` : ""}: \`docker compose down\` removes both.`,
        `项目 ${project} 的容器已经没了，但它的网络${netsLeft.length ? `（${netsLeft.map((n) => n.Name).join("、")}）` : ""}还在：\`docker compose down\` 会把两者一起删掉。`,
      ),
    };
  }
  const nets = [...new Set(destroyedNets.map((e) => e.Actor.Attributes.name))];
  return {
    passed: true,
    why: msg(
      `Project ${project} was taken down: ${services.join(", ")} and network ${nets.join(", ")} removed.`,
      `项目 ${project} 已经移除：${services.join("、")} 和网络 ${nets.join("、")} 都删掉了。`,
    ),
  };
}

export const composeDown: CheckKind<Params> = {
  kind: "compose-down",
  triggers: ["container", "network"],
  parse(raw) {
    const minServices = raw.minServices ?? 2;
    if (!Number.isInteger(minServices) || (minServices as number) < 1) throw new CheckParamError("minServices must be a whole number above 0");
    return { minServices: minServices as number };
  },
  async run({ docker, since }, p) {
    const destroyed = (await pastEvents(docker, { type: ["container"], event: ["destroy"] }, since)).filter((e) => madeByCompose(e.Actor.Attributes));
    if (destroyed.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg("No Compose project has been taken down yet: `docker compose down` in its folder.", "还没有移除过 Compose 项目：在项目目录里运行 `docker compose down`。"),
      };
    }
    const services = new Map<string, Set<string>>();
    for (const e of destroyed) {
      const project = e.Actor.Attributes[PROJECT];
      services.set(project, (services.get(project) ?? new Set()).add(e.Actor.Attributes[SERVICE]));
    }
    let first: Localized | undefined;
    for (const [project, s] of [...services].reverse()) {
      const r = await judge(docker, project, [...s].sort(), since, p);
      if (r.passed) return { passed: true, message: r.why };
      first ??= r.why;
    }
    return { passed: false, message: first! };
  },
};
