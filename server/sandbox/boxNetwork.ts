// The network every box of one Shiplab sits on: internal (no route out), no traffic
// between boxes, and a host firewall that lets a box reach only the lab gate. Shiplab's
// engine runs with --iptables=false (it must not rewrite the host's firewall), so the
// rules here are all there is: INPUT lets a box reach the gate's port and nothing else,
// FORWARD drops anything a box would send through the host, and every bridge port is
// isolated, so boxes cannot reach each other even at layer 2.
import crypto from "node:crypto";
import fs from "node:fs";
import type Docker from "dockerode";
import { run } from "../host/run.ts";
import { baseLabels } from "./labels.ts";

export interface BoxNetwork {
  name: string;
  bridge: string;
  gateway: string;
  subnet: string;
}

export function networkNames(instance: string): { name: string; bridge: string; chain: string; forwardChain: string } {
  const h = crypto.createHash("sha256").update(instance).digest("hex").slice(0, 8);
  // Linux interface names are at most 15 characters.
  return { name: `shiplab-${instance}`, bridge: `shl${h}`, chain: `SHIPLAB-${h}`, forwardChain: `SHIPLAB-${h}-F` };
}

/** Isolates every port of the box bridge (kernel ≥ 4.18): isolated ports reach only the host. */
export function isolateBridgePorts(net: BoxNetwork, sysClassNet = "/sys/class/net"): number {
  const brif = `${sysClassNet}/${net.bridge}/brif`;
  let isolated = 0;
  for (const port of fs.existsSync(brif) ? fs.readdirSync(brif) : []) {
    try {
      fs.writeFileSync(`${brif}/${port}/isolated`, "1");
      isolated++;
    } catch {
      // A port that went away meanwhile (a box being removed).
    }
  }
  return isolated;
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
  return { name, bridge: info.Options?.["com.docker.network.bridge.name"] ?? bridge, gateway: ipam.Gateway, subnet: ipam.Subnet };
}

async function iptables(args: string[]): Promise<boolean> {
  try {
    await run("iptables", ["-w", ...args]);
    return true;
  } catch {
    return false;
  }
}

async function freshChain(chain: string): Promise<void> {
  if (!(await iptables(["-n", "-L", chain]))) await run("iptables", ["-w", "-N", chain]);
  await run("iptables", ["-w", "-F", chain]);
}

async function ensureJump(rule: string[]): Promise<void> {
  if (!(await iptables(["-C", ...rule]))) await run("iptables", ["-w", "-I", ...rule]);
}

/** Host firewall: from the box bridge, only the gate's port on the gateway address is open. */
export async function applyBoxFirewall(instance: string, net: BoxNetwork, gatePort: number): Promise<void> {
  const { chain, forwardChain } = networkNames(instance);
  await freshChain(chain);
  await run("iptables", ["-w", "-A", chain, "-p", "tcp", "-d", net.gateway, "--dport", String(gatePort), "-j", "ACCEPT"]);
  await run("iptables", ["-w", "-A", chain, "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"]);
  await run("iptables", ["-w", "-A", chain, "-j", "REJECT"]);
  await ensureJump(["INPUT", "-i", net.bridge, "-j", chain]);
  // Nothing is forwarded to or from a box: not to another box, not out of the host.
  await freshChain(forwardChain);
  await run("iptables", ["-w", "-A", forwardChain, "-j", "DROP"]);
  await ensureJump(["FORWARD", "-i", net.bridge, "-j", forwardChain]);
  await ensureJump(["FORWARD", "-o", net.bridge, "-j", forwardChain]);
}

async function removeChains(bridge: string, chain: string, forwardChain: string): Promise<void> {
  while (await iptables(["-D", "INPUT", "-i", bridge, "-j", chain]));
  while (await iptables(["-D", "FORWARD", "-i", bridge, "-j", forwardChain]));
  while (await iptables(["-D", "FORWARD", "-o", bridge, "-j", forwardChain]));
  for (const c of [chain, forwardChain]) {
    await iptables(["-F", c]);
    await iptables(["-X", c]);
  }
}

export async function removeBoxNetwork(docker: Docker, instance: string, net: BoxNetwork): Promise<void> {
  const { chain, forwardChain } = networkNames(instance);
  await removeChains(net.bridge, chain, forwardChain);
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
    await removeChains(m[1], m[2], `${m[2]}-F`);
  }
}
