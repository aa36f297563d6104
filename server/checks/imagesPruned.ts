// `docker image prune` removed dangling images during this lesson, and none is left. The
// daemon records a prune as an image "prune" event whose only attribute is the space it
// reclaimed, right after a "delete" event for each image it removed. Removing dangling
// images one by one (`docker rmi`) leaves no prune; a prune that found nothing to remove
// leaves one with no delete before it.
import type Docker from "dockerode";
import { pastEvents, type DaemonEvent } from "./daemonEvents.ts";
import { msg, type CheckKind } from "./types.ts";

/**
 * A prune logs its event microseconds after its last delete; a `docker rmi` before a prune
 * that found nothing is another request, another CLI run, at least ~10 ms earlier.
 */
export const PRUNE_DELETE_GAP_NS = 5e6;

/** The prune events (oldest first) that removed at least one image. */
export function effectivePrunes(events: readonly DaemonEvent[]): DaemonEvent[] {
  const image = events.filter((e) => e.Type === "image");
  return image.filter((e, i) => {
    if (e.Action !== "prune") return false;
    // Space freed means images went; a dangling image that shared all its layers frees
    // none, and then its delete just before the prune is what tells.
    if (Number(e.Actor.Attributes?.reclaimed) > 0) return true;
    const before = image[i - 1];
    return before?.Action === "delete" && e.timeNano - before.timeNano <= PRUNE_DELETE_GAP_NS;
  });
}

async function danglingLeft(docker: Docker): Promise<{ id: string; usedBy: string[] }[]> {
  const dangling = await docker.listImages({ filters: { dangling: ["true"] } });
  if (dangling.length === 0) return [];
  const containers = await docker.listContainers({ all: true });
  return dangling.map((i) => ({
    id: i.Id.replace(/^sha256:/, "").slice(0, 12),
    usedBy: containers.filter((c) => c.ImageID === i.Id).map((c) => c.Names[0]?.replace(/^\//, "") ?? c.Id.slice(0, 12)),
  }));
}

export const imagesPruned: CheckKind<Record<string, never>> = {
  kind: "images-pruned",
  triggers: ["image"],
  parse() {
    return {};
  },
  async run({ docker, since }) {
    const events = await pastEvents(docker, { type: ["image"], event: ["delete", "prune"] }, since);
    const prunes = events.filter((e) => e.Action === "prune");
    if (prunes.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          "No `docker image prune` since you opened this lesson: leave a dangling image behind, then prune.",
          "自你打开本课以来还没有运行过 `docker image prune`：先留下一个悬空镜像，再清理。",
        ),
      };
    }
    const removed = effectivePrunes(events);
    if (removed.length === 0) {
      return {
        passed: false,
        message: msg(
          "Your `docker image prune` found no dangling image to remove. Make one first (commit `patient` again as `patched`, so the older `patched` loses its name), check with `docker images -f dangling=true`, then prune.",
          "你的 `docker image prune` 没找到可删的悬空镜像。先造一个（把 `patient` 再提交一次为 `patched`，旧的 `patched` 就失去了名字），用 `docker images -f dangling=true` 确认，再清理。",
        ),
      };
    }
    const left = await danglingLeft(docker);
    if (left.length > 0) {
      const used = left.find((l) => l.usedBy.length);
      const ids = left.map((l) => l.id).slice(0, 5).join(", ");
      return {
        passed: false,
        message: used
          ? msg(
              `Dangling images are still here (${ids}): prune keeps images a container uses, and ${used.usedBy.join(", ")} uses ${used.id}. Remove that container, then prune again.`,
              `还有悬空镜像（${ids}）：prune 不删被容器用着的镜像，而 ${used.usedBy.join("、")} 正在用 ${used.id}。删掉这个容器，再清理一次。`,
            )
          : msg(`Dangling images are still here (${ids}): run \`docker image prune\` again.`, `还有悬空镜像（${ids}）：请再运行一次 \`docker image prune\`。`),
      };
    }
    return {
      passed: true,
      message: msg("`docker image prune` removed your dangling images, and none is left.", "`docker image prune` 删掉了你的悬空镜像，一个都没剩。"),
    };
  },
};
