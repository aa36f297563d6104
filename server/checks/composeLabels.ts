// The labels Docker Compose puts on everything it makes, and reading a project back from
// them: its containers (by service), networks and volumes. `docker run --label` could copy
// one label, but Compose writes a set (project, service, version, config files); a project
// counts only with the whole set.
import type Docker from "dockerode";
import { LESSON_SETUP_LABEL } from "./types.ts";

export const PROJECT = "com.docker.compose.project";
export const SERVICE = "com.docker.compose.service";
export const NETWORK = "com.docker.compose.network";
export const VOLUME = "com.docker.compose.volume";
const VERSION = "com.docker.compose.version";
const CONFIG_FILES = "com.docker.compose.project.config_files";
const ONEOFF = "com.docker.compose.oneoff";

/** Whether a container's labels are the set Compose writes (not one label copied by hand). */
export function madeByCompose(labels: Record<string, string> | undefined): boolean {
  return Boolean(labels?.[PROJECT] && labels[SERVICE] && labels[VERSION] && labels[CONFIG_FILES]);
}

export interface ComposeProject {
  name: string;
  /** The project's containers, newest first. */
  containers: Docker.ContainerInfo[];
  services: string[];
}

/** The Compose projects whose containers were created since `since` (ms), by name. */
export async function composeProjects(docker: Docker, since?: number): Promise<ComposeProject[]> {
  const fromSecond = since === undefined ? 0 : Math.floor(since / 1000);
  const list = (await docker.listContainers({ all: true, filters: { label: [PROJECT] } }))
    // A `docker compose run` container (oneoff) is a one-time task, not the project being up.
    .filter((c) => !c.Labels?.[LESSON_SETUP_LABEL] && madeByCompose(c.Labels) && c.Labels[ONEOFF] !== "True" && c.Created >= fromSecond)
    .sort((a, b) => b.Created - a.Created);
  const byName = new Map<string, Docker.ContainerInfo[]>();
  for (const c of list) byName.set(c.Labels[PROJECT], [...(byName.get(c.Labels[PROJECT]) ?? []), c]);
  return [...byName].map(([name, containers]) => ({
    name,
    containers,
    services: [...new Set(containers.map((c) => c.Labels[SERVICE]))].sort(),
  }));
}
