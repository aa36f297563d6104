// The network every box of one Shiplab sits on: internal (no route out), no traffic
// between boxes, and a host firewall that lets a box reach only the lab gate. Shiplab's
// engine runs with --iptables=false (it must not rewrite the host's firewall), so the
// rules here are all there is: raw PREROUTING drops whatever a box sends to anything but
// the gateway address, INPUT lets it reach the gate's port and nothing else, FORWARD drops
// anything a box would send through the host, IPv6 is off on the bridge, and each box's
// bridge port is isolated, so boxes cannot reach each other even at layer 2. Docker makes the
// network and its bridge; Shiplab attaches each box to it itself (attachBox).
import crypto from "node:crypto";
import fs from "node:fs";
import type Docker from "dockerode";
import { run } from "../host/run.ts";
import { BoxSubnet } from "./boxAddresses.ts";
import { baseLabels } from "./labels.ts";

export interface BoxNetwork {
  name: string;
  bridge: string;
  gateway: string;
  subnet: string;
}

export interface NetworkNames {
  name: string;
  bridge: string;
  /** filter INPUT: what a box may reach on the host. */
  chain: string;
  /** filter FORWARD: nothing. */
  forwardChain: string;
  /** raw PREROUTING: anything not for the gateway is dropped before any other rule. */
  rawChain: string;
}

export function networkNames(instance: string): NetworkNames {
  const h = crypto.createHash("sha256").update(instance).digest("hex").slice(0, 8);
  // Linux interface names are at most 15 characters.
  return { name: `shiplab-${instance}`, bridge: `shl${h}`, chain: `SHIPLAB-${h}`, forwardChain: `SHIPLAB-${h}-F`, rawChain: `SHIPLAB-${h}-R` };
}

/** The host end of a box's link to the bridge (interface names are at most 15 characters). */
export function boxPortName(boxId: string): string {
  return `shv${boxId}`;
}

/** The network interfaces in the namespace of process `pid`, by name. */
export function interfacesOf(pid: number, procRoot = "/proc"): string[] {
  return fs
    .readFileSync(`${procRoot}/${pid}/net/dev`, "utf8")
    .split("\n")
    .slice(2) // two header lines
    .map((line) => line.split(":")[0].trim())
    .filter(Boolean);
}

/**
 * Writes 1 to a bridge port's `isolated` flag and checks that it took: a box must not be
 * handed out on a bridge where it could reach its neighbours.
 */
export function isolatePort(bridge: string, port: string, sysClassNet = "/sys/class/net"): void {
  const flag = `${sysClassNet}/${bridge}/brif/${port}/isolated`;
  if (!fs.existsSync(flag)) throw new Error(`${port} is not a port of bridge ${bridge}`);
  fs.writeFileSync(flag, "1");
  if (fs.readFileSync(flag, "utf8").trim() !== "1") throw new Error(`bridge port ${port} cannot be isolated (kernel older than 4.18?)`);
}

/** The address of the box whose port is `port`, or undefined when there is no such port. */
export function portAddress(net: BoxNetwork, port: string, sysClassNet = "/sys/class/net"): string | undefined {
  let ifindex: string;
  try {
    ifindex = fs.readFileSync(`${sysClassNet}/${port}/ifindex`, "utf8");
  } catch {
    return undefined;
  }
  return new BoxSubnet(net.subnet, net.gateway).addressFor(Number(ifindex));
}

/**
 * Puts the box whose init is `pid` on the box bridge, and returns its address: a veth pair
 * whose box end is the box's eth0, with the address and a default route through the
 * gateway, and whose host end is a port of the bridge, isolated before it comes up. The
 * box was started with no network from Docker: Docker's attachment of a container to a
 * network costs ≈0.6 s of a cold box's start (a re-exec of dockerd as a prestart hook, two
 * more for IPv6 and for the embedded DNS resolver, and a dozen iptables runs for that
 * resolver, which boxes do not use: their names are in /etc/hosts); this costs a few
 * milliseconds. Nothing of the box runs yet (box-init waits for confine()), and only its
 * network namespace is entered, with the host's own `ip`. An address that `taken` says
 * another box holds (see boxAddresses.ts) is given up for a port with a new index.
 */
export async function attachBox(net: BoxNetwork, pid: number, boxId: string, taken: (address: string) => boolean): Promise<string> {
  // The box's own namespace must hold nothing but loopback: an interface Docker gave it
  // would be a way around the bridge's rules (boxes are made with Docker's networking
  // disabled; this checks that it stays so).
  const found = interfacesOf(pid);
  if (found.join(",") !== "lo") throw new Error(`the box (pid ${pid}) has network interfaces Shiplab did not give it: ${found.join(", ")}`);
  const port = boxPortName(boxId);
  let address: string | undefined;
  for (let attempt = 1; address === undefined; attempt++) {
    await run("ip", ["link", "add", port, "master", net.bridge, "type", "veth", "peer", "name", "eth0", "netns", String(pid)]);
    address = portAddress(net, port);
    if (address === undefined || taken(address)) {
      // Deleting one end deletes both.
      await run("ip", ["link", "del", port]);
      if (attempt === 3) throw new Error(`no free address on the box network for box ${boxId} (${address ?? "no port"} taken)`);
      address = undefined;
    }
  }
  isolatePort(net.bridge, port);
  // No IPv6 in the box, as Docker left it when the network had none (the bridge has none
  // either: see disableIpv6), then the address and the route, in one `ip` run.
  await run(
    "nsenter",
    [
      `--net=/proc/${pid}/ns/net`,
      "sh",
      "-c",
      'for k in all default eth0; do f=/proc/sys/net/ipv6/conf/$k/disable_ipv6; [ ! -e $f ] || echo 1 > $f; done; exec ip -batch -',
    ],
    {
      input: [
        `addr add ${address}/${net.subnet.split("/")[1]} dev eth0`,
        "link set eth0 up",
        `route add default via ${net.gateway}`,
        "",
      ].join("\n"),
    },
  );
  await run("ip", ["link", "set", port, "up"]);
  return address;
}

export async function ensureBoxNetwork(docker: Docker, instance: string, testRun: string | undefined): Promise<BoxNetwork> {
  const { name, bridge } = networkNames(instance);
  let info: Docker.NetworkInspectInfo;
  try {
    info = await docker.getNetwork(name).inspect();
  } catch {
    await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      Internal: true,
      CheckDuplicate: true,
      Labels: baseLabels(instance, testRun),
      Options: {
        "com.docker.network.bridge.name": bridge,
        "com.docker.network.bridge.enable_icc": "false",
      },
    });
    info = await docker.getNetwork(name).inspect();
  }
  const ipam = info.IPAM?.Config?.[0];
  if (!ipam?.Gateway || !ipam.Subnet) throw new Error(`network ${name} has no gateway address`);
  const net = { name, bridge: info.Options?.["com.docker.network.bridge.name"] ?? bridge, gateway: ipam.Gateway, subnet: ipam.Subnet };
  disableIpv6(net.bridge);
  return net;
}

/**
 * No IPv6 on the box bridge: the firewall below is IPv4, and a box that turned IPv6 on in
 * its own namespace would otherwise reach the host's services at the bridge's link-local
 * address. (The bridge exists once the network does; Docker creates it at once.)
 */
function disableIpv6(bridge: string): void {
  const knob = `/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`;
  if (fs.existsSync(knob)) fs.writeFileSync(knob, "1");
}

async function iptables(args: string[]): Promise<boolean> {
  try {
    await run("iptables", ["-w", ...args]);
    return true;
  } catch {
    return false;
  }
}

/** Makes `chain` (in `table`) hold exactly `rules`; a chain that already does is left alone,
 * so a restarting server never leaves its running boxes behind an empty chain. */
async function setChain(table: string, chain: string, rules: string[][]): Promise<void> {
  const wanted = [`-N ${chain}`, ...rules.map((r) => `-A ${chain} ${r.join(" ")}`)].join("\n");
  const current = await run("iptables", ["-w", "-t", table, "-S", chain]).catch(() => undefined);
  if (current?.trim() === wanted) return;
  if (current === undefined) await run("iptables", ["-w", "-t", table, "-N", chain]);
  else await run("iptables", ["-w", "-t", table, "-F", chain]);
  for (const r of rules) await run("iptables", ["-w", "-t", table, "-A", chain, ...r]);
}

async function ensureJump(table: string, rule: string[]): Promise<void> {
  if (!(await iptables(["-t", table, "-C", ...rule]))) await run("iptables", ["-w", "-t", table, "-I", ...rule]);
}

/** Host firewall: from the box bridge, only the gate's port on the gateway address is open. */
export async function applyBoxFirewall(instance: string, net: BoxNetwork, gatePort: number): Promise<void> {
  const { chain, forwardChain, rawChain } = networkNames(instance);
  // raw PREROUTING runs before every filter chain, whatever order other software (a host
  // Docker Engine restarting) later puts its own FORWARD rules in.
  await setChain("raw", rawChain, [["-d", `${net.gateway}/32`, "-j", "RETURN"], ["-j", "DROP"]]);
  await ensureJump("raw", ["PREROUTING", "-i", net.bridge, "-j", rawChain]);
  await setChain("filter", chain, [
    ["-d", `${net.gateway}/32`, "-p", "tcp", "-m", "tcp", "--dport", String(gatePort), "-j", "ACCEPT"],
    ["-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"],
    ["-j", "REJECT", "--reject-with", "icmp-port-unreachable"],
  ]);
  await ensureJump("filter", ["INPUT", "-i", net.bridge, "-j", chain]);
  // Nothing is forwarded to or from a box: not to another box, not out of the host.
  await setChain("filter", forwardChain, [["-j", "DROP"]]);
  await ensureJump("filter", ["FORWARD", "-i", net.bridge, "-j", forwardChain]);
  await ensureJump("filter", ["FORWARD", "-o", net.bridge, "-j", forwardChain]);
}

async function removeChains(bridge: string, chain: string): Promise<void> {
  const forwardChain = `${chain}-F`;
  const rawChain = `${chain}-R`;
  while (await iptables(["-D", "INPUT", "-i", bridge, "-j", chain]));
  while (await iptables(["-D", "FORWARD", "-i", bridge, "-j", forwardChain]));
  while (await iptables(["-D", "FORWARD", "-o", bridge, "-j", forwardChain]));
  while (await iptables(["-t", "raw", "-D", "PREROUTING", "-i", bridge, "-j", rawChain]));
  for (const c of [chain, forwardChain]) {
    await iptables(["-F", c]);
    await iptables(["-X", c]);
  }
  await iptables(["-t", "raw", "-F", rawChain]);
  await iptables(["-t", "raw", "-X", rawChain]);
}

export async function removeBoxNetwork(docker: Docker, instance: string, net: BoxNetwork): Promise<void> {
  await removeChains(net.bridge, networkNames(instance).chain);
  await docker.getNetwork(net.name).remove().catch(() => undefined);
}

/** Firewall rules whose box bridge no longer exists (a network removed behind our back). */
export async function removeStaleFirewallRules(): Promise<void> {
  let rules: string;
  try {
    rules = await run("iptables", ["-w", "-S", "INPUT"]);
  } catch {
    return;
  }
  for (const line of rules.split("\n")) {
    const m = /^-A INPUT -i (shl[0-9a-f]{8}) -j (SHIPLAB-[0-9a-f]{8})$/.exec(line.trim());
    if (!m || fs.existsSync(`/sys/class/net/${m[1]}`)) continue;
    await removeChains(m[1], m[2]);
  }
}
