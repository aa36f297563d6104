// An image the learner built from a Dockerfile in their box, during this lesson, judged by
// what the daemon keeps of it: its configuration (ENTRYPOINT, CMD, WORKDIR, ENV, USER), its
// history (which Dockerfile steps made it) and its files (read from a stopped container).
import type Docker from "dockerode";
import { lastImageTag, settledBuildCache, type BuildCacheRecord } from "./buildCache.ts";
import { findImages, repositoryPattern, stringList, stringParam } from "./imageMatch.ts";
import { imageFiles } from "./imageFiles.ts";
import { builtHereProblem, type HistoryEntry } from "./imageProvenance.ts";
import { CheckParamError, msg, type CheckKind, type Localized } from "./types.ts";

/** "exec": set, in exec form (a JSON list); or the exact list. */
type CommandRule = "exec" | string[];

interface StepRule {
  pattern: RegExp;
  /** What to say when no step matches (`steps`), or when one does (`forbiddenSteps`). */
  message: Localized;
}

export interface BuiltImageParams {
  repository: string;
  pattern: RegExp;
  entrypoint: CommandRule | undefined;
  cmd: CommandRule | undefined;
  workdir: string | undefined;
  /** "NAME=value" must be there as is; "NAME" must be set to anything. */
  env: string[];
  nonRootUser: boolean;
  /** Paths that must be regular files, each with content matching its pattern. */
  files: { path: string; content: RegExp }[];
  /** Paths that must not exist. */
  absent: string[];
  steps: StepRule[];
  forbiddenSteps: StepRule[];
  /** The image's size (all its layers) must stay under this many bytes. */
  maxSize: number | undefined;
  /** A `COPY --from=<stage>` step must have run (or served from the cache) during the lesson. */
  copiedFromStage: boolean;
}

function commandRule(raw: unknown, what: string): CommandRule | undefined {
  if (raw === undefined) return undefined;
  if (raw === "exec") return "exec";
  return stringList(raw, `${what} (or "exec")`);
}

function regex(raw: unknown, what: string): RegExp {
  try {
    return new RegExp(stringParam(raw, what), "m");
  } catch {
    throw new CheckParamError(`${what} must be a regular expression`);
  }
}

function localizedParam(raw: unknown, what: string): Localized {
  const o = raw as Record<string, unknown> | undefined;
  return msg(stringParam(o?.en, `${what}.en`), stringParam(o?.["zh-CN"], `${what}.zh-CN`));
}

function stepRules(raw: unknown, what: string, messageKey: string): StepRule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new CheckParamError(`${what} must be a list`);
  return raw.map((r: Record<string, unknown>, i) => ({
    pattern: regex(r?.pattern, `${what}[${i}].pattern`),
    message: localizedParam(r?.[messageKey], `${what}[${i}].${messageKey}`),
  }));
}

function maxSize(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "number" || !(raw > 0)) throw new CheckParamError("maxSizeMB must be a number above 0");
  return raw * 1e6;
}

function absolutePath(raw: unknown, what: string): string {
  const p = stringParam(raw, what);
  if (!p.startsWith("/")) throw new CheckParamError(`${what} must be an absolute path`);
  return p;
}

/** BuildKit keeps a shell-form CMD or ENTRYPOINT as ["/bin/sh", "-c", "…"]. */
const isShellForm = (cmd: string[]) => cmd[0] === "/bin/sh" && cmd[1] === "-c";

function commandProblem(rule: CommandRule | undefined, actual: string[] | null | undefined, what: "ENTRYPOINT" | "CMD", name: string): Localized | undefined {
  if (!rule) return undefined;
  const value = actual ?? [];
  if (value.length === 0) {
    return msg(`${name} has no ${what}: add one to the Dockerfile and build again.`, `${name} 没有 ${what}：请在 Dockerfile 里加上，再重新构建。`);
  }
  if (rule === "exec") {
    if (!isShellForm(value)) return undefined;
    return msg(
      `${name}'s ${what} is in shell form (${JSON.stringify(value)}): write it as a JSON list, like ${what} ["echo", "hello"].`,
      `${name} 的 ${what} 是 shell 形式（${JSON.stringify(value)}）：请写成 JSON 列表，比如 ${what} ["echo", "hello"]。`,
    );
  }
  if (JSON.stringify(value) === JSON.stringify(rule)) return undefined;
  return msg(
    `${name} has ${what} ${JSON.stringify(value)}; it must be ${JSON.stringify(rule)}.`,
    `${name} 的 ${what} 是 ${JSON.stringify(value)}，应该是 ${JSON.stringify(rule)}。`,
  );
}

/** A USER that still runs as root: unset, root or uid 0, with any group. */
export function isRootUser(user: string | undefined): boolean {
  const who = (user ?? "").split(":")[0].trim();
  return who === "" || who === "root" || who === "0";
}

/** Why the image's configuration is not what was asked, or undefined. */
export function configProblem(config: Docker.ImageInspectInfo["Config"], p: BuiltImageParams, name: string): Localized | undefined {
  const problem = commandProblem(p.entrypoint, config.Entrypoint as string[] | null, "ENTRYPOINT", name) ?? commandProblem(p.cmd, config.Cmd, "CMD", name);
  if (problem) return problem;
  if (p.workdir !== undefined && (config.WorkingDir || "/") !== p.workdir) {
    return msg(
      `${name}'s working directory is ${config.WorkingDir || "/ (none set)"}; set it with \`WORKDIR ${p.workdir}\`.`,
      `${name} 的工作目录是 ${config.WorkingDir || "/（未设置）"}；请用 \`WORKDIR ${p.workdir}\` 设置。`,
    );
  }
  for (const want of p.env) {
    const env = config.Env ?? [];
    const ok = want.includes("=") ? env.includes(want) : env.some((e) => e.startsWith(`${want}=`));
    if (!ok) {
      const shown = env.find((e) => e.startsWith(`${want.split("=")[0]}=`));
      return msg(
        `${name} does not set ${want}${shown ? ` (it has ${shown})` : ""}: add \`ENV ${want}\` to the Dockerfile.`,
        `${name} 没有设置 ${want}${shown ? `（现在是 ${shown}）` : ""}：请在 Dockerfile 里加上 \`ENV ${want}\`。`,
      );
    }
  }
  if (p.nonRootUser && isRootUser(config.User)) {
    return msg(
      `${name} runs as root (USER is ${config.User ? `"${config.User}"` : "not set"}): add a \`USER\` line with another user, such as \`USER 1000\`.`,
      `${name} 以 root 身份运行（USER ${config.User ? `是 "${config.User}"` : "没有设置"}）：请加一行 \`USER\`，换成别的用户，比如 \`USER 1000\`。`,
    );
  }
  return undefined;
}

/** Why the history lacks a wanted step or has a forbidden one, or undefined. */
export function stepsProblem(history: readonly HistoryEntry[], p: BuiltImageParams): Localized | undefined {
  const steps = history.map((h) => h.CreatedBy.trim());
  for (const rule of p.steps) if (!steps.some((s) => rule.pattern.test(s))) return rule.message;
  for (const rule of p.forbiddenSteps) if (steps.some((s) => rule.pattern.test(s))) return rule.message;
  return undefined;
}

async function filesProblem(docker: Docker, id: string, p: BuiltImageParams, name: string): Promise<Localized | undefined> {
  const found = await imageFiles(docker, id, [...p.files.map((f) => f.path), ...p.absent]);
  for (const f of p.files) {
    const state = found.get(f.path)!;
    if (state.kind === "missing") return msg(`${name} has no file ${f.path}.`, `${name} 里没有文件 ${f.path}。`);
    if (state.kind === "not-a-file") return msg(`${f.path} in ${name} is not a regular file.`, `${name} 里的 ${f.path} 不是普通文件。`);
    const text = state.content.toString("utf8");
    if (!f.content.test(text)) {
      return msg(
        `${f.path} in ${name} holds "${text.trim().slice(0, 60)}", which is not what was asked.`,
        `${name} 里的 ${f.path} 内容是 "${text.trim().slice(0, 60)}"，不是要求的内容。`,
      );
    }
  }
  for (const path of p.absent) {
    if (found.get(path)!.kind !== "missing") {
      return msg(`${name} contains ${path}, which must be left out of the image.`, `${name} 里有 ${path}，它不应该进入镜像。`);
    }
  }
  return undefined;
}

export const builtImage: CheckKind<BuiltImageParams> = {
  kind: "built-image",
  // Reading files makes (and removes) a probe container: container events must not
  // re-run this check, or it would feed itself (so it is never put inside all-of, whose
  // triggers include container events).
  triggers: ["image"],
  parse(raw) {
    const repository = stringParam(raw.repository, "repository");
    const files = raw.files === undefined ? {} : raw.files;
    if (typeof files !== "object" || files === null || Array.isArray(files)) throw new CheckParamError("files must map paths to content patterns");
    for (const flag of ["nonRootUser", "copiedFromStage"]) {
      if (raw[flag] !== undefined && typeof raw[flag] !== "boolean") throw new CheckParamError(`${flag} must be true or false`);
    }
    return {
      repository,
      pattern: repositoryPattern(repository),
      entrypoint: commandRule(raw.entrypoint, "entrypoint"),
      cmd: commandRule(raw.cmd, "cmd"),
      workdir: raw.workdir === undefined ? undefined : absolutePath(raw.workdir, "workdir"),
      env: raw.env === undefined ? [] : stringList(raw.env, "env"),
      nonRootUser: raw.nonRootUser === true,
      files: Object.entries(files as Record<string, unknown>).map(([path, content]) => ({
        path: absolutePath(path, "a path in files"),
        content: content === "" ? /[^]*/ : regex(content, `files[${path}]`),
      })),
      absent: raw.absent === undefined ? [] : stringList(raw.absent, "absent").map((a) => absolutePath(a, "a path in absent")),
      steps: stepRules(raw.steps, "steps", "missing"),
      forbiddenSteps: stepRules(raw.forbiddenSteps, "forbiddenSteps", "found"),
      maxSize: maxSize(raw.maxSizeMB),
      copiedFromStage: raw.copiedFromStage === true,
    };
  },
  async run({ docker, since }, p) {
    const images = await findImages(docker, p.pattern);
    if (images.length === 0) {
      const example = p.repository.replace("*", "yourname");
      return {
        passed: false,
        attempted: false,
        message: msg(`No image named ${p.repository} yet: build it with \`docker build -t ${example} .\``, `还没有名为 ${p.repository} 的镜像：请用 \`docker build -t ${example} .\` 构建。`),
      };
    }
    let firstProblem: Localized | undefined;
    for (const image of images) {
      const name = image.tags[0];
      const problem = await imageProblem(docker, image.id, name, p, since);
      if (!problem) {
        return { passed: true, message: msg(`${name} was built from your Dockerfile, as asked.`, `${name} 是用你的 Dockerfile 构建的，符合要求。`) };
      }
      firstProblem ??= problem;
    }
    return { passed: false, message: firstProblem! };
  },
};

/**
 * The image's history does not say where a COPY took its files from; BuildKit's cache does
 * ("[stage-1 1/1] COPY --from=build /src/hello /hello"), and when it last served a build.
 */
async function copiedFromStageSince(docker: Docker, since: number | undefined): Promise<boolean> {
  const copied = (records: BuildCacheRecord[]) =>
    records.some((r) => /\bCOPY --from=/.test(r.Description) && r.LastUsedAt !== null && Date.parse(r.LastUsedAt) >= (since ?? 0));
  return copied(await settledBuildCache(docker, copied, () => lastImageTag(docker)));
}

async function imageProblem(docker: Docker, id: string, name: string, p: BuiltImageParams, since: number | undefined): Promise<Localized | undefined> {
  const built = await builtHereProblem(docker, id, name, since);
  if (built) return built;
  const info = await docker.getImage(id).inspect();
  const config = configProblem(info.Config, p, name);
  if (config) return config;
  if (p.maxSize !== undefined && info.Size > p.maxSize) {
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    return msg(
      `${name} is ${mb(info.Size)}; it must stay under ${mb(p.maxSize)}. Is the compiler still in it? The final stage should start FROM scratch or busybox and only copy the program from the build stage.`,
      `${name} 有 ${mb(info.Size)}，应该小于 ${mb(p.maxSize)}。编译器是不是还留在里面？最后一个阶段应该 FROM scratch 或 busybox，只从构建阶段复制程序过来。`,
    );
  }
  if (p.copiedFromStage && !(await copiedFromStageSince(docker, since))) {
    return msg(
      `${name} was not made by a multi-stage build: no \`COPY --from=…\` step ran since you opened this lesson. Compile in a build stage and copy the program over with \`COPY --from=build\`.`,
      `${name} 不是多阶段构建出来的：自你打开本课以来，没有运行过 \`COPY --from=…\` 步骤。请在构建阶段里编译，再用 \`COPY --from=build\` 把程序复制过来。`,
    );
  }
  const steps = stepsProblem((await docker.getImage(id).history()) as HistoryEntry[], p);
  if (steps) return steps;
  return filesProblem(docker, id, p, name);
}
