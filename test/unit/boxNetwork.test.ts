// Tests isolating box bridge ports through a fake /sys/class/net, and the box network's names.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BoxNetwork, isolateBridgePorts, networkNames } from "../../server/sandbox/boxNetwork.ts";

const net = (bridge: string): BoxNetwork => ({ name: "shiplab-test", bridge, gateway: "172.30.0.1", subnet: "172.30.0.0/16" });

describe("isolateBridgePorts", () => {
  let sysClassNet: string;

  beforeEach(() => {
    sysClassNet = fs.mkdtempSync(path.join(os.tmpdir(), "boxnetwork-"));
  });
  afterEach(() => {
    fs.rmSync(sysClassNet, { recursive: true, force: true });
  });

  function port(bridge: string, name: string): string {
    const dir = path.join(sysClassNet, bridge, "brif", name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "isolated"), "0\n");
    return path.join(dir, "isolated");
  }

  it("sets every port of the bridge to isolated and counts them", () => {
    const files = ["veth1a2b3c4", "veth5d6e7f8", "vethabcdef0"].map((p) => port("shl1234abcd", p));
    const other = port("docker0", "veth9999999");

    expect(isolateBridgePorts(net("shl1234abcd"), sysClassNet)).toBe(3);

    for (const f of files) expect(fs.readFileSync(f, "utf8").trim()).toBe("1");
    expect(fs.readFileSync(other, "utf8")).toBe("0\n");
  });

  it("returns 0 for a bridge without brif", () => {
    fs.mkdirSync(path.join(sysClassNet, "shl1234abcd"));
    expect(isolateBridgePorts(net("shl1234abcd"), sysClassNet)).toBe(0);
    expect(isolateBridgePorts(net("shlmissing0"), sysClassNet)).toBe(0);
  });

  it("returns 0 for a bridge with no ports yet", () => {
    fs.mkdirSync(path.join(sysClassNet, "shl1234abcd", "brif"), { recursive: true });
    expect(isolateBridgePorts(net("shl1234abcd"), sysClassNet)).toBe(0);
  });

  it("does not count a port that went away", () => {
    const kept = port("shl1234abcd", "veth1a2b3c4");
    // A port whose isolated file can no longer be written (it went away meanwhile).
    fs.mkdirSync(path.join(sysClassNet, "shl1234abcd", "brif", "vethgone"));
    fs.mkdirSync(path.join(sysClassNet, "shl1234abcd", "brif", "vethgone", "isolated"));

    expect(isolateBridgePorts(net("shl1234abcd"), sysClassNet)).toBe(1);
    expect(fs.readFileSync(kept, "utf8")).toBe("1");
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
