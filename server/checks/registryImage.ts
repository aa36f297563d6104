// Pushing to and pulling back from the lab registry, judged by the registry's own answer
// (the manifest it serves) and by the box daemon's records (digests, events).
import type Docker from "dockerode";
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

/** Local tags that name the registry: registry.lab:5000/ada/hello-docker:latest → ada/hello-docker, latest. */
async function registryTags(docker: Docker, p: Params): Promise<{ image: Docker.ImageInfo; repo: string; tag: string }[]> {
  const prefix = `${p.registryHost}/`;
  return (await docker.listImages()).flatMap((image) =>
    (image.RepoTags ?? [])
      .filter((t) => t.startsWith(prefix) && p.pattern.test(t.slice(prefix.length)))
      .map((t) => {
        const rest = t.slice(prefix.length);
        const at = rest.lastIndexOf(":");
        return { image, repo: rest.slice(0, at), tag: rest.slice(at + 1) };
      }),
  );
}

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

async function registryDigest(registryUrl: string, repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_TYPES },
    signal: AbortSignal.timeout(5000),
  });
  return res.ok ? (res.headers.get("docker-content-digest") ?? undefined) : undefined;
}

const noRegistry = msg("This check needs the lab registry's address.", "这项检查需要实验室镜像仓库的地址。");

export const registryPushed: CheckKind<Params> = {
  kind: "registry-pushed",
  triggers: ["image"],
  parse,
  async run({ docker, registryUrl }, p) {
    if (!registryUrl) return { passed: false, message: noRegistry };
    const tags = await registryTags(docker, p);
    if (tags.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          `Tag your image for the lab registry first, e.g. \`docker tag ada/hello-docker ${p.registryHost}/ada/hello-docker\`.`,
          `先给镜像打上实验室仓库的标签，例如 \`docker tag ada/hello-docker ${p.registryHost}/ada/hello-docker\`。`,
        ),
      };
    }
    let first: Localized | undefined;
    for (const { image, repo, tag } of tags) {
      const name = `${p.registryHost}/${repo}:${tag}`;
      const remote = await registryDigest(registryUrl, repo, tag);
      const local = (image.RepoDigests ?? []).filter((d) => d.startsWith(`${p.registryHost}/${repo}@`)).map((d) => d.split("@")[1]);
      if (remote && local.includes(remote)) {
        return { passed: true, message: msg(`${name} is in the lab registry, same as your local image.`, `${name} 已在实验室仓库中，与本地镜像一致。`) };
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
  async run({ docker }, p) {
    const prefix = `${p.registryHost}/`;
    const named = (n: string | undefined) => !!n && n.startsWith(prefix) && p.pattern.test(n.slice(prefix.length));
    const events = await pastEvents(docker, { type: ["image"] });
    // An untag (or delete) of a registry name, then a pull of that same name.
    const removedAt = new Map<string, number>();
    let pulledBack: string | undefined;
    for (const e of events) {
      const name = e.Action === "pull" ? e.Actor.ID : e.Actor.Attributes?.name;
      const withTag = name && !/:[\w][\w.-]*$/.test(name.slice(prefix.length)) ? `${name}:latest` : name;
      if (!named(withTag)) continue;
      if (e.Action === "untag" || e.Action === "delete") removedAt.set(withTag!, e.timeNano);
      if (e.Action === "pull" && removedAt.has(withTag!)) pulledBack = withTag;
    }
    if (pulledBack && (await registryTags(docker, p)).some((t) => `${prefix}${t.repo}:${t.tag}` === pulledBack)) {
      return { passed: true, message: msg(`${pulledBack} was removed and pulled back from the lab registry.`, `${pulledBack} 已删除并从实验室仓库重新拉取。`) };
    }
    if (removedAt.size > 0) {
      const name = [...removedAt.keys()][0];
      return { passed: false, message: msg(`${name} was removed; now pull it back: \`docker pull ${name}\`.`, `${name} 已删除；现在把它拉回来：\`docker pull ${name}\`。`) };
    }
    return {
      passed: false,
      attempted: false,
      message: msg(
        `Remove your pushed image with \`docker rmi ${p.registryHost}/…/hello-docker\`, then pull it back.`,
        `用 \`docker rmi ${p.registryHost}/…/hello-docker\` 删除你推送的镜像，然后再拉回来。`,
      ),
    };
  },
};
