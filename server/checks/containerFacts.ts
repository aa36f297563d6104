// Small readings of a container's state that several network and storage checks share.
import type Docker from "dockerode";
import { containerOutput } from "./logs.ts";
import { LESSON_SETUP_LABEL, type CheckResult, type Localized } from "./types.ts";

export const nameOf = (info: { Name: string }): string => info.Name.replace(/^\//, "");

/**
 * The learner's containers (not a lesson's own), newest first, full inspect data. With
 * `since`, only those created at or after it: one left from before the lesson opened is not
 * work for this lesson. (Created is in whole seconds; `since` in ms.)
 */
export async function learnerContainers(docker: Docker, since?: number): Promise<Docker.ContainerInspectInfo[]> {
  const fromSecond = since === undefined ? 0 : Math.floor(since / 1000);
  const list = (await docker.listContainers({ all: true }))
    .filter((c) => !c.Labels?.[LESSON_SETUP_LABEL] && c.Created >= fromSecond)
    .sort((a, b) => b.Created - a.Created);
  const out: Docker.ContainerInspectInfo[] = [];
  for (const c of list) {
    const info = await docker.getContainer(c.Id).inspect().catch(() => undefined);
    if (info) out.push(info);
  }
  return out;
}

/** What a container printed since `since` (ms; everything without it). */
export function outputSince(docker: Docker, info: Docker.ContainerInspectInfo, since?: number): Promise<string> {
  const range = { since: since === undefined ? 0 : Math.floor(since / 1000), until: Math.ceil(Date.now() / 1000) + 1 };
  return containerOutput(docker, info.Id, Boolean(info.Config.Tty), range);
}

/** The main command a container was created with, as one line (entrypoint and arguments). */
export function commandLine(info: Docker.ContainerInspectInfo): string {
  const entry = info.Config.Entrypoint;
  const parts = [...(Array.isArray(entry) ? entry : entry ? [entry] : []), ...(info.Config.Cmd ?? [])];
  return parts.join(" ");
}

/** A judge's word on one container: undefined when the container is not an attempt at all. */
export type ContainerVerdict = { passed: boolean; why: Localized } | undefined;

/**
 * The learner's containers since `since`, judged one by one, newest first: passed on the
 * first that passes; else failed, saying why for the newest attempt; else (no attempt)
 * pending with `none`, the sentence that says what to do.
 */
export async function judgeLearnerContainers(
  docker: Docker,
  since: number | undefined,
  judge: (info: Docker.ContainerInspectInfo) => ContainerVerdict | Promise<ContainerVerdict>,
  none: Localized,
): Promise<CheckResult> {
  let first: Localized | undefined;
  for (const info of await learnerContainers(docker, since)) {
    const r = await judge(info);
    if (r?.passed) return { passed: true, message: r.why };
    if (r) first ??= r.why;
  }
  return first ? { passed: false, message: first } : { passed: false, attempted: false, message: none };
}
