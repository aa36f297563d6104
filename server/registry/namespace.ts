// Each learner's own namespace in the lab registry: what they may push under
// (registry.lab:5000/<namespace>/…), enforced by the lab gate. Derived from the learner's
// id, so it is stable across devices and restarts, and always a valid repository name.
export const namespaceOf = (learnerId: string): string => `u${learnerId.slice(0, 10).toLowerCase()}`;

/** The repository a registry API path names (`/v2/<name>/manifests|blobs|tags/…`), or undefined. */
export function repositoryOf(apiPath: string): string | undefined {
  const m = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(apiPath);
  return m?.[1];
}
