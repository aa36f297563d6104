// The network every box of one Shiplab sits on: internal (no route out), no traffic
// between boxes (icc off), and a host firewall that lets a box reach only the lab gate.
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

export function networkNames(instance: string): { name: string; bridge: string; chain: string } {
  const h = crypto.createHash("sha256").update(instance).digest("hex").slice(0, 8);
  // Linux interface names are at most 15 characters.
  return { name: `shiplab-${instance}`, bridge: `shl${h}`, chain: `SHIPLAB-${h}` };
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

/** Host firewall: from the box bridge, only the gate's port on the gateway address is open. */
export async function applyBoxFirewall(instance: string, net: BoxNetwork, gatePort: number): Promise<void> {
  const { chain } = networkNames(instance);
  if (!(await iptables(["-n", "-L", chain]))) await run("iptables", ["-w", "-N", chain]);
  await run("iptables", ["-w", "-F", chain]);
  await run("iptables", ["-w", "-A", chain, "-p", "tcp", "-d", net.gateway, "--dport", String(gatePort), "-j", "ACCEPT"]);
  await run("iptables", ["-w", "-A", chain, "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"]);
  await run("iptables", ["-w", "-A", chain, "-j", "REJECT"]);
  const jump = ["INPUT", "-i", net.bridge, "-j", chain];
  if (!(await iptables(["-C", ...jump]))) await run("iptables", ["-w", "-I", ...jump]);
}

export async function removeBoxNetwork(docker: Docker, instance: string, net: BoxNetwork): Promise<void> {
  const { chain } = networkNames(instance);
  while (await iptables(["-D", "INPUT", "-i", net.bridge, "-j", chain]));
  await iptables(["-F", chain]);
  await iptables(["-X", chain]);
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
    await iptables(["-D", "INPUT", "-i", m[1], "-j", m[2]]);
    await iptables(["-F", m[2]]);
    await iptables(["-X", m[2]]);
  }
}
