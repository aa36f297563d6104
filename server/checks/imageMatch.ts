// Finding a learner's images by a repository pattern, and judging a FROM-scratch build.
import type Docker from "dockerode";
import { CheckParamError, msg, type Localized } from "./types.ts";

/** "*\/hello-docker" → matches "ada/hello-docker:latest", not "hello-docker" or "a/b/hello-docker". */
export function repositoryPattern(pattern: string): RegExp {
  if (!/^[a-z0-9*._/-]+$/.test(pattern)) throw new CheckParamError(`repository pattern ${pattern} has characters a repository cannot`);
  const body = pattern.split("*").map((s) => s.replace(/[.]/g, "\\.")).join("[a-z0-9._-]+");
  return new RegExp(`^${body}:[\\w][\\w.-]*$`);
}

export interface MatchedImage {
  id: string;
  tags: string[];
  created: number;
}

export async function findImages(docker: Docker, pattern: RegExp): Promise<MatchedImage[]> {
  const images = await docker.listImages();
  return images
    .map((i) => ({ id: i.Id, tags: (i.RepoTags ?? []).filter((t) => pattern.test(t)), created: i.Created }))
    .filter((i) => i.tags.length > 0)
    .sort((a, b) => b.created - a.created);
}

/** Why an image is not a one-layer FROM-scratch build with the given CMD, or undefined when it is. */
export async function scratchImageProblem(docker: Docker, imageId: string, name: string, cmd: string[]): Promise<Localized | undefined> {
  const info = await docker.getImage(imageId).inspect();
  // A pulled image carries the registry's digest; an image the learner built has none (a
  // retag of the lab's hello-world is FROM scratch with CMD ["/hello"] too).
  const pulledAs = (info.RepoDigests ?? [])[0];
  if (pulledAs) {
    return msg(
      `${name} came from a registry (${pulledAs.split("@")[0]}), so it is not your own build: build it yourself with \`docker build\`.`,
      `${name} 来自镜像仓库（${pulledAs.split("@")[0]}），不是你自己构建的：请用 \`docker build\` 自己构建。`,
    );
  }
  const layers = info.RootFS?.Layers?.length ?? 0;
  if (layers !== 1) {
    return msg(
      `${name} has ${layers} layers, so it was built on top of a base image. Build it FROM scratch: the Dockerfile's first line must be \`FROM scratch\`, with one ADD of your program.`,
      `${name} 有 ${layers} 层，说明它建立在某个基础镜像之上。请从零构建：Dockerfile 第一行必须是 \`FROM scratch\`，并且只 ADD 你的程序。`,
    );
  }
  const actual = info.Config?.Cmd ?? [];
  if (JSON.stringify(actual) !== JSON.stringify(cmd)) {
    return msg(
      `${name} has CMD ${JSON.stringify(actual)}; it must be exactly ${JSON.stringify(cmd)}.`,
      `${name} 的 CMD 是 ${JSON.stringify(actual)}，必须正好是 ${JSON.stringify(cmd)}。`,
    );
  }
  return undefined;
}

export function stringList(raw: unknown, what: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s) => typeof s === "string")) {
    throw new CheckParamError(`${what} must be a list of strings`);
  }
  return raw as string[];
}

export function stringParam(raw: unknown, what: string): string {
  if (typeof raw !== "string" || raw === "") throw new CheckParamError(`${what} must be a non-empty string`);
  return raw;
}
