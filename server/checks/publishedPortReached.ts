// A container publishes a port (-p) and someone in the box really reached it through that
// port. The evidence is the server's own access log (busybox httpd -v). A request through a
// published port arrives either from the network's gateway (the box's side of Docker's
// bridge: `curl localhost:8080`, relayed by docker-proxy) or from one of the box's own
// addresses (`wget <box address>:8080`: the kernel rewrites the destination and keeps the
// source). One made inside the container comes from 127.0.0.1, and one from another
// container from that container's address, inside one of the daemon's networks. Judged on
// containers created since the lesson opened.
import { isIPv4 } from "node:net";
import type Docker from "dockerode";
import { commandLine, learnerContainers, nameOf, outputSince } from "./containerFacts.ts";
import { httpdRequests, inSubnet } from "./httpdLog.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

/** "8080->80/tcp" for each port the container publishes (its settings, kept after it stops). */
export function publishedPorts(info: Docker.ContainerInspectInfo): string[] {
  const bindings: Record<string, { HostPort?: string }[] | null> = {
    ...(info.HostConfig.PortBindings ?? {}),
    ...((info.NetworkSettings.Ports as Record<string, { HostPort?: string }[] | null>) ?? {}),
  };
  const out = new Set<string>();
  for (const [port, list] of Object.entries(bindings)) {
    for (const b of list ?? []) if (b.HostPort) out.add(`${b.HostPort}->${port}`);
  }
  return [...out];
}

/** The daemon's networks, asked for once per check run and only when a request needs judging. */
type Networks = () => Promise<Docker.NetworkInspectInfo[]>;

function networksOnce(docker: Docker): Networks {
  let listed: Promise<Docker.NetworkInspectInfo[]> | undefined;
  return () => (listed ??= docker.listNetworks());
}

/** The gateways of the networks a container is attached to (read from the networks themselves, as a stopped container keeps no addresses). */
function gatewaysOf(info: Docker.ContainerInspectInfo, nets: Docker.NetworkInspectInfo[]): Set<string> {
  const out = new Set<string>();
  for (const [name, ep] of Object.entries(info.NetworkSettings.Networks ?? {})) {
    if (ep.Gateway) out.add(ep.Gateway);
    const net = nets.find((n) => (ep.NetworkID ? n.Id === ep.NetworkID : n.Name === name));
    for (const c of net?.IPAM?.Config ?? []) if (c.Gateway) out.add(c.Gateway);
  }
  return out;
}

/** The subnets of all the daemon's networks: a client inside one is a container (or its gateway). */
function subnetsOf(nets: Docker.NetworkInspectInfo[]): string[] {
  return nets.flatMap((n) => (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])));
}

/** An IPv4 client outside loopback and outside every container network: the box itself. */
function isTheBox(client: string, subnets: string[]): boolean {
  return isIPv4(client) && !inSubnet(client, "127.0.0.0/8") && !subnets.some((s) => inSubnet(client, s));
}

async function judge(docker: Docker, networks: Networks, info: Docker.ContainerInspectInfo, since: number | undefined): Promise<{ passed: boolean; why: Localized }> {
  const name = nameOf(info);
  const ports = publishedPorts(info);
  const requests = httpdRequests(await outputSince(docker, info, since));
  if (requests.length === 0) {
    if (!/httpd/.test(commandLine(info)) || !/(^|\s)-\w*v/.test(commandLine(info))) {
      return {
        passed: false,
        why: msg(
          `${name} publishes ${ports.join(", ")}, but it does not log requests: run busybox's web server with -v, e.g. \`httpd -f -v -p 80\`.`,
          `${name} 发布了 ${ports.join("、")}，但它不记录请求：请用 -v 运行 busybox 的 Web 服务器，比如 \`httpd -f -v -p 80\`。`,
        ),
      };
    }
    const hostPort = ports[0].split("->")[0];
    return {
      passed: false,
      why: msg(
        `${name} publishes ${ports.join(", ")}, but nobody has reached it yet: try \`curl http://localhost:${hostPort}/\`.`,
        `${name} 发布了 ${ports.join("、")}，但还没有人访问过它：试试 \`curl http://localhost:${hostPort}/\`。`,
      ),
    };
  }
  const nets = await networks();
  const gateways = gatewaysOf(info, nets);
  const subnets = subnetsOf(nets);
  const through = requests.find((r) => gateways.has(r.client) || isTheBox(r.client, subnets));
  if (through) {
    return {
      passed: true,
      why: msg(
        `${name} publishes ${ports.join(", ")}, and its log shows a request that came in through it (answered ${through.status}).`,
        `${name} 发布了 ${ports.join("、")}，它的日志里有一个经由这个端口进来的请求（响应 ${through.status}）。`,
      ),
    };
  }
  const from = requests.at(-1)!.client;
  return {
    passed: false,
    why: msg(
      `${name} was reached from ${from}, which is inside the container or another container, not through the published port. Reach it from your box: \`curl http://localhost:${ports[0].split("->")[0]}/\`.`,
      `${name} 收到的请求来自 ${from}，那是容器内部或另一个容器，而不是经由发布的端口。请从沙箱里访问它：\`curl http://localhost:${ports[0].split("->")[0]}/\`。`,
    ),
  };
}

export const publishedPortReached: CheckKind<Params> = {
  kind: "published-port-reached",
  triggers: ["container", "output"],
  parse() {
    return {};
  },
  async run({ docker, since }) {
    const containers = await learnerContainers(docker, since);
    if (containers.length === 0) {
      return { passed: false, attempted: false, message: msg("No container yet.", "还没有容器。") };
    }
    const publishing = containers.filter((c) => publishedPorts(c).length > 0);
    if (publishing.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg(
          "None of your containers publishes a port yet: start one with -p, e.g. `-p 8080:80`.",
          "你的容器都还没有发布端口：请用 -p 启动一个，比如 `-p 8080:80`。",
        ),
      };
    }
    const networks = networksOnce(docker);
    let first: Localized | undefined;
    for (const info of publishing) {
      const r = await judge(docker, networks, info, since);
      if (r.passed) return { passed: true, message: r.why };
      first ??= r.why;
    }
    return { passed: false, message: first! };
  },
};
