// A build reused BuildKit's cache during this lesson: some step of the kind asked for (its
// description, e.g. a step of a stage in a multi-stage build, "[build 2/4] WORKDIR /src")
// served a later build again. Read from the daemon's build-cache records, not from output.
import { lastImageTag, reusedRecords, settledBuildCache, type BuildCacheRecord } from "./buildCache.ts";
import { stringParam } from "./imageMatch.ts";
import { CheckParamError, msg, type CheckKind } from "./types.ts";

interface Params {
  description: RegExp;
}

export const buildCacheReused: CheckKind<Params> = {
  kind: "build-cache-reused",
  // A build ends with an image event (its tag); the cache itself sends none.
  triggers: ["image"],
  parse(raw) {
    try {
      return { description: new RegExp(stringParam(raw.description, "description")) };
    } catch (err) {
      if (err instanceof CheckParamError) throw err;
      throw new CheckParamError("description must be a regular expression");
    }
  },
  async run({ docker, since }, p) {
    const matching = (all: BuildCacheRecord[]) => all.filter((r) => p.description.test(r.Description));
    const settled = await settledBuildCache(docker, (all) => reusedRecords(matching(all), since).length > 0, () => lastImageTag(docker));
    const records = matching(settled);
    if (records.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          "BuildKit has no step of a multi-stage build in its cache yet: build the lesson's image first.",
          "BuildKit 的缓存里还没有多阶段构建的步骤：请先构建课文里的镜像。",
        ),
      };
    }
    const reused = reusedRecords(records, since);
    if (reused.length === 0) {
      return {
        passed: false,
        message: msg(
          "No step of your multi-stage build has been reused from the cache since you opened this lesson: run the same `docker build` again and look for CACHED.",
          "自你打开本课以来，多阶段构建的步骤还没有从缓存里被再次使用过：请再运行一次同样的 `docker build`，留意输出里的 CACHED。",
        ),
      };
    }
    const r = reused[0];
    return {
      passed: true,
      message: msg(
        `BuildKit reused "${r.Description.slice(0, 60)}" (used ${r.UsageCount} times).`,
        `BuildKit 复用了 "${r.Description.slice(0, 60)}"（已使用 ${r.UsageCount} 次）。`,
      ),
    };
  },
};
