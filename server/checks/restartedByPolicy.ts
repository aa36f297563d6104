// A restart policy really restarted a container. The daemon counts only its own restarts in
// RestartCount (a `docker start` or `docker restart` by hand sets nothing there), so a count
// above zero is the daemon's restart manager at work.
import type Docker from "dockerode";
import { judgeLearnerContainers, nameOf } from "./containerFacts.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

function judge(info: Docker.ContainerInspectInfo): { passed: boolean; why: Localized } | undefined {
  const name = nameOf(info);
  const policy = info.HostConfig.RestartPolicy?.Name ?? "";
  const count = (info as { RestartCount?: number }).RestartCount ?? 0;
  if (!policy || policy === "no") return undefined;
  if (count > 0) {
    return {
      passed: true,
      why: msg(`Docker restarted ${name} ${count} time(s), as its policy ${policy} says.`, `Docker 按照重启策略 ${policy} 把 ${name} 重启了 ${count} 次。`),
    };
  }
  if (info.State.Running) {
    return {
      passed: false,
      why: msg(
        `${name} has the policy ${policy}, but its main process has not ended yet, so there was nothing to restart. Use one that fails after a moment, e.g. \`sh -c 'sleep 2; exit 3'\`.`,
        `${name} 设置了重启策略 ${policy}，但它的主进程还没结束，所以没什么可重启的。换一个过一会儿就失败的命令，比如 \`sh -c 'sleep 2; exit 3'\`。`,
      ),
    };
  }
  return {
    passed: false,
    why: msg(
      `${name} has the policy ${policy} but was not restarted (it exited with ${info.State.ExitCode}${policy === "on-failure" && info.State.ExitCode === 0 ? ", and on-failure restarts only on a non-zero code" : ""}). A docker start or docker restart by hand does not count.`,
      `${name} 设置了重启策略 ${policy}，却没有被重启（退出码 ${info.State.ExitCode}${policy === "on-failure" && info.State.ExitCode === 0 ? "，而 on-failure 只在退出码不为 0 时重启" : ""}）。手动 docker start 或 docker restart 不算。`,
    ),
  };
}

export const restartedByPolicy: CheckKind<Params> = {
  kind: "restarted-by-policy",
  triggers: ["container"],
  parse() {
    return {};
  },
  run({ docker, since }) {
    return judgeLearnerContainers(docker, since, (info) => judge(info), msg("No container with a restart policy yet: use `--restart on-failure`.", "还没有设置重启策略的容器：请用 `--restart on-failure`。"));
  },
};
