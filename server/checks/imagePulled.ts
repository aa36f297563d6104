// An image came from a registry (docker pull), not from `docker tag` or `docker build`:
// the daemon records a repo digest for a repository only when it pulled (or pushed) it.
import { pastEvents, recordedEvents, type DaemonEvent } from "./daemonEvents.ts";
import { stringParam } from "./imageMatch.ts";
import { CheckParamError, msg, type CheckKind } from "./types.ts";

interface Params {
  repository: string;
  /** An exact tag, or "!latest" for any tag but latest. */
  tag: string;
}

/** A tag as Docker allows it. */
const TAG = /^[\w][\w.-]{0,127}$/;

const pulledMessage = (ref: string) => ({ passed: true, message: msg(`${ref} was pulled from a registry.`, `${ref} 是从镜像仓库拉取的。`) });

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
  async run({ docker, since }, p) {
    const wantTag = (t: string) => (p.tag.startsWith("!") ? t !== p.tag.slice(1) : t === p.tag);
    const shown = p.tag.startsWith("!") ? `${p.repository}:<a tag other than ${p.tag.slice(1)}>` : `${p.repository}:${p.tag}`;
    const names = digestNames(p.repository);
    const sameRef = (a: string | undefined, ref: string) => !!a && names.some((n) => a === `${n}${ref.slice(p.repository.length)}`);
    // When a name was last pulled, and last given by `docker tag` (0: never), in these events.
    const lastPull = (events: DaemonEvent[], ref: string) => Math.max(0, ...events.filter((e) => e.Action === "pull" && sameRef(e.Actor.ID, ref)).map((e) => e.timeNano));
    const lastTag = (events: DaemonEvent[], ref: string) => Math.max(0, ...events.filter((e) => e.Action === "tag" && sameRef(e.Actor.Attributes?.name, ref)).map((e) => e.timeNano));
    // The tag a pull event's name gives the repository (not "5000/x:1" of a registry busybox:5000).
    const tagIn = (name: string) => names.map((n) => (name.startsWith(`${n}:`) ? name.slice(n.length + 1) : undefined)).find((t) => t !== undefined && TAG.test(t));
    // When the box watcher holds the daemon's whole history, a pull event of a tag the
    // exercise accepts, since it began to count and not named over by a `docker tag` since,
    // settles it: the daemon logs a pull only once the image is in. No round trip then, to a
    // daemon that a class pulling together slows to hundreds of milliseconds an answer.
    const recorded = since === undefined ? undefined : recordedEvents(docker, { type: ["image"] }, since);
    const pulledRefs = [...(recorded ?? [])].reverse().flatMap((e) => {
      const tag = e.Action === "pull" ? tagIn(e.Actor.ID) : undefined;
      return tag !== undefined && wantTag(tag) ? [`${p.repository}:${tag}`] : [];
    });
    const proven = pulledRefs.find((ref) => lastTag(recorded!, ref) <= lastPull(recorded!, ref));
    if (proven) return pulledMessage(proven);
    // The images and the daemon's history, asked for at once: on a busy machine (a class
    // pulling together) each answer can take a box daemon hundreds of milliseconds, and this
    // check runs on image events only, so the history is seldom asked for in vain.
    const [images, events] = await Promise.all([docker.listImages(), recorded ?? pastEvents(docker, { type: ["image"] }, since)]);
    // Every local tag of the repository that the exercise accepts, with its image.
    const candidates = images.flatMap((image) =>
      (image.RepoTags ?? [])
        .filter((rt) => rt.slice(0, rt.lastIndexOf(":")) === p.repository && wantTag(rt.slice(rt.lastIndexOf(":") + 1)))
        .map((ref) => ({ ref, image })),
    );
    if (candidates.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(`There is no ${shown} yet. Pull it with \`docker pull\`.`, `还没有 ${shown}。用 \`docker pull\` 拉取它。`),
      };
    }
    // The daemon keeps digests per repository, not per tag: a `docker tag busybox busybox:x`
    // after a pull has them too. So a tag counts as pulled when its image has the
    // repository's digest and no `docker tag` made that name after its last pull.
    // In Shiplab only a pull since the lesson was opened counts (not one from before, nor the
    // lesson's own set-up, which pulls by digest and so never makes a tag).
    let pulledBefore: string | undefined;
    for (const { ref, image } of candidates) {
      const hasDigest = (image.RepoDigests ?? []).some((d) => names.includes(d.slice(0, d.indexOf("@"))));
      const [pulled, tagged] = [lastPull(events, ref), lastTag(events, ref)];
      if (hasDigest && tagged <= pulled && (since === undefined || pulled > 0)) {
        return pulledMessage(ref);
      }
      // Pulled, but before this exercise began to count (its lesson opened, or a reset).
      if (hasDigest && since !== undefined && pulled === 0 && tagged === 0) pulledBefore ??= ref;
    }
    if (pulledBefore) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          `${pulledBefore} was pulled before you started this exercise: pull it again now, with \`docker pull ${pulledBefore}\`.`,
          `${pulledBefore} 是在开始这个练习之前拉取的：请现在用 \`docker pull ${pulledBefore}\` 再拉取一次。`,
        ),
      };
    }
    const ref = candidates[0].ref;
    return {
      passed: false,
      message: msg(
        `${ref} is here, but it was not pulled from a registry (it was made with docker tag or docker build). Remove it with \`docker rmi ${ref}\` and pull it.`,
        `${ref} 存在，但不是从镜像仓库拉取的（它是用 docker tag 或 docker build 得到的）。先用 \`docker rmi ${ref}\` 删除，再拉取。`,
      ),
    };
  },
};
