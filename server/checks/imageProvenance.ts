// Was an image built in the box with `docker build` (BuildKit), during this lesson?
// What the daemon keeps tells: BuildKit writes "buildkit.dockerfile.v0" as the comment of
// every history entry a Dockerfile step makes; `docker commit` adds an entry of its own
// (whatever its -m says), sets the image's Parent and leaves a "commit" event; a pull
// leaves a registry digest; an imported image, or one from the legacy builder
// (DOCKER_BUILDKIT=0), has no BuildKit entry on top.
// Every build and every `docker tag` leaves an image "tag" event, even a build that came
// entirely from the cache, which is how "during this lesson" is told.
import type Docker from "dockerode";
import { pastEvents } from "./daemonEvents.ts";
import { msg, type Localized } from "./types.ts";

export const BUILDKIT_COMMENT = "buildkit.dockerfile.v0";

export interface HistoryEntry {
  CreatedBy: string;
  Comment: string;
}

/** Why `history` (newest first, as the daemon lists it) is not a BuildKit build, or undefined when it is. */
export function historyProblem(history: readonly HistoryEntry[], name: string): Localized | undefined {
  if (history[0]?.Comment === BUILDKIT_COMMENT) return undefined;
  return msg(
    `${name} was not built by BuildKit, the builder of \`docker build\`: its newest history entry is "${(history[0]?.CreatedBy || history[0]?.Comment || "").slice(0, 60)}". Build it from your Dockerfile with \`docker build -t ${name.replace(/:latest$/, "")} .\``,
    `${name} 不是由 \`docker build\` 的构建器 BuildKit 构建的：它最新的历史记录是 "${(history[0]?.CreatedBy || history[0]?.Comment || "").slice(0, 60)}"。请用 \`docker build -t ${name.replace(/:latest$/, "")} .\` 从你的 Dockerfile 构建它。`,
  );
}

/**
 * Why the image `id` (known as `name`) is not the learner's own BuildKit build made since
 * `since`, or undefined when it is.
 */
export async function builtHereProblem(docker: Docker, id: string, name: string, since?: number): Promise<Localized | undefined> {
  const info = await docker.getImage(id).inspect();
  const pulledAs = (info.RepoDigests ?? [])[0];
  if (pulledAs) {
    return msg(
      `${name} came from a registry (${pulledAs.split("@")[0]}): build it yourself with \`docker build\`.`,
      `${name} 来自镜像仓库（${pulledAs.split("@")[0]}）：请用 \`docker build\` 自己构建。`,
    );
  }
  // `docker commit` leaves an event naming the image; the daemon forgets old events, but a
  // commit also sets the image's Parent, which a BuildKit build never does (a commit may
  // pass -m buildkit.dockerfile.v0, so the comment alone does not tell).
  const history = (await docker.getImage(id).history()) as HistoryEntry[];
  const commitEvent = (await pastEvents(docker, { type: ["container"], event: ["commit"] })).some((e) => e.Actor.Attributes?.imageID === info.Id);
  if (commitEvent || (info.Parent && history[0]?.Comment === BUILDKIT_COMMENT)) {
    return msg(
      `${name} was made with \`docker commit\` from a container, not built from a Dockerfile: write the steps in a Dockerfile and run \`docker build\`.`,
      `${name} 是用 \`docker commit\` 从容器做出来的，不是用 Dockerfile 构建的：请把步骤写进 Dockerfile，再运行 \`docker build\`。`,
    );
  }
  const problem = historyProblem(history, name);
  if (problem) return problem;
  const named = await pastEvents(docker, { type: ["image"], event: ["tag"] }, since);
  if (!named.some((e) => e.Actor.ID === info.Id)) {
    return msg(
      `${name} was built before you opened this lesson: build it again now with \`docker build\`.`,
      `${name} 是在你打开本课之前构建的：请现在用 \`docker build\` 重新构建它。`,
    );
  }
  return undefined;
}
