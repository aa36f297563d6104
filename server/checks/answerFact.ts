// The learner reads a fact off their own daemon (API version, a container's IP …) and
// types it; it is right only if it equals what the daemon says now.
import type Docker from "dockerode";
import { containerChanges } from "./containerChanges.ts";
import { madeByCompose, SERVICE } from "./composeLabels.ts";
import { containerOutput } from "./logs.ts";
import { stringParam } from "./imageMatch.ts";
import { AnswerError, CheckParamError, isLabOwned, LESSON_SETUP_LABEL, msg, type CheckContext, type CheckKind, type Localized } from "./types.ts";

const FACTS = ["api-version", "dockerd-pid", "container-ip", "container-pid", "image-layers", "logs-secret", "added-file", "compose-container"] as const;
type Fact = (typeof FACTS)[number];

interface Params {
  fact: Fact;
  image: string | undefined;
  container: string | undefined;
  pattern: RegExp | undefined;
  /** compose-container: the service whose container's name is asked for. */
  service: string | undefined;
}

/** The lesson's set-up container, or a sentence saying why it cannot be read. */
async function setupContainer(docker: Docker, name: string): Promise<Docker.ContainerInspectInfo | Localized> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch {
    return msg(`There is no container named ${name}: reload the page and Shiplab starts it again.`, `没有名为 ${name} 的容器：刷新页面，Shiplab 会重新启动它。`);
  }
  // A container the learner made under that name holds files they chose: its changes would
  // answer a question they wrote themselves.
  if (!info.Config.Labels?.[LESSON_SETUP_LABEL]) {
    return msg(
      `This ${name} is a container of your own, not the one Shiplab started for this lesson: remove it with \`docker rm -f ${name}\`, then reload the page.`,
      `这个 ${name} 是你自己建的容器，不是 Shiplab 为本课启动的那个：用 \`docker rm -f ${name}\` 删掉它，再刷新页面。`,
    );
  }
  return info;
}

const MAX_ANSWER = 200;

async function runningContainers(docker: Docker): Promise<Docker.ContainerInspectInfo[]> {
  const list = (await docker.listContainers()).filter((c) => !isLabOwned(c.Labels));
  return Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
}

/** Every value that counts as right, or a sentence saying why none can be known. */
async function rightAnswers(ctx: CheckContext, p: Params): Promise<string[] | Localized> {
  const { docker } = ctx;
  switch (p.fact) {
    case "api-version":
      return [(await docker.version()).ApiVersion];
    case "dockerd-pid":
      if (!ctx.box) return msg("This exercise can only be checked in a Shiplab box.", "这个练习只能在 Shiplab 沙箱里检查。");
      return (await ctx.box.dockerdPids()).map(String);
    case "container-ip": {
      const ips = (await runningContainers(docker)).flatMap((c) => [
        c.NetworkSettings.IPAddress,
        ...Object.values(c.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress),
      ]);
      const found = ips.filter(Boolean);
      return found.length ? found : msg("No container is running: start one with `docker run -d …` first.", "没有正在运行的容器：请先用 `docker run -d …` 启动一个。");
    }
    case "container-pid": {
      const pids = (await runningContainers(docker)).map((c) => String(c.State.Pid)).filter((x) => x !== "0");
      return pids.length ? pids : msg("No container is running: start one with `docker run -d …` first.", "没有正在运行的容器：请先用 `docker run -d …` 启动一个。");
    }
    case "image-layers":
      try {
        return [String((await docker.getImage(p.image!).inspect()).RootFS?.Layers?.length ?? 0)];
      } catch {
        return msg(`There is no image ${p.image} in your box yet: pull it first.`, `你的沙箱里还没有镜像 ${p.image}：请先拉取。`);
      }
    case "compose-container": {
      // The names Compose gave the running containers of that service (in any project).
      const names = (await docker.listContainers())
        .filter((c) => madeByCompose(c.Labels) && c.Labels[SERVICE] === p.service)
        .map((c) => c.Names[0]?.replace(/^\//, ""))
        .filter((n): n is string => Boolean(n));
      return names.length
        ? names
        : msg(
            `No container of a Compose service named ${p.service} is running: \`docker compose up -d\` first.`,
            `没有名为 ${p.service} 的 Compose 服务的容器在运行：请先 \`docker compose up -d\`。`,
          );
    }
    case "logs-secret": {
      let info;
      try {
        info = await docker.getContainer(p.container!).inspect();
      } catch {
        return msg(`There is no container named ${p.container}: start it with the command in the lesson.`, `没有名为 ${p.container} 的容器：请用课文里的命令启动它。`);
      }
      // The secret is printed as the container starts: read its first minute, however long
      // it has run since (its last lines would lose the secret after a quarter of an hour).
      const started = Math.floor(Date.parse(info.State.StartedAt) / 1000);
      const out = await containerOutput(docker, info.Id, Boolean(info.Config.Tty), { since: started - 1, until: started + 60 });
      return [...out.matchAll(new RegExp(p.pattern!.source, "gm"))].map((m) => m[1]).filter(Boolean);
    }
    case "added-file": {
      const info = await setupContainer(docker, p.container!);
      if (!("Id" in info)) return info;
      // Only the paths the pattern allows: the set-up container's random file, not a
      // folder any learner could guess (A /home).
      const added = (await containerChanges(docker, info.Id)).filter((c) => c.kind === "added" && p.pattern!.test(c.path)).map((c) => c.path);
      return added.length
        ? added
        : msg(`${p.container} has no such file any more: remove it with \`docker rm -f ${p.container}\` and reload the page.`, `${p.container} 里已经没有这个文件了：用 \`docker rm -f ${p.container}\` 删掉它，再刷新页面。`);
    }
  }
}

export const answerFact: CheckKind<Params> = {
  kind: "answer-fact",
  triggers: ["container", "image"],
  parse(raw) {
    const fact = raw.fact as Fact;
    if (!FACTS.includes(fact)) throw new CheckParamError(`fact must be one of ${FACTS.join(", ")}`);
    const image = raw.image === undefined ? undefined : stringParam(raw.image, "image");
    const container = raw.container === undefined ? undefined : stringParam(raw.container, "container");
    if (fact === "image-layers" && !image) throw new CheckParamError("image-layers needs an image");
    const service = raw.service === undefined ? undefined : stringParam(raw.service, "service");
    if (fact === "compose-container" && !service) throw new CheckParamError("compose-container needs a service");
    let pattern: RegExp | undefined;
    if (fact === "logs-secret" || fact === "added-file") {
      if (!container) throw new CheckParamError(`${fact} needs a container`);
      try {
        pattern = new RegExp(stringParam(raw.pattern, "pattern"));
      } catch (err) {
        throw new CheckParamError(`pattern: ${(err as Error).message}`);
      }
      if (fact === "logs-secret" && !/\((?!\?)/.test(pattern.source)) throw new CheckParamError("pattern needs a group that captures the secret");
    }
    return { fact, image, container, pattern, service };
  },
  answerForm: () => ({ kind: "text" }),
  parseAnswer(_p, raw) {
    if (typeof raw !== "string" || !raw.trim() || raw.length > MAX_ANSWER) {
      throw new AnswerError(msg(`an answer is some text of at most ${MAX_ANSWER} characters`, `答案应是不超过 ${MAX_ANSWER} 个字符的文字`));
    }
    return raw.trim();
  },
  async run(ctx, p) {
    const answer = typeof ctx.answer === "string" ? ctx.answer.trim() : "";
    if (!answer) {
      return {
        passed: false,
        attempted: false,
        message: msg("Type your answer in the box under the task, then press Submit.", "在任务下方的输入框里填写答案，然后点击“提交”。"),
      };
    }
    const right = await rightAnswers(ctx, p);
    if (!Array.isArray(right)) return { passed: false, message: right };
    // A version may be typed with its v; a path as docker diff prints it, with its "A ".
    const norm = (s: string) =>
      p.fact === "added-file" ? s.trim().replace(/^A\s+(?=\/)/, "") : s.trim().toLowerCase().replace(/^v(?=\d)/, "");
    if (right.map(norm).includes(norm(answer))) {
      return { passed: true, message: msg(`Right: ${answer} is what your daemon says.`, `正确：${answer} 正是守护进程给出的值。`) };
    }
    return {
      passed: false,
      message: msg(
        `"${answer.slice(0, 40)}" is not what your box says. Look again, and check the hints.`,
        `"${answer.slice(0, 40)}" 和你的沙箱给出的值不一致。再看一看，也可以参考提示。`,
      ),
    };
  },
};
