// What `docker diff` shows: the paths a container's writable layer added, changed or
// deleted against its image (GET /containers/{id}/changes). The daemon reads the layer
// itself, so this is the container's state, never what the learner typed.
import type Docker from "dockerode";

export type ChangeKind = "changed" | "added" | "deleted";

/** The API's Kind numbers, in `docker diff`'s letters C, A and D. */
const KINDS: Record<number, ChangeKind> = { 0: "changed", 1: "added", 2: "deleted" };

export interface Change {
  path: string;
  kind: ChangeKind;
}

export async function containerChanges(docker: Docker, container: string): Promise<Change[]> {
  const raw = ((await docker.getContainer(container).changes()) ?? []) as { Path: string; Kind: number }[];
  return raw.flatMap((c) => (KINDS[c.Kind] ? [{ path: c.Path, kind: KINDS[c.Kind] }] : []));
}
