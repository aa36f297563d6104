// A running container has a memory limit (-m), a CPU limit (--cpus) and a process limit
// (--pids-limit) in its HostConfig, and the kernel enforces them: the daemon's stats, read
// from the container's own cgroup, report the same memory and process limits.
import type Docker from "dockerode";
import { judgeLearnerContainers, nameOf } from "./containerFacts.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

interface Stats {
  memory_stats?: { limit?: number };
  pids_stats?: { limit?: number };
}

const MiB = 1024 * 1024;

/** The limits missing from a container's settings, as the flags that set them. */
export function missingLimits(host: { Memory?: number; NanoCpus?: number; CpuQuota?: number; PidsLimit?: number | null }): string[] {
  const missing: string[] = [];
  if (!(host.Memory && host.Memory > 0)) missing.push("-m");
  if (!((host.NanoCpus && host.NanoCpus > 0) || (host.CpuQuota && host.CpuQuota > 0))) missing.push("--cpus");
  if (!(host.PidsLimit && host.PidsLimit > 0)) missing.push("--pids-limit");
  return missing;
}

async function judge(docker: Docker, info: Docker.ContainerInspectInfo): Promise<{ passed: boolean; why: Localized } | undefined> {
  const name = nameOf(info);
  const host = info.HostConfig as { Memory?: number; NanoCpus?: number; CpuQuota?: number; PidsLimit?: number | null };
  const missing = missingLimits(host);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    return {
      passed: false,
      why: msg(`${name} has some limits, but not ${missing.join(", ")}: start a container with all three.`, `${name} 设置了部分限制，但缺少 ${missing.join("、")}：请启动一个三项都设置的容器。`),
    };
  }
  if (!info.State.Running) {
    return {
      passed: false,
      why: msg(
        `${name} has all three limits but is not running, so they are not in force: its main process must keep running (e.g. \`sleep 3600\`).`,
        `${name} 设置了三项限制，但没有在运行，所以限制并未生效：它的主进程必须一直运行（比如 \`sleep 3600\`）。`,
      ),
    };
  }
  const stats = (await docker.getContainer(info.Id).stats({ stream: false, "one-shot": true } as { stream: false })) as unknown as Stats;
  const memory = stats.memory_stats?.limit;
  const pids = stats.pids_stats?.limit;
  if (memory !== host.Memory || pids !== host.PidsLimit) {
    return {
      passed: false,
      why: msg(
        `${name}'s settings ask for ${host.Memory! / MiB} MiB and ${host.PidsLimit} processes, but its cgroup says ${memory === undefined ? "?" : Math.round(memory / MiB)} MiB and ${pids ?? "?"} processes.`,
        `${name} 的设置要求 ${host.Memory! / MiB} MiB 内存和 ${host.PidsLimit} 个进程，但它的 cgroup 里是 ${memory === undefined ? "?" : Math.round(memory / MiB)} MiB 和 ${pids ?? "?"} 个进程。`,
      ),
    };
  }
  const cpus = host.NanoCpus ? host.NanoCpus / 1e9 : (host.CpuQuota ?? 0) / ((info.HostConfig as { CpuPeriod?: number }).CpuPeriod || 100_000);
  return {
    passed: true,
    why: msg(
      `${name} runs with ${Math.round(host.Memory! / MiB)} MiB of memory, ${cpus} CPU and at most ${host.PidsLimit} processes, and its cgroup enforces them.`,
      `${name} 运行时最多使用 ${Math.round(host.Memory! / MiB)} MiB 内存、${cpus} 个 CPU、${host.PidsLimit} 个进程，它的 cgroup 正在执行这些限制。`,
    ),
  };
}

export const limitsInForce: CheckKind<Params> = {
  kind: "limits-in-force",
  triggers: ["container"],
  parse() {
    return {};
  },
  run({ docker, since }) {
    return judgeLearnerContainers(docker, since, (info) => judge(docker, info), msg("No container with resource limits yet: use `-m`, `--cpus` and `--pids-limit`.", "还没有设置资源限制的容器：请用 `-m`、`--cpus` 和 `--pids-limit`。"));
  },
};
