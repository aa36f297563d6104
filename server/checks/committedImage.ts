// An image the learner made with `docker commit` from a container of their own, during
// this lesson: the daemon's "commit" event names the image it made (imageID) and the
// container (with the container's labels); the image's newest history entry is the commit
// itself (its comment is the -m message, its size the container's changes); its config
// holds what --change set; its files are read from a stopped probe container.
import type Docker from "dockerode";
import { pastEvents, type DaemonEvent } from "./daemonEvents.ts";
import { imageFiles } from "./imageFiles.ts";
import { findImages, repositoryPattern, stringList, stringParam } from "./imageMatch.ts";
import { CheckParamError, isLabOwned, msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  repository: string;
  pattern: RegExp;
  /** The exact CMD that `--change 'CMD [...]'` sets. */
  cmd: string[] | undefined;
  /** A commit message (`-m`) is required. */
  message: boolean;
  /** Paths that must be regular files in the image, each with content matching its pattern. */
  files: { path: string; content: RegExp }[];
}

interface HistoryEntry {
  CreatedBy: string;
  Comment: string;
  Size: number;
}

/** The learner's commits that made `imageId` (the lab's own containers are never theirs). */
export function learnerCommits(events: readonly DaemonEvent[], imageId: string): DaemonEvent[] {
  return events.filter((e) => e.Action === "commit" && e.Actor.Attributes?.imageID === imageId && !isLabOwned(e.Actor.Attributes));
}

/** Why the commit's own history entry (newest first) is not what was asked, or undefined. */
export function commitEntryProblem(top: HistoryEntry | undefined, p: Pick<Params, "message">, name: string): Localized | undefined {
  if (p.message && !top?.Comment?.trim()) {
    return msg(
      `${name} has no commit message: commit again with \`-m "what you changed"\`.`,
      `${name} 没有提交说明：请加上 \`-m "你改了什么"\` 再提交一次。`,
    );
  }
  // The commit's layer is the container's writable layer: 0 B means nothing was changed.
  if (!top || top.Size <= 0) {
    return msg(
      `${name} was committed from a container that had no changes, so the commit saved nothing: change a file in the container first.`,
      `${name} 提交自一个没有任何改动的容器，这次提交什么也没保存下来：请先在容器里改动一个文件。`,
    );
  }
  return undefined;
}

/** The same command, as asked (a JSON list) or in shell form (`--change "CMD cat /etc/motd"`). */
export function sameCommand(want: string[], actual: string[] | null | undefined): boolean {
  const got = actual ?? [];
  if (JSON.stringify(got) === JSON.stringify(want)) return true;
  return got.length === 3 && got[0] === "/bin/sh" && got[1] === "-c" && got[2].trim().split(/\s+/).join(" ") === want.join(" ");
}

function cmdProblem(want: string[] | undefined, actual: string[] | null | undefined, name: string): Localized | undefined {
  if (!want || sameCommand(want, actual)) return undefined;
  const change = `--change 'CMD ${JSON.stringify(want).replace(/","/g, '", "')}'`;
  return msg(
    `${name} has CMD ${JSON.stringify(actual ?? [])}; it must be ${JSON.stringify(want)}: commit again with \`${change}\`.`,
    `${name} 的 CMD 是 ${JSON.stringify(actual ?? [])}，应该是 ${JSON.stringify(want)}：请加上 \`${change}\` 再提交一次。`,
  );
}

async function imageProblem(docker: Docker, id: string, name: string, p: Params, since: number | undefined): Promise<Localized | undefined> {
  const commits = await pastEvents(docker, { type: ["container"], event: ["commit"] });
  const mine = learnerCommits(commits, id);
  if (!mine.some((e) => e.timeNano >= (since ?? 0) * 1e6)) {
    const lab = commits.find((e) => e.Actor.Attributes?.imageID === id && isLabOwned(e.Actor.Attributes));
    if (lab) {
      return msg(
        `${name} was committed from ${lab.Actor.Attributes.name}, a container Shiplab started: commit a container that you ran and changed yourself.`,
        `${name} 提交自 ${lab.Actor.Attributes.name}，那是 Shiplab 启动的容器：请提交一个你自己运行并改动过的容器。`,
      );
    }
    if (mine.length) {
      return msg(
        `${name} was committed before you opened this lesson: commit your container again now.`,
        `${name} 是在你打开本课之前提交的：请现在重新提交你的容器。`,
      );
    }
    return msg(
      `${name} was not made by \`docker commit\` (a tag, a build or a load does not count): commit a container with \`docker commit CONTAINER ${name.replace(/:latest$/, "")}\`.`,
      `${name} 不是用 \`docker commit\` 做出来的（打标签、构建或加载都不算）：请用 \`docker commit 容器 ${name.replace(/:latest$/, "")}\` 提交一个容器。`,
    );
  }
  const image = docker.getImage(id);
  const problem = commitEntryProblem(((await image.history()) as HistoryEntry[])[0], p, name);
  if (problem) return problem;
  const cmd = cmdProblem(p.cmd, (await image.inspect()).Config.Cmd, name);
  if (cmd) return cmd;
  const found = await imageFiles(docker, id, p.files.map((f) => f.path));
  for (const f of p.files) {
    const state = found.get(f.path)!;
    if (state.kind !== "file") {
      return msg(`${name} has no file ${f.path}: make it in the container before you commit.`, `${name} 里没有文件 ${f.path}：请在提交之前先在容器里建好它。`);
    }
    if (!f.content.test(state.content.toString("utf8"))) {
      return msg(`${f.path} in ${name} does not hold what was asked.`, `${name} 里的 ${f.path} 不是要求的内容。`);
    }
  }
  return undefined;
}

export const committedImage: CheckKind<Params> = {
  kind: "committed-image",
  // Every commit into a name leaves an image "tag" event too; reading files makes (and
  // removes) a probe container, so container events must not re-run this check.
  triggers: ["image"],
  parse(raw) {
    const repository = stringParam(raw.repository, "repository");
    const files = raw.files ?? {};
    if (typeof files !== "object" || files === null || Array.isArray(files)) throw new CheckParamError("files must map paths to content patterns");
    if (raw.message !== undefined && typeof raw.message !== "boolean") throw new CheckParamError("message must be true or false");
    return {
      repository,
      pattern: repositoryPattern(repository),
      cmd: raw.cmd === undefined ? undefined : stringList(raw.cmd, "cmd"),
      message: raw.message === true,
      files: Object.entries(files as Record<string, unknown>).map(([path, content]) => {
        if (!path.startsWith("/")) throw new CheckParamError("a path in files must be absolute");
        try {
          return { path, content: new RegExp(content === "" ? "[^]*" : stringParam(content, `files[${path}]`), "m") };
        } catch {
          throw new CheckParamError(`files[${path}] must be a regular expression`);
        }
      }),
    };
  },
  async run({ docker, since }, p) {
    const images = await findImages(docker, p.pattern);
    if (images.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          `No image named ${p.repository} yet: make it with \`docker commit CONTAINER ${p.repository}\`.`,
          `还没有名为 ${p.repository} 的镜像：请用 \`docker commit 容器 ${p.repository}\` 做出它。`,
        ),
      };
    }
    let first: Localized | undefined;
    for (const image of images) {
      const name = image.tags[0];
      const problem = await imageProblem(docker, image.id, name, p, since);
      if (!problem) return { passed: true, message: msg(`${name} was committed from your container, as asked.`, `${name} 是从你的容器提交出来的，符合要求。`) };
      first ??= problem;
    }
    return { passed: false, message: first! };
  },
};
