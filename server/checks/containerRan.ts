// A container of the learner's image ran to the end: exited with the expected code and
// printed a line beginning with the expected text. Optionally its image must also be the
// FROM-scratch build asked for, so a busybox-based image that prints the same text fails.
import { containerOutput } from "./logs.ts";
import { findImages, repositoryPattern, scratchImageProblem, stringList, stringParam } from "./imageMatch.ts";
import { CheckParamError, msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  repository: string;
  pattern: RegExp;
  exitCode: number;
  outputStartsWith: string | undefined;
  /** When set, the container's image must be a one-layer FROM-scratch build with this CMD. */
  scratchCmd: string[] | undefined;
}

export const containerRan: CheckKind<Params> = {
  kind: "container-ran",
  triggers: ["container", "image"],
  parse(raw) {
    const repository = stringParam(raw.repository, "repository");
    const exitCode = raw.exitCode ?? 0;
    if (!Number.isInteger(exitCode)) throw new CheckParamError("exitCode must be a whole number");
    return {
      repository,
      pattern: repositoryPattern(repository),
      exitCode: exitCode as number,
      outputStartsWith: raw.outputStartsWith === undefined ? undefined : stringParam(raw.outputStartsWith, "outputStartsWith"),
      scratchCmd: raw.fromScratchWithCmd === undefined ? undefined : stringList(raw.fromScratchWithCmd, "fromScratchWithCmd"),
    };
  },
  async run({ docker }, p) {
    const images = await findImages(docker, p.pattern);
    if (images.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(`No image named ${p.repository} yet: build it first.`, `还没有名为 ${p.repository} 的镜像：请先构建它。`),
      };
    }
    const byId = new Map(images.map((i) => [i.id, i.tags[0]]));
    const containers = (await docker.listContainers({ all: true }))
      .filter((c) => byId.has(c.ImageID))
      .sort((a, b) => b.Created - a.Created);
    if (containers.length === 0) {
      const name = images[0].tags[0].replace(/:latest$/, "");
      return {
        passed: false,
        attempted: false,
        message: msg(
          `No container of ${name} has run yet. Try \`docker run ${name}\` (without --rm: a removed container leaves nothing to check).`,
          `${name} 还没有运行过容器。试试 \`docker run ${name}\`（不要加 --rm：被删除的容器无法检查）。`,
        ),
      };
    }
    let firstProblem: Localized | undefined;
    for (const c of containers) {
      const problem = await judgeContainer(docker, c.Id, byId.get(c.ImageID)!, p);
      if (!problem) {
        return {
          passed: true,
          message: msg(
            `Container ${c.Names[0]?.slice(1)} of ${byId.get(c.ImageID)} printed "${p.outputStartsWith ?? ""}…" and exited with code ${p.exitCode}.`,
            `${byId.get(c.ImageID)} 的容器 ${c.Names[0]?.slice(1)} 打印了 "${p.outputStartsWith ?? ""}…"，并以退出码 ${p.exitCode} 结束。`,
          ),
        };
      }
      firstProblem ??= problem;
    }
    return { passed: false, message: firstProblem! };
  },
};

async function judgeContainer(docker: import("dockerode"), id: string, image: string, p: Params): Promise<Localized | undefined> {
  const info = await docker.getContainer(id).inspect();
  const name = info.Name.replace(/^\//, "");
  if (info.State.Running) {
    return msg(`Container ${name} is still running; wait for it to finish.`, `容器 ${name} 还在运行，请等它结束。`);
  }
  if (!info.State.StartedAt || info.State.StartedAt.startsWith("0001-")) {
    return msg(`Container ${name} was created but never started.`, `容器 ${name} 创建了但从未启动。`);
  }
  if (info.State.ExitCode !== p.exitCode) {
    return msg(
      `Container ${name} exited with code ${info.State.ExitCode}; it must exit with ${p.exitCode}. Does main() return ${p.exitCode}?`,
      `容器 ${name} 的退出码是 ${info.State.ExitCode}，应该是 ${p.exitCode}。main() 返回的是 ${p.exitCode} 吗？`,
    );
  }
  if (p.scratchCmd) {
    const problem = await scratchImageProblem(docker, info.Image, image, p.scratchCmd);
    if (problem) return problem;
  }
  if (p.outputStartsWith !== undefined) {
    const out = await containerOutput(docker, id, Boolean(info.Config.Tty));
    const want = p.outputStartsWith.toLowerCase();
    if (!out.split(/\r?\n/).some((line) => line.trim().toLowerCase().startsWith(want))) {
      const first = out.split(/\r?\n/).find((l) => l.trim()) ?? "";
      return msg(
        `Container ${name} printed ${first ? `"${first.trim().slice(0, 60)}"` : "nothing"}; a line must begin with "${p.outputStartsWith}".`,
        `容器 ${name} 输出的是 ${first ? `"${first.trim().slice(0, 60)}"` : "空"}；需要有一行以 "${p.outputStartsWith}" 开头。`,
      );
    }
  }
  return undefined;
}
