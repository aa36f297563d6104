// Tests how a box's address follows from its bridge port's interface index.
import { describe, expect, it } from "vitest";
import { BoxSubnet } from "../../server/sandbox/boxAddresses.ts";

describe("BoxSubnet", () => {
  it("gives every index an address of the subnet, never the network's, the gateway's or the broadcast address", () => {
    const subnet = new BoxSubnet("10.20.30.0/29", "10.20.30.1");
    const given = Array.from({ length: 10 }, (_, i) => subnet.addressFor(i + 1));
    expect(new Set(given)).toEqual(new Set(["10.20.30.2", "10.20.30.3", "10.20.30.4", "10.20.30.5", "10.20.30.6"]));
    // Consecutive indexes, consecutive addresses, until the subnet comes round again.
    expect(given.slice(0, 5)).toEqual(["10.20.30.3", "10.20.30.4", "10.20.30.5", "10.20.30.6", "10.20.30.2"]);
    expect(given[5]).toBe(given[0]);
  });

  it("steps over a gateway in the middle of the subnet", () => {
    const subnet = new BoxSubnet("10.20.30.0/29", "10.20.30.4");
    const given = Array.from({ length: 5 }, (_, i) => subnet.addressFor(i + 5));
    expect(given).toEqual(["10.20.30.1", "10.20.30.2", "10.20.30.3", "10.20.30.5", "10.20.30.6"]);
  });

  it("gives distinct indexes distinct addresses across a Docker-sized subnet", () => {
    const subnet = new BoxSubnet("172.18.0.0/16", "172.18.0.1");
    const given = new Set(Array.from({ length: 5000 }, (_, i) => subnet.addressFor(100 + i)));
    expect(given.size).toBe(5000);
    expect(given.has("172.18.0.1")).toBe(false);
  });

  it("takes a subnet written from an address inside it", () => {
    expect(new BoxSubnet("192.168.7.9/24", "192.168.7.1").addressFor(1)).toBe("192.168.7.3");
  });

  it("refuses a subnet or an index it cannot use", () => {
    expect(() => new BoxSubnet("10.0.0.0/31", "10.0.0.1")).toThrow(/subnet/);
    expect(() => new BoxSubnet("10.0.0.0", "10.0.0.1")).toThrow(/subnet/);
    expect(() => new BoxSubnet("10.0.0.0/24", "10.0.0.1").addressFor(0)).toThrow(/index/);
  });
});
