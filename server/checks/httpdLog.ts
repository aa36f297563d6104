// What busybox's web server writes when started with -v: one line per request it answered,
// "[client address]:client port: response:status". Reading these lines from a server's own
// log shows who really reached it, and from where, whatever the learner typed.

export interface HttpdRequest {
  /** The client's address as the server saw it (IPv4 shown without its ::ffff: prefix). */
  client: string;
  status: number;
}

const RESPONSE_LINE = /^\[(?:::ffff:)?([0-9a-fA-F.:]+)\]:\d+: response:(\d{3})\s*$/;

/** The requests a busybox httpd -v log records, in order. */
export function httpdRequests(log: string): HttpdRequest[] {
  return log.split(/\r?\n/).flatMap((line) => {
    const m = RESPONSE_LINE.exec(line.trim());
    return m ? [{ client: m[1], status: Number(m[2]) }] : [];
  });
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Whether an IPv4 address lies in a subnet written a.b.c.d/len (false for anything else). */
export function inSubnet(ip: string, cidr: string): boolean {
  const [base, lenText] = cidr.split("/");
  const len = Number(lenText);
  const a = ipv4ToNumber(ip);
  const b = ipv4ToNumber(base ?? "");
  if (a === undefined || b === undefined || !Number.isInteger(len) || len < 0 || len > 32) return false;
  const size = 2 ** (32 - len);
  return Math.floor(a / size) === Math.floor(b / size);
}
