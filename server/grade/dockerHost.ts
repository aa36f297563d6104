// `--docker-host unix:///path` or `tcp://host:port` → a Docker client with a time-out.
import Docker from "dockerode";

export class UsageError extends Error {}

export function dockerFromHost(url: string, timeoutMs = 15_000): Docker {
  const unix = /^unix:\/\/(\/.+)$/.exec(url);
  if (unix) return new Docker({ socketPath: unix[1], timeout: timeoutMs });
  const tcp = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/.exec(url);
  if (tcp && Number(tcp[2]) > 0 && Number(tcp[2]) < 65536) {
    return new Docker({ host: tcp[1].replace(/^\[|\]$/g, ""), port: Number(tcp[2]), protocol: "http", timeout: timeoutMs });
  }
  throw new UsageError(`--docker-host ${url} is not unix:///path/to/docker.sock or tcp://host:port`);
}
