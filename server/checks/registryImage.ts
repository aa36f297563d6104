// Pushing to and pulling back from the lab registry, judged by the registry's own answer
// (the manifest it serves) and by the box daemon's records (digests, events).
import type Docker from "dockerode";
import { manifestDigest } from "../registry/digestRef.ts";
import { pastEvents } from "./daemonEvents.ts";
import { repositoryPattern, stringParam } from "./imageMatch.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

interface Params {
  /** How the box names the registry, e.g. registry.lab:5000. */
  registryHost: string;
  /** Repository pattern inside the registry, e.g. "*\/hello-docker". */
  repository: string;
  pattern: RegExp;
}

function parse(raw: Record<string, unknown>): Params {
  const registryHost = stringParam(raw.registryHost, "registryHost");
  const repository = stringParam(raw.repository, "repository");
  return { registryHost, repository, pattern: repositoryPattern(repository) };
}

/**
 * Local tags that name the registry: registry.lab:5000/ada/hello-docker:latest → ada/hello-docker,
 * latest; in Shiplab only those in the learner's own namespace.
 */
async function registryTags(docker: Docker, p: Params, namespace?: string): Promise<{ image: Docker.ImageInfo; repo: string; tag: string }[]> {
  const prefix = `${p.registryHost}/`;
  const own = (rest: string) => namespace === undefined || rest.startsWith(`${namespace}/`);
  return (await docker.listImages()).flatMap((image) =>
    (image.RepoTags ?? [])
      .filter((t) => t.startsWith(prefix) && p.pattern.test(t.slice(prefix.length)) && own(t.slice(prefix.length)))
      .map((t) => {
        const rest = t.slice(prefix.length);
        const at = rest.lastIndexOf(":");
        return { image, repo: rest.slice(0, at), tag: rest.slice(at + 1) };
      }),
  );
}

const noRegistry = msg("This check needs the lab registry's address.", "这项检查需要实验室镜像仓库的地址。");

export const registryPushed: CheckKind<Params> = {
  kind: "registry-pushed",
  triggers: ["image"],
  parse,
  async run({ docker, registryUrl, namespace, since }, p) {
    if (!registryUrl) return { passed: false, message: noRegistry };
    const tags = await registryTags(docker, p, namespace);
    const ns = namespace ?? "ada";
    if (tags.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          `Tag your image for the lab registry first, in your namespace: \`docker tag ada/hello-docker ${p.registryHost}/${ns}/hello-docker\`.`,
          `先给镜像打上实验室镜像仓库的标签，放在你的命名空间下：\`docker tag ada/hello-docker ${p.registryHost}/${ns}/hello-docker\`。`,
        ),
      };
    }
    // In Shiplab the push itself must be this learner's: their daemon recorded it (a pull
    // of the same name from a classmate's namespace would carry the same digest).
    const pushed =
      namespace === undefined
        ? undefined
        : new Set((await pastEvents(docker, { type: ["image"], event: ["push"] }, since)).map((e) => e.Actor.ID));
    let first: Localized | undefined;
    for (const { image, repo, tag } of tags) {
      const name = `${p.registryHost}/${repo}:${tag}`;
      const remote = await manifestDigest(registryUrl, repo, tag);
      const local = (image.RepoDigests ?? []).filter((d) => d.startsWith(`${p.registryHost}/${repo}@`)).map((d) => d.split("@")[1]);
      const pushedHere = !pushed || pushed.has(name) || (tag === "latest" && pushed.has(`${p.registryHost}/${repo}`));
      if (remote && local.includes(remote) && pushedHere) {
        return { passed: true, message: msg(`${name} is in the lab registry, same as your local image.`, `${name} 已在实验室镜像仓库中，与本地镜像一致。`) };
      }
      if (remote && local.includes(remote)) {
        first ??= msg(`${name} came from the registry, but you did not push it from here: \`docker push ${name}\`.`, `${name} 是从仓库拉取的，而不是你从这里推送的：请运行 \`docker push ${name}\`。`);
        continue;
      }
      first ??= remote
        ? msg(`The registry holds another version of ${name}: push it again.`, `仓库里的 ${name} 是另一个版本：请重新推送。`)
        : msg(`${name} is tagged but not in the registry yet: \`docker push ${name}\`.`, `${name} 已打标签，但还不在仓库里：\`docker push ${name}\`。`);
    }
    return { passed: false, message: first! };
  },
};

export const registryRepulled: CheckKind<Params> = {
  kind: "registry-repulled",
  triggers: ["image"],
  parse,
  async run({ docker, since, namespace }, p) {
    const prefix = `${p.registryHost}/`;
    const withTag = (ref: string) => (/:[\w][\w.-]*$/.test(ref.slice(prefix.length)) ? ref : `${ref}:latest`);
    const mine = (rest: string) => namespace === undefined || rest.startsWith(`${namespace}/`);
    const named = (ref: string | undefined) =>
      !!ref && ref.startsWith(prefix) && p.pattern.test(withTag(ref).slice(prefix.length)) && mine(ref.slice(prefix.length));
    // Untag events name the image by its ID only, so: the IDs that ever carried a registry
    // name (tag events), then a delete of such an image (every name gone), then a pull.
    const carried = new Set<string>();
    let untagged = false;
    let deletedAt: number | undefined;
    let pulledBack: string | undefined;
    for (const e of await pastEvents(docker, { type: ["image"] }, since)) {
      if (e.Action === "tag" && named(e.Actor.Attributes?.name)) carried.add(e.Actor.ID);
      else if (e.Action === "untag" && carried.has(e.Actor.ID)) untagged = true;
      else if (e.Action === "delete" && carried.has(e.Actor.ID)) deletedAt = e.timeNano;
      else if (e.Action === "pull" && named(e.Actor.ID) && deletedAt !== undefined && e.timeNano > deletedAt) pulledBack = withTag(e.Actor.ID);
    }
    if (pulledBack && (await registryTags(docker, p, namespace)).some((t) => `${prefix}${t.repo}:${t.tag}` === pulledBack)) {
      return { passed: true, message: msg(`${pulledBack} was removed and pulled back from the lab registry.`, `${pulledBack} 已删除并从实验室镜像仓库重新拉取。`) };
    }
    if (deletedAt !== undefined) {
      return { passed: false, message: msg("Your image is removed; now pull it back from the lab registry with `docker pull`.", "镜像已删除；现在用 `docker pull` 从实验室镜像仓库把它拉回来。") };
    }
    if (untagged) {
      return {
        passed: false,
        message: msg(
          "`docker rmi` removed a name, but the image is still here under another name. Remove every name of it (see `docker images`), then pull it back.",
          "`docker rmi` 只删除了一个名字，镜像还以别的名字存在。删除它的所有名字（见 `docker images`），然后再拉回来。",
        ),
      };
    }
    return {
      passed: false,
      attempted: false,
      message: msg(
        `Remove your pushed image with \`docker rmi\` (every name of it), then pull it back from ${p.registryHost}.`,
        `用 \`docker rmi\` 删除你推送的镜像（它的所有名字），然后再从 ${p.registryHost} 拉回来。`,
      ),
    };
  },
};
