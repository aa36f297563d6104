// A container with a health check (--health-cmd) that Docker found healthy: State.Health
// says so now, or the daemon's health_status event said so since the lesson opened.
import type Docker from "dockerode";
import { judgeLearnerContainers, nameOf } from "./containerFacts.ts";
import { pastEvents } from "./daemonEvents.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

/**
 * Whether a health check asks a server something (wget, curl, nc) and lets its failure
 * show: `--health-cmd true`, or a request followed by `|| true`, is healthy whatever the
 * server does, so it reports nothing.
 */
export function healthCommandProbes(test: readonly string[]): boolean {
  const command = test[0] === "CMD-SHELL" || test[0] === "CMD" ? test.slice(1).join(" ") : test.join(" ");
  if (!/(^|[\s;&|(])(wget|curl|nc)\s/.test(command)) return false;
  return !/(\|\||;)\s*(true|:|exit\s+0)\s*$/.test(command.trim());
}

type Health = { Status?: string; FailingStreak?: number; Log?: { ExitCode?: number; Output?: string }[] };

async function judge(docker: Docker, info: Docker.ContainerInspectInfo, since: number | undefined): Promise<{ passed: boolean; why: Localized } | undefined> {
  const name = nameOf(info);
  const test = info.Config.Healthcheck?.Test ?? [];
  if (test.length === 0 || test[0] === "NONE") return undefined;
  if (!healthCommandProbes(test)) {
    return {
      passed: false,
      why: msg(
        `${name}'s health check (\`${test.slice(1).join(" ")}\`) does not ask the server anything, or hides its failure: let it fetch a page, e.g. \`wget -q --spider http://localhost/hostname\`.`,
        `${name} 的健康检查（\`${test.slice(1).join(" ")}\`）没有向服务器请求任何东西，或者把失败掩盖掉了：让它去取一个页面，比如 \`wget -q --spider http://localhost/hostname\`。`,
      ),
    };
  }
  const health = (info.State as { Health?: Health }).Health;
  const wasHealthy = async () =>
    (await pastEvents(docker, { type: ["container"], container: [info.Id], event: ["health_status"] }, since)).some((e) => e.Action === "health_status: healthy");
  if (health?.Status === "healthy" || (await wasHealthy())) {
    return { passed: true, why: msg(`Docker found ${name} healthy.`, `Docker 认定 ${name} 是健康的（healthy）。`) };
  }
  if (!info.State.Running) {
    return {
      passed: false,
      why: msg(
        `${name} has a health check, but it stopped before it was found healthy: its main process must keep running.`,
        `${name} 有健康检查，但它在被认定健康之前就停止了：它的主进程必须一直运行。`,
      ),
    };
  }
  if (health?.Status === "unhealthy") {
    const last = health.Log?.at(-1);
    const out = last?.Output?.trim().split("\n")[0]?.slice(0, 80);
    return {
      passed: false,
      why: msg(
        `${name} is unhealthy: its check failed ${health.FailingStreak ?? ""} time(s) in a row (exit code ${last?.ExitCode ?? "?"}${out ? `, "${out}"` : ""}). Fix the command given to --health-cmd and start a new container.`,
        `${name} 的状态是 unhealthy：健康检查连续失败了 ${health.FailingStreak ?? ""} 次（退出码 ${last?.ExitCode ?? "?"}${out ? `，"${out}"` : ""}）。改好 --health-cmd 的命令，再启动一个新容器。`,
      ),
    };
  }
  return {
    passed: false,
    why: msg(
      `${name} has a health check and is still starting: wait for the first checks (\`docker ps\` shows "(healthy)" when it is done).`,
      `${name} 有健康检查，目前还处在 starting 状态：等前几次检查完成（\`docker ps\` 显示 "(healthy)" 就好了）。`,
    ),
  };
}

export const containerHealthy: CheckKind<Params> = {
  kind: "container-healthy",
  triggers: ["container"],
  parse() {
    return {};
  },
  run({ docker, since }) {
    return judgeLearnerContainers(docker, since, (info) => judge(docker, info, since), msg("No container with a health check yet: use `--health-cmd`.", "还没有带健康检查的容器：请用 `--health-cmd`。"));
  },
};
