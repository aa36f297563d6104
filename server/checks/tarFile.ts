// Reads one regular file out of the tar stream the Docker API returns for
// GET /containers/{id}/archive (ustar: 512-byte header, size in octal at offset 124).
export function firstFileOfTar(tar: Buffer): { name: string; content: Buffer } | undefined {
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const body = offset + 512;
    if (type === "0" || type === "\0") return { name, content: tar.subarray(body, body + size) };
    offset = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
