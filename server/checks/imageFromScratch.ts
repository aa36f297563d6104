// The learner built <anything>/hello-docker FROM scratch: one layer, and exactly the CMD asked for.
import { findImages, repositoryPattern, scratchImageProblem, stringList, stringParam } from "./imageMatch.ts";
import { msg, type CheckKind } from "./types.ts";

interface Params {
  repository: string;
  pattern: RegExp;
  cmd: string[];
}

export const imageFromScratch: CheckKind<Params> = {
  kind: "image-from-scratch",
  triggers: ["image"],
  parse(raw) {
    const repository = stringParam(raw.repository, "repository");
    return { repository, pattern: repositoryPattern(repository), cmd: stringList(raw.cmd, "cmd") };
  },
  async run({ docker }, p) {
    const images = await findImages(docker, p.pattern);
    if (images.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          `No image named ${p.repository} yet. Build one with \`docker build -t yourname/${p.repository.split("/").pop()} .\``,
          `还没有名为 ${p.repository} 的镜像。用 \`docker build -t 你的名字/${p.repository.split("/").pop()} .\` 构建一个。`,
        ),
      };
    }
    let firstProblem;
    for (const image of images) {
      const name = image.tags[0];
      const problem = await scratchImageProblem(docker, image.id, name, p.cmd);
      if (!problem) {
        return {
          passed: true,
          message: msg(
            `${name}: built FROM scratch, one layer, CMD ${JSON.stringify(p.cmd)}.`,
            `${name}：从零构建，只有一层，CMD 为 ${JSON.stringify(p.cmd)}。`,
          ),
        };
      }
      firstProblem ??= problem;
    }
    return { passed: false, message: firstProblem! };
  },
};
