import { describe, expect, it } from "vitest";
import { httpdRequests, inSubnet } from "../../server/checks/httpdLog.ts";
import { commandNames } from "../../server/checks/networkReachedByName.ts";

describe("httpdRequests (busybox httpd -v)", () => {
  it("reads the client and status of each answered request, IPv4-mapped or not", () => {
    const log = "[::ffff:172.17.0.1]:58220: response:200\r\n[::1]:4000: response:404\nsomething else\n[172.18.0.3]:1: response:200\n";
    expect(httpdRequests(log)).toEqual([
      { client: "172.17.0.1", status: 200 },
      { client: "::1", status: 404 },
      { client: "172.18.0.3", status: 200 },
    ]);
  });

  it("ignores -vv's url lines and text that only looks similar", () => {
    expect(httpdRequests("[::ffff:172.17.0.1]:39354: url:/\necho [::ffff:172.17.0.1]:1: response:200\n")).toEqual([]);
  });
});

describe("inSubnet", () => {
  it("matches addresses inside the range only", () => {
    expect(inSubnet("172.18.0.3", "172.18.0.0/16")).toBe(true);
    expect(inSubnet("172.19.0.3", "172.18.0.0/16")).toBe(false);
    expect(inSubnet("10.0.0.1", "0.0.0.0/0")).toBe(true);
    expect(inSubnet("192.168.1.7", "192.168.1.4/30")).toBe(true);
    expect(inSubnet("192.168.1.8", "192.168.1.4/30")).toBe(false);
  });

  it("is false for IPv6 or malformed input", () => {
    expect(inSubnet("::1", "172.18.0.0/16")).toBe(false);
    expect(inSubnet("172.18.0.300", "172.18.0.0/16")).toBe(false);
    expect(inSubnet("172.18.0.3", "172.18.0.0")).toBe(false);
  });
});

describe("commandNames", () => {
  it("sees a host in a URL or as a word", () => {
    expect(commandNames("wget -qO- http://api/hostname", "api")).toBe(true);
    expect(commandNames("wget -qO- http://api:80/", "api")).toBe(true);
    expect(commandNames("ping -c 1 api", "api")).toBe(true);
    expect(commandNames("sh -c 'wget -qO- api'", "api")).toBe(true);
  });

  it("does not see it inside another word, a path or an address", () => {
    expect(commandNames("wget -qO- http://172.18.0.2/api", "api")).toBe(false);
    expect(commandNames("wget -qO- http://rapid/", "api")).toBe(false);
    expect(commandNames("wget -qO- http://api2/", "api")).toBe(false);
    expect(commandNames("wget http://172.18.0.2/", "172.18.0")).toBe(false);
  });
});
