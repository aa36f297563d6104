// A Compose project of the learner's own is up: at least two services running, on a network
// the compose file declares (not only the project's default one), with a volume it declares
// mounted. Read from the labels Compose puts on containers, networks and volumes.
import type Docker from "dockerode";
import { composeProjects, NETWORK, PROJECT, VOLUME, type ComposeProject } from "./composeLabels.ts";
import { CheckParamError, msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  minServices: number;
}

async function judge(docker: Docker, project: ComposeProject, p: Params): Promise<{ passed: boolean; why: Localized }> {
  const name = project.name;
  const running = project.containers.filter((c) => c.State === "running");
  // In name order: the engine lists containers newest first, which two grades need not agree on.
  const runningServices = [...new Set(running.map((c) => c.Labels["com.docker.compose.service"]))].sort();
  if (runningServices.length < p.minServices) {
    return {
      passed: false,
      why: msg(
        `Project ${name} has ${runningServices.length} service(s) running (${runningServices.join(", ") || "none"}); it needs ${p.minServices}. \`docker compose ps -a\` and \`docker compose logs\` show what stopped.`,
        `项目 ${name} 只有 ${runningServices.length} 个服务在运行（${runningServices.join("、") || "无"}），需要 ${p.minServices} 个。\`docker compose ps -a\` 和 \`docker compose logs\` 能看出哪个停了、为什么。`,
      ),
    };
  }
  const networks = (await docker.listNetworks({ filters: { label: [`${PROJECT}=${name}`] } })).filter((n) => n.Labels?.[NETWORK] && n.Labels[NETWORK] !== "default");
  const onDeclared = networks.find((n) => running.filter((c) => Object.values(c.NetworkSettings?.Networks ?? {}).some((ep) => ep.NetworkID === n.Id)).length >= 2);
  if (!onDeclared) {
    return {
      passed: false,
      why: msg(
        `Project ${name} is up, but its services do not share a network declared in the file: add a top-level \`networks:\` entry and list it under both services.`,
        `项目 ${name} 已经启动，但它的服务没有共用一个在文件里声明的网络：请在顶层加上 \`networks:\`，并在两个服务下都列出它。`,
      ),
    };
  }
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${PROJECT}=${name}`] } });
  const declared = new Set((Volumes ?? []).filter((v) => v.Labels?.[VOLUME]).map((v) => v.Name));
  const mounted = running.some((c) => (c.Mounts ?? []).some((m) => m.Type === "volume" && declared.has(m.Name ?? "")));
  if (!mounted) {
    return {
      passed: false,
      why: msg(
        `Project ${name} is up, but no service mounts a volume declared in the file: add a top-level \`volumes:\` entry and mount it in a service (\`- site:/srv\`).`,
        `项目 ${name} 已经启动，但没有服务挂载文件里声明的卷：请在顶层加上 \`volumes:\`，并在服务里挂载它（\`- site:/srv\`）。`,
      ),
    };
  }
  return {
    passed: true,
    why: msg(
      `Project ${name} is up: ${runningServices.join(", ")} on network ${onDeclared.Name}, with a volume of its own.`,
      `项目 ${name} 已经启动：${runningServices.join("、")} 在网络 ${onDeclared.Name} 上，还有它自己的卷。`,
    ),
  };
}

export const composeUp: CheckKind<Params> = {
  kind: "compose-up",
  triggers: ["container", "network", "volume"],
  parse(raw) {
    const minServices = raw.minServices ?? 2;
    if (!Number.isInteger(minServices) || (minServices as number) < 1) throw new CheckParamError("minServices must be a whole number above 0");
    return { minServices: minServices as number };
  },
  async run({ docker, since }, p) {
    const projects = await composeProjects(docker, since);
    if (projects.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg("No Compose project yet: write compose.yaml, then `docker compose up -d`.", "还没有 Compose 项目：先写好 compose.yaml，再运行 `docker compose up -d`。"),
      };
    }
    let first: Localized | undefined;
    for (const project of projects) {
      const r = await judge(docker, project, p);
      if (r.passed) return { passed: true, message: r.why };
      first ??= r.why;
    }
    return { passed: false, message: first! };
  },
};
