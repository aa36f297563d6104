// What the page's address says: which lesson (/lessons/<id>) or which class (/join/<code>).
// No other imports: the boot script (boot.ts) reads the lesson before anything else loads.

/** "/lessons/intro" → "intro"; anything else → undefined. */
export function lessonIdFromPath(pathname: string): string | undefined {
  const m = /^\/lessons\/([^/]+)\/?$/.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** The URL of a lesson, keeping the current query (e.g. ?lang=). */
export function lessonHref(id: string): string {
  return `/lessons/${encodeURIComponent(id)}${location.search}`;
}

/** "" on /join, the code on /join/CODE, undefined elsewhere. */
export function joinCodeFromPath(pathname: string): string | undefined {
  const m = /^\/join(?:\/([A-Za-z0-9]{1,12}))?\/?$/.exec(pathname);
  return m ? (m[1] ?? "").toUpperCase() : undefined;
}
