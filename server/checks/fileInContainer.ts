// A file exists in a named container (read back through the daemon, as `docker cp` would),
// optionally with content that matches a pattern, and optionally copied in with `docker cp`
// (the daemon records each copy into a container as its "extract-to-dir" event).
import type { Readable } from "node:stream";
import { pastEvents } from "./daemonEvents.ts";
import { stringParam } from "./imageMatch.ts";
import { firstFileOfTar } from "./tarFile.ts";
import { CheckParamError, msg, type CheckKind } from "./types.ts";

interface Params {
  container: string;
  path: string;
  content: RegExp | undefined;
  /** The file must have come in through `docker cp` (not `docker exec … > file`). */
  copiedIn: boolean;
}

async function readAll(stream: Readable, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    if (size > limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

export const fileInContainer: CheckKind<Params> = {
  kind: "file-in-container",
  triggers: ["container"],
  parse(raw) {
    const container = stringParam(raw.container, "container");
    const path = stringParam(raw.path, "path");
    if (!path.startsWith("/")) throw new CheckParamError("path must be absolute");
    let content: RegExp | undefined;
    if (raw.content !== undefined) {
      try {
        content = new RegExp(stringParam(raw.content, "content"), "m");
      } catch {
        throw new CheckParamError("content must be a regular expression");
      }
    }
    if (raw.copiedIn !== undefined && typeof raw.copiedIn !== "boolean") throw new CheckParamError("copiedIn must be true or false");
    return { container, path, content, copiedIn: raw.copiedIn === true };
  },
  async run({ docker, since }, p) {
    const c = docker.getContainer(p.container);
    try {
      await c.inspect();
    } catch {
      return {
        passed: false,
        attempted: false,
        message: msg(`There is no container named ${p.container} yet.`, `还没有名为 ${p.container} 的容器。`),
      };
    }
    let tar: Buffer;
    try {
      tar = await readAll((await c.getArchive({ path: p.path })) as unknown as Readable);
    } catch {
      return {
        passed: false,
        message: msg(`${p.container} has no file ${p.path} yet.`, `${p.container} 里还没有文件 ${p.path}。`),
      };
    }
    const file = firstFileOfTar(tar);
    if (!file) return { passed: false, message: msg(`${p.path} in ${p.container} is not a regular file.`, `${p.container} 里的 ${p.path} 不是普通文件。`) };
    const text = file.content.toString("utf8");
    if (p.content && !p.content.test(text)) {
      return {
        passed: false,
        message: msg(
          `${p.path} in ${p.container} holds "${text.trim().slice(0, 60)}", which is not what was asked.`,
          `${p.container} 里的 ${p.path} 内容是 "${text.trim().slice(0, 60)}"，不是要求的内容。`,
        ),
      };
    }
    if (p.copiedIn && (await pastEvents(docker, { type: ["container"], container: [p.container], event: ["extract-to-dir"] }, since)).length === 0) {
      return {
        passed: false,
        message: msg(
          `${p.path} is in ${p.container}, but it did not come in with docker cp: copy a file from your box with \`docker cp FILE ${p.container}:${p.path}\`.`,
          `${p.container} 里有 ${p.path}，但它不是用 docker cp 复制进去的：请用 \`docker cp 文件 ${p.container}:${p.path}\` 从沙箱里复制一个文件进去。`,
        ),
      };
    }
    return { passed: true, message: msg(`${p.container} has ${p.path}.`, `${p.container} 里有 ${p.path}。`) };
  },
};
