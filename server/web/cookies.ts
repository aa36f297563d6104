// Reading one cookie from a Cookie header: the learner's and the teacher's sessions both do.

/** The raw value of the first cookie named `name`, or undefined when there is none. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
