// Whether a command line looks like it writes files (a redirection, touch, tee …). Used to
// tell a container that only READ a volume from one that wrote what it then printed: the
// daemon does not record which process wrote a file, but it keeps each container's command.

const WRITERS = /(^|[\s;&|(`'"])(touch|tee|cp|mv|dd|mkdir|install|ln|rm|truncate|sed\s+-i)\b/;
/** `>` or `>>` outside `2>&1`-style descriptor duplication. */
const REDIRECT = /(^|[^0-9&<>-])>{1,2}(?!&)/;

export function commandWrites(command: string): boolean {
  return WRITERS.test(command) || REDIRECT.test(command.replace(/\d?>&\d/g, ""));
}
