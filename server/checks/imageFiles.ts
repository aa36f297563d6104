// Reads files of an image the way `docker cp` would: the archive API only serves
// containers, so a stopped container is created from the image (never started), read,
// and removed. It carries CHECK_PROBE_LABEL, so that no check counts it as the learner's.
import type Docker from "dockerode";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { firstFileOfTar } from "./tarFile.ts";
import { CHECK_PROBE_LABEL } from "./types.ts";

export type FileState = { kind: "missing" } | { kind: "not-a-file" } | { kind: "file"; content: Buffer };

const MAX_FILE = 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    // A big file's header and first megabyte are all a check needs.
    if (size > MAX_FILE + 512) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** What each of `paths` is in the image `imageId`. */
export async function imageFiles(docker: Docker, imageId: string, paths: readonly string[]): Promise<Map<string, FileState>> {
  const out = new Map<string, FileState>();
  if (paths.length === 0) return out;
  // The command is never run; it is given because an image with no CMD cannot make a container.
  const probe = await docker.createContainer({
    Image: imageId,
    Cmd: ["/shiplab-probe"],
    Labels: { [CHECK_PROBE_LABEL]: "1" },
    HostConfig: { NetworkMode: "none" },
  });
  try {
    for (const path of paths) {
      let tar: Buffer;
      try {
        tar = await readAll((await probe.getArchive({ path })) as unknown as Readable);
      } catch {
        out.set(path, { kind: "missing" });
        continue;
      }
      // A folder's archive holds its files too: only an entry named like the path is the path.
      const file = firstFileOfTar(tar);
      const isIt = file && file.name === posix.basename(path);
      out.set(path, isIt ? { kind: "file", content: file.content } : { kind: "not-a-file" });
    }
  } finally {
    await probe.remove({ force: true }).catch(() => undefined);
  }
  return out;
}
