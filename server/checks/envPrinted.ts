// A container was given environment variables of the learner's own (-e or --env-file: both
// end up in its Config.Env, beside the image's), and printed their values. A variable set
// inside the container (`export`) or only for a docker exec is not in Config.Env.
import type Docker from "dockerode";
import { judgeLearnerContainers, nameOf, outputSince } from "./containerFacts.ts";
import { CheckParamError, msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  minVars: number;
}

/**
 * The variables a container got beyond its image's own (NAME=value strings), in name order:
 * the docker CLI does not keep the order they were typed in (two `-e` came out either way
 * round in CI), and a message that reorders itself between two grades looks like a change.
 */
export function learnerVariables(containerEnv: readonly string[], imageEnv: readonly string[]): { name: string; value: string }[] {
  const fromImage = new Set(imageEnv);
  return containerEnv
    .filter((e) => !fromImage.has(e) && e.includes("="))
    .map((e) => ({ name: e.slice(0, e.indexOf("=")), value: e.slice(e.indexOf("=") + 1) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function judge(docker: Docker, info: Docker.ContainerInspectInfo, p: Params, since: number | undefined): Promise<{ passed: boolean; why: Localized } | undefined> {
  const name = nameOf(info);
  const image = await docker.getImage(info.Image).inspect().catch(() => undefined);
  const vars = learnerVariables(info.Config.Env ?? [], image?.Config?.Env ?? []);
  if (vars.length === 0) return undefined;
  const names = vars.map((v) => v.name).join(", ");
  const namesZh = vars.map((v) => v.name).join("、");
  if (vars.length < p.minVars) {
    return {
      passed: false,
      why: msg(
        `${name} got only ${names}; give it at least ${p.minVars} variables of your own (-e NAME=value, --env-file FILE).`,
        `${name} 只得到了 ${namesZh}；请至少给它 ${p.minVars} 个你自己的变量（-e 名字=值，--env-file 文件）。`,
      ),
    };
  }
  const out = await outputSince(docker, info, since);
  const missing = vars.filter((v) => v.value.trim() && !out.includes(v.value.trim()));
  if (vars.length - missing.length < p.minVars) {
    return {
      passed: false,
      why: msg(
        `${name} got ${names}, but did not print ${missing.map((v) => v.name).join(", ")}: let it run \`env\`, or \`echo $${missing[0]?.name ?? "NAME"}\`.`,
        `${name} 得到了 ${namesZh}，但没有打印出 ${missing.map((v) => v.name).join("、")}：让它运行 \`env\`，或者 \`echo $${missing[0]?.name ?? "NAME"}\`。`,
      ),
    };
  }
  return {
    passed: true,
    why: msg(`${name} got ${names} from you and printed them.`, `${name} 从你这里得到了 ${namesZh}，并把它们打印了出来。`),
  };
}

export const envPrinted: CheckKind<Params> = {
  kind: "env-printed",
  triggers: ["container", "output"],
  parse(raw) {
    const minVars = raw.minVars ?? 1;
    if (!Number.isInteger(minVars) || (minVars as number) < 1) throw new CheckParamError("minVars must be a whole number above 0");
    return { minVars: minVars as number };
  },
  run({ docker, since }, p) {
    return judgeLearnerContainers(docker, since, (info) => judge(docker, info, p, since), msg("No container with variables of your own yet: use `-e NAME=value`.", "还没有带你自己的环境变量的容器：请用 `-e 名字=值`。"));
  },
};
