// A lesson's setup: containers it starts in the learner's box when the lesson is opened
// (e.g. one that prints a secret into its logs). Idempotent: a container already there is
// left alone; a missing image is pulled from the lab registry first, by digest when
// `byDigest` is given, so the set-up never makes a tag an exercise would count.
import type Docker from "dockerode";
import { LESSON_SETUP_LABEL } from "../checks/types.ts";
import { followProgress } from "../docker/progress.ts";
import type { SetupContainer } from "./catalog.ts";


async function exists(docker: Docker, ref: { inspect(): Promise<unknown> }): Promise<boolean> {
  try {
    await ref.inspect();
    return true;
  } catch {
    return false;
  }
}

export async function ensureLessonSetup(
  docker: Docker,
  lessonId: string,
  setup: readonly SetupContainer[],
  byDigest?: (image: string) => Promise<string>,
): Promise<void> {
  for (const s of setup) {
    const container = docker.getContainer(s.container);
    if (await exists(docker, container)) {
      const info = (await container.inspect()) as Docker.ContainerInspectInfo;
      if (!info.State.Running) await container.start();
      continue;
    }
    let image = s.image;
    if (!(await exists(docker, docker.getImage(image)))) {
      if (byDigest) image = await byDigest(image);
      await followProgress(docker, await docker.pull(image));
    }
    const created = await docker.createContainer({ name: s.container, Image: image, Cmd: s.cmd, Labels: { [LESSON_SETUP_LABEL]: lessonId } });
    await created.start();
  }
}
