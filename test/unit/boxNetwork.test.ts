// Tests isolating a box's bridge port and reading a namespace's interfaces through a fake
// /proc and /sys/class/net, and the box network's names.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { boxPortName, interfacesOf, isolatePort, networkNames } from "../../server/sandbox/boxNetwork.ts";

describe("isolatePort and interfacesOf", () => {
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

  /** A port `name` of `bridge`; returns its isolated flag. */
  function port(bridge: string, name: string): string {
    const dir = path.join(sysClassNet, bridge, "brif", name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "isolated"), "0\n");
    return path.join(dir, "isolated");
  }

  it("isolates the box's own port and no other", () => {
    const mine = port("shl1234abcd", boxPortName("0123456789ab"));
    const neighbour = port("shl1234abcd", boxPortName("ba9876543210"));
    isolatePort("shl1234abcd", boxPortName("0123456789ab"), sysClassNet);
    expect(fs.readFileSync(mine, "utf8").trim()).toBe("1");
    expect(fs.readFileSync(neighbour, "utf8")).toBe("0\n");
  });

  it("refuses a port that is not on the bridge (another bridge's port does not count)", () => {
    port("docker0", "shv0123456789ab");
    expect(() => isolatePort("shl1234abcd", "shv0123456789ab", sysClassNet)).toThrow(/not a port of bridge shl1234abcd/);
  });

  it("fails loudly when the port cannot be isolated", () => {
    const isolated = port("shl1234abcd", "shv0123456789ab");
    fs.rmSync(isolated);
    fs.mkdirSync(isolated); // an unwritable flag, as on a kernel without port isolation
    expect(() => isolatePort("shl1234abcd", "shv0123456789ab", sysClassNet)).toThrow();
  });

  it("names a host port within Linux's 15 characters", () => {
    expect(boxPortName("0123456789ab")).toBe("shv0123456789ab");
    expect(boxPortName("0123456789ab").length).toBeLessThanOrEqual(15);
  });

  it("reads a namespace's interfaces from /proc/<pid>/net/dev", () => {
    fs.mkdirSync(path.join(procRoot, "4242", "net"), { recursive: true });
    fs.writeFileSync(
      path.join(procRoot, "4242", "net", "dev"),
      "Inter-|   Receive                            |  Transmit\n" +
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets\n" +
        "    lo:       0       0    0    0    0     0          0         0        0       0\n" +
        "  eth0:    1042      12    0    0    0     0          0         0      936      10\n",
    );
    expect(interfacesOf(4242, procRoot)).toEqual(["lo", "eth0"]);
  });

  it("reads this process's own namespace for real", () => {
    expect(interfacesOf(process.pid)).toContain("lo");
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
