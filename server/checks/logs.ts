// Reading a container's output through the Docker API: without a TTY the daemon
// multiplexes stdout and stderr into frames (8-byte header: stream, 0, 0, 0, size).
import type Docker from "dockerode";

export function demuxLogs(buf: Buffer): string {
  if (buf.length < 8) return buf.toString("utf8"); // too short to be a frame: plain text
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const stream = buf[i];
    const size = buf.readUInt32BE(i + 4);
    if (stream > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0) return buf.toString("utf8");
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

/**
 * What a container printed (stdout and stderr): its last `tail` lines, or, with `window`,
 * what it printed within that span of seconds since the epoch (its whole log otherwise).
 */
export async function containerOutput(
  docker: Docker,
  id: string,
  tty: boolean,
  range: { tail: number } | { since: number; until: number } = { tail: 200 },
): Promise<string> {
  const raw = (await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, ...range })) as unknown as Buffer;
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
  return tty ? buf.toString("utf8") : demuxLogs(buf);
}
