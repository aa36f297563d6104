// Two containers on a network of the learner's own, one reaching the other by its name.
// Docker's embedded DNS answers container names only on user-defined networks, and the
// daemon keeps what is needed to see it happened: the server's access log (busybox httpd
// -v) records a request from another address on that network, and the client's command
// (its own, or one run in it with docker exec) names the server or one of its aliases.
import type Docker from "dockerode";
import { commandLine, learnerContainers, nameOf, outputSince } from "./containerFacts.ts";
import { pastEvents } from "./daemonEvents.ts";
import { httpdRequests, inSubnet } from "./httpdLog.ts";
import { msg, type CheckKind, type Localized } from "./types.ts";

type Params = Record<string, never>;

/** Docker's own networks: names are not resolved on the default bridge, and host/none have none. */
const BUILT_IN = new Set(["bridge", "host", "none"]);

interface UserNetwork {
  id: string;
  name: string;
  subnets: string[];
  gateways: Set<string>;
}

async function userNetworks(docker: Docker, since: number | undefined): Promise<UserNetwork[]> {
  const out: UserNetwork[] = [];
  for (const n of await docker.listNetworks()) {
    if (BUILT_IN.has(n.Name) || n.Driver !== "bridge") continue;
    // A network made before the lesson was opened is not this lesson's work.
    if (since !== undefined && Date.parse(n.Created) < Math.floor(since / 1000) * 1000) continue;
    const config = n.IPAM?.Config ?? [];
    out.push({
      id: n.Id,
      name: n.Name,
      subnets: config.map((c) => c.Subnet ?? "").filter(Boolean),
      gateways: new Set(config.map((c) => c.Gateway ?? "").filter(Boolean)),
    });
  }
  return out;
}

/** Names a container answers to on a network: its own name and the aliases it was given there. */
export function namesOn(info: Docker.ContainerInspectInfo, network: string): string[] {
  const ep = info.NetworkSettings.Networks?.[network] as { Aliases?: string[] | null; DNSNames?: string[] | null } | undefined;
  const names = new Set([nameOf(info), ...(ep?.Aliases ?? []), ...(ep?.DNSNames ?? [])]);
  // An alias may be the short ID; that is not a name anyone types to reach a server.
  return [...names].filter((n) => n && !info.Id.startsWith(n));
}

/** Whether a command line names a host: as a word of its own, or in a URL (http://web:80/…). */
export function commandNames(command: string, host: string): boolean {
  const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[\\s@'"=]|//)${escaped}($|[\\s:/'"])`).test(command);
}

/** What was run in a container: its own command, then every docker exec since `since`. */
async function commandsRunIn(docker: Docker, info: Docker.ContainerInspectInfo, since: number | undefined): Promise<string[]> {
  const execs = await pastEvents(docker, { type: ["container"], container: [info.Id], event: ["exec_start"] }, since);
  return [commandLine(info), ...execs.map((e) => e.Action.replace(/^exec_start:\s*/, ""))];
}

async function judgeNetwork(docker: Docker, net: UserNetwork, members: Docker.ContainerInspectInfo[], since: number | undefined): Promise<{ passed: boolean; why: Localized }> {
  if (members.length < 2) {
    const who = members.length ? nameOf(members[0]) : "no container";
    return {
      passed: false,
      why: msg(
        `Network ${net.name} has only ${who} on it: start a second container with \`--network ${net.name}\`.`,
        `网络 ${net.name} 上只有 ${members.length ? who : "零个容器"}：请用 \`--network ${net.name}\` 再启动一个容器。`,
      ),
    };
  }
  let reachedByIp: string | undefined;
  for (const server of members) {
    const fromPeers = httpdRequests(await outputSince(docker, server, since)).filter(
      (r) => net.subnets.some((s) => inSubnet(r.client, s)) && !net.gateways.has(r.client),
    );
    if (fromPeers.length === 0) continue;
    const names = namesOn(server, net.name);
    for (const client of members) {
      if (client.Id === server.Id) continue;
      const commands = await commandsRunIn(docker, client, since);
      const named = names.find((n) => commands.some((c) => commandNames(c, n)));
      if (named) {
        return {
          passed: true,
          why: msg(
            `${nameOf(client)} reached ${nameOf(server)} by the name "${named}" on network ${net.name}.`,
            `${nameOf(client)} 在网络 ${net.name} 上通过名字 "${named}" 访问到了 ${nameOf(server)}。`,
          ),
        };
      }
    }
    reachedByIp ??= nameOf(server);
  }
  if (reachedByIp) {
    return {
      passed: false,
      why: msg(
        `${reachedByIp} on ${net.name} was reached from another container, but not by its name: use \`wget -qO- http://${reachedByIp}/…\` instead of an IP address.`,
        `${net.name} 上的 ${reachedByIp} 被另一个容器访问到了，但用的不是它的名字：请用 \`wget -qO- http://${reachedByIp}/…\`，不要用 IP 地址。`,
      ),
    };
  }
  return {
    passed: false,
    why: msg(
      `No container on ${net.name} has logged a request from another one yet. Run a web server with \`httpd -f -v\` there, and reach it by name from the other container.`,
      `${net.name} 上还没有容器记录到来自另一个容器的请求。请在这个网络上用 \`httpd -f -v\` 运行一个 Web 服务器，再从另一个容器通过名字访问它。`,
    ),
  };
}

export const networkReachedByName: CheckKind<Params> = {
  kind: "network-reached-by-name",
  triggers: ["container", "network", "output"],
  parse() {
    return {};
  },
  async run({ docker, since }) {
    const networks = await userNetworks(docker, since);
    if (networks.length === 0) {
      return {
        passed: false,
        attempted: false,
        message: msg("No network of your own yet: create one with `docker network create`.", "还没有你自己的网络：请用 `docker network create` 创建一个。"),
      };
    }
    const containers = await learnerContainers(docker, since);
    let first: Localized | undefined;
    for (const net of networks) {
      const members = containers.filter((c) => Object.entries(c.NetworkSettings.Networks ?? {}).some(([n, ep]) => n === net.name || ep.NetworkID === net.id));
      const r = await judgeNetwork(docker, net, members, since);
      if (r.passed) return { passed: true, message: r.why };
      first ??= r.why;
    }
    return { passed: false, message: first! };
  },
};
