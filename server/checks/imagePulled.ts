// An image came from a registry (docker pull), not from `docker tag` or `docker build`:
// the daemon records a repo digest for a repository only when it pulled (or pushed) it.
import { stringParam } from "./imageMatch.ts";
import { CheckParamError, msg, type CheckKind } from "./types.ts";

interface Params {
  repository: string;
  /** An exact tag, or "!latest" for any tag but latest. */
  tag: string;
}

/** The name a RepoDigest carries for an official image pulled by its short name. */
const digestNames = (repository: string) => [repository, `docker.io/library/${repository}`, `library/${repository}`];

export const imagePulled: CheckKind<Params> = {
  kind: "image-pulled",
  triggers: ["image"],
  parse(raw) {
    const repository = stringParam(raw.repository, "repository");
    const tag = raw.tag === undefined ? "latest" : stringParam(raw.tag, "tag");
    if (!/^!?[\w][\w.-]*$/.test(tag)) throw new CheckParamError(`tag ${tag} is not a tag`);
    return { repository, tag };
  },
  async run({ docker }, p) {
    const wantTag = (t: string) => (p.tag.startsWith("!") ? t !== p.tag.slice(1) : t === p.tag);
    const shown = p.tag.startsWith("!") ? `${p.repository}:<a tag other than ${p.tag.slice(1)}>` : `${p.repository}:${p.tag}`;
    const images = await docker.listImages();
    const tagged = images.filter((i) =>
      (i.RepoTags ?? []).some((rt) => {
        const at = rt.lastIndexOf(":");
        return rt.slice(0, at) === p.repository && wantTag(rt.slice(at + 1));
      }),
    );
    if (tagged.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(`There is no ${shown} yet. Pull it with \`docker pull\`.`, `还没有 ${shown}。用 \`docker pull\` 拉取它。`),
      };
    }
    const names = digestNames(p.repository);
    const pulled = tagged.find((i) => (i.RepoDigests ?? []).some((d) => names.includes(d.slice(0, d.indexOf("@")))));
    if (pulled) {
      const tag = (pulled.RepoTags ?? []).find((rt) => rt.startsWith(`${p.repository}:`)) ?? shown;
      return { passed: true, message: msg(`${tag} was pulled from a registry.`, `${tag} 是从镜像仓库拉取的。`) };
    }
    return {
      passed: false,
      message: msg(
        `${shown} is here, but it was not pulled from a registry (it was made with docker tag or docker build). Remove it with \`docker rmi\` and pull it.`,
        `${shown} 存在，但不是从镜像仓库拉取的（它是用 docker tag 或 docker build 得到的）。先用 \`docker rmi\` 删除，再拉取。`,
      ),
    };
  },
};
