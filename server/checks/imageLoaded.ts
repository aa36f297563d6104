// An image that went out of the box's daemon into a file and came back: `docker save` of
// it, then its removal, then `docker load` of it, in that order and all during this lesson,
// each one an image event of the daemon about the image's ID ("save", "delete", "load"),
// and the image is there now under the asked name. A build, a tag or a commit under that
// name leaves no "load"; a load of an image that never left ("delete") proves nothing.
import { pastEvents, type DaemonEvent } from "./daemonEvents.ts";
import { findImages, repositoryPattern, stringParam } from "./imageMatch.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  repository: string;
  pattern: RegExp;
}

export type RoundTrip = "done" | "not-loaded" | "not-saved" | "never-left";

/** How far `imageId` got through save → delete → load in `events` (oldest first). */
export function roundTrip(events: readonly DaemonEvent[], imageId: string): RoundTrip {
  const of = events.filter((e) => e.Type === "image" && e.Actor.ID === imageId);
  const loads = of.filter((e) => e.Action === "load");
  if (loads.length === 0) return "not-loaded";
  let best: RoundTrip = "not-saved";
  for (const load of loads) {
    const saves = of.filter((e) => e.Action === "save" && e.timeNano < load.timeNano);
    if (saves.length === 0) continue;
    const firstSave = saves[0].timeNano;
    if (of.some((e) => e.Action === "delete" && e.timeNano > firstSave && e.timeNano < load.timeNano)) return "done";
    best = "never-left";
  }
  return best;
}

function problem(state: Exclude<RoundTrip, "done">, name: string): Localized {
  const repo = name.replace(/:latest$/, "");
  switch (state) {
    case "not-loaded":
      return msg(
        `${name} was not loaded from a file since you opened this lesson: \`docker save -o ${repo}.tar ${repo}\`, \`docker rmi ${repo}\`, then \`docker load -i ${repo}.tar\`.`,
        `自你打开本课以来，${name} 没有从文件加载过：先 \`docker save -o ${repo}.tar ${repo}\`，再 \`docker rmi ${repo}\`，然后 \`docker load -i ${repo}.tar\`。`,
      );
    case "not-saved":
      return msg(
        `${name} was loaded, but from a file that was not saved with \`docker save\` in this lesson: save it first, remove it, then load it.`,
        `${name} 是加载进来的，但那个文件不是在本课里用 \`docker save\` 保存的：请先保存，再删除，然后加载。`,
      );
    case "never-left":
      return msg(
        `${name} was still in your box when you loaded it, so the load brought back nothing: remove the image with \`docker rmi ${repo}\` (every name of it) between save and load.`,
        `加载时 ${name} 还在你的沙箱里，所以这次加载什么也没有带回来：请在保存和加载之间用 \`docker rmi ${repo}\` 删掉这个镜像（它的每个名字都要删）。`,
      );
  }
}

export const imageLoaded: CheckKind<Params> = {
  kind: "image-loaded",
  triggers: ["image"],
  parse(raw) {
    const repository = stringParam(raw.repository, "repository");
    return { repository, pattern: repositoryPattern(repository) };
  },
  async run({ docker, since }, p) {
    const events = await pastEvents(docker, { type: ["image"], event: ["save", "delete", "load"] }, since);
    const images = await findImages(docker, p.pattern);
    if (images.length === 0) {
      return {
        passed: false,
        // Saved or loaded something already: the image is missing because of what they did.
        attempted: events.some((e) => e.Action !== "delete"),
        message: msg(
          `There is no image named ${p.repository} in your box now: load it back with \`docker load -i ${p.repository}.tar\`.`,
          `你的沙箱里现在没有名为 ${p.repository} 的镜像：请用 \`docker load -i ${p.repository}.tar\` 把它加载回来。`,
        ),
      };
    }
    let first: Localized | undefined;
    for (const image of images) {
      const state = roundTrip(events, image.id);
      const name = image.tags[0];
      if (state === "done") {
        return { passed: true, message: msg(`${name} went into a file and came back with \`docker load\`.`, `${name} 存进了文件，又用 \`docker load\` 回来了。`) };
      }
      first ??= problem(state, name);
    }
    return { passed: false, attempted: events.some((e) => e.Action !== "delete"), message: first! };
  },
};
