// An image of the lab registry by digest ("busybox@sha256:…"): what a lesson's set-up
// pulls, so that it leaves no tag in the learner's box for an exercise to find (a pulled
// `busybox:latest` would pass "pull busybox" before the learner did anything).
import { registryRequest } from "./registryHttp.ts";

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

/** The digest the lab registry serves for repository:tag, or undefined when it has none. */
export async function manifestDigest(registryUrl: string, repository: string, tag: string, timeoutMs = 5000): Promise<string | undefined> {
  const res = await registryRequest(`${registryUrl}/v2/${repository}/manifests/${encodeURIComponent(tag)}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_TYPES },
    timeoutMs,
  });
  const digest = res.headers["docker-content-digest"];
  return res.status >= 200 && res.status < 300 && typeof digest === "string" ? digest : undefined;
}

/** "busybox" → library/busybox:latest; "ada/app:1" → ada/app:1 (the registry's own names). */
export function registryName(image: string): { name: string; repository: string; tag: string } {
  const colon = image.lastIndexOf(":");
  const hasTag = colon > image.lastIndexOf("/");
  const name = hasTag ? image.slice(0, colon) : image;
  return { name, repository: name.includes("/") ? name : `library/${name}`, tag: hasTag ? image.slice(colon + 1) : "latest" };
}

export async function digestRef(registryUrl: string, image: string): Promise<string> {
  const { name, repository, tag } = registryName(image);
  const digest = await manifestDigest(registryUrl, repository, tag, 10_000);
  if (!digest) throw new Error(`the lab registry has no ${image}`);
  return `${name}@${digest}`;
}
