// Tests isolating a box's bridge port through a fake /proc and /sys/class/net, and the box network's names.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BoxNetwork, isolateBoxPort, networkNames } from "../../server/sandbox/boxNetwork.ts";

const net = (bridge: string): BoxNetwork => ({ name: "shiplab-test", bridge, gateway: "172.30.0.1", subnet: "172.30.0.0/16" });

describe("isolateBoxPort", () => {
  let root: string;
  let sysClassNet: string;
  let procRoot: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "boxnetwork-"));
    sysClassNet = path.join(root, "sys");
    procRoot = path.join(root, "proc");
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A host interface with its index, as a port of `bridge`; returns its isolated file. */
  function port(bridge: string, name: string, ifindex: number): string {
    fs.mkdirSync(path.join(sysClassNet, name), { recursive: true });
    fs.writeFileSync(path.join(sysClassNet, name, "ifindex"), `${ifindex}\n`);
    const dir = path.join(sysClassNet, bridge, "brif", name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "isolated"), "0\n");
    return path.join(dir, "isolated");
  }

  /** A box init whose eth0's peer is host interface `peer`. */
  function box(pid: number, peer: number): void {
    const dir = path.join(procRoot, String(pid), "root", "sys", "class", "net", "eth0");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "iflink"), `${peer}\n`);
  }

  it("isolates the box's own port, found by its peer's interface index, and no other", () => {
    const mine = port("shl1234abcd", "veth1a2b3c4", 17);
    const neighbour = port("shl1234abcd", "veth5d6e7f8", 19);
    box(4242, 17);
    expect(isolateBoxPort(net("shl1234abcd"), 4242, procRoot, sysClassNet)).toBe("veth1a2b3c4");
    expect(fs.readFileSync(mine, "utf8").trim()).toBe("1");
    expect(fs.readFileSync(neighbour, "utf8")).toBe("0\n");
  });

  it("refuses a box with no port on the bridge (another bridge's port does not count)", () => {
    port("docker0", "veth9999999", 17);
    port("shl1234abcd", "veth5d6e7f8", 19);
    box(4242, 17);
    expect(() => isolateBoxPort(net("shl1234abcd"), 4242, procRoot, sysClassNet)).toThrow(/no port on bridge shl1234abcd/);
  });

  it("fails loudly when the port cannot be isolated", () => {
    port("shl1234abcd", "veth1a2b3c4", 17);
    const isolated = path.join(sysClassNet, "shl1234abcd", "brif", "veth1a2b3c4", "isolated");
    fs.rmSync(isolated);
    fs.mkdirSync(isolated); // an unwritable flag, as on a kernel without port isolation
    box(4242, 17);
    expect(() => isolateBoxPort(net("shl1234abcd"), 4242, procRoot, sysClassNet)).toThrow();
  });
});

describe("networkNames", () => {
  it("gives a bridge name that fits a Linux interface name", () => {
    for (const instance of ["a", "default", "a-very-long-instance-name-with-many-characters-0123456789"]) {
      const { bridge } = networkNames(instance);
      expect(bridge.length).toBeLessThanOrEqual(15);
      expect(bridge).toMatch(/^shl[0-9a-f]{8}$/);
    }
  });

  it("is stable for the same instance and differs for another", () => {
    expect(networkNames("lab-1")).toEqual(networkNames("lab-1"));
    const a = networkNames("lab-1");
    const b = networkNames("lab-2");
    expect(a.bridge).not.toBe(b.bridge);
    expect(a.chain).not.toBe(b.chain);
    expect(a.name).not.toBe(b.name);
  });

  it("names the network after the instance and the forward chain after the chain", () => {
    const n = networkNames("lab-1");
    expect(n.name).toBe("shiplab-lab-1");
    expect(n.chain).toMatch(/^SHIPLAB-[0-9a-f]{8}$/);
    expect(n.forwardChain).toBe(`${n.chain}-F`);
    // The chain and the bridge come from the same hash of the instance.
    expect(n.chain.slice("SHIPLAB-".length)).toBe(n.bridge.slice("shl".length));
  });
});
