import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";

describe("loadConfig", () => {
  it("uses the documented defaults when the environment is empty", () => {
    const c = loadConfig({});
    expect(c).toEqual({
      port: 3000,
      bind: "0.0.0.0",
      stateDir: "/var/lib/shiplab",
      instance: "main",
      registryPort: 5000,
      boxMemoryBytes: 1024 ** 3,
      boxCpus: 1,
      boxPids: 1024,
      boxDiskBytes: 8 * 1024 ** 3,
      engineDiskBytes: 100 * 1024 ** 3,
      boxRuntime: "runc",
      idleTimeoutMs: 20 * 60_000,
      maxLifetimeMs: 4 * 3_600_000,
      warmPool: 1,
      boxStarts: 4,
      reconnectGraceMs: 5 * 60_000,
      secret: undefined,
      allowedOrigins: [],
      onStop: "keep",
      testRun: undefined,
    });
  });

  it("takes only keep or remove for SHIPLAB_ON_STOP", () => {
    expect(loadConfig({ SHIPLAB_ON_STOP: "remove" }).onStop).toBe("remove");
    expect(() => loadConfig({ SHIPLAB_ON_STOP: "yes" })).toThrow(/SHIPLAB_ON_STOP=yes must be one of: keep, remove/);
  });

  it("does not read process.env when an env object is given", () => {
    const before = process.env.PORT;
    process.env.PORT = "4444";
    try {
      expect(loadConfig({}).port).toBe(3000);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });

  it("resolves the state folder to an absolute path", () => {
    expect(loadConfig({ SHIPLAB_STATE_DIR: "rel/state" }).stateDir).toBe(path.resolve("rel/state"));
  });

  it("splits and trims the allowed origins list", () => {
    expect(loadConfig({ SHIPLAB_ALLOWED_ORIGINS: " https://a.example , ,https://b.example:8443 " }).allowedOrigins).toEqual([
      "https://a.example",
      "https://b.example:8443",
    ]);
  });

  describe("sizes", () => {
    it.each([
      ["512m", 512 * 1024 ** 2],
      ["2g", 2 * 1024 ** 3],
      ["2G", 2 * 1024 ** 3],
      ["1.5g", 1.5 * 1024 ** 3],
      ["64k", 64 * 1024],
      ["1073741824", 1073741824],
      ["2gb", 2 * 1024 ** 3],
      ["2GiB", 2 * 1024 ** 3],
      [" 1t ", 1024 ** 4],
    ])("reads %j", (raw, expected) => {
      expect(loadConfig({ SHIPLAB_BOX_MEMORY: raw }).boxMemoryBytes).toBe(expected);
    });

    it.each(["lots", "", "-1g", "1x", "g", "1.g", "1 gg", "1g; rm -rf /"])("rejects %j, naming the variable", (raw) => {
      expect(() => loadConfig({ SHIPLAB_BOX_DISK: raw })).toThrow(/SHIPLAB_BOX_DISK=.* is not a size; write it like 512m or 2g/);
    });
  });

  describe("durations", () => {
    it.each([
      ["90s", 90_000],
      ["15m", 900_000],
      ["4h", 14_400_000],
      ["250ms", 250],
      ["1.5h", 5_400_000],
    ])("reads %j", (raw, expected) => {
      expect(loadConfig({ SHIPLAB_IDLE_TIMEOUT: raw }).idleTimeoutMs).toBe(expected);
    });

    it.each(["10", "10 minutes", "10M", "h", "-5m", "5d", ""])("rejects %j", (raw) => {
      expect(() => loadConfig({ SHIPLAB_RECONNECT_GRACE: raw })).toThrow(/SHIPLAB_RECONNECT_GRACE=.* is not a duration/);
    });
  });

  describe("whole numbers", () => {
    it("accepts the bounds", () => {
      expect(loadConfig({ PORT: "0" }).port).toBe(0);
      expect(loadConfig({ PORT: "65535" }).port).toBe(65535);
      expect(loadConfig({ SHIPLAB_BOX_PIDS: "64" }).boxPids).toBe(64);
    });

    it.each([
      ["PORT", "70000"],
      ["PORT", "abc"],
      ["PORT", "-1"],
      ["PORT", "80.5"],
      ["SHIPLAB_REGISTRY_PORT", "0"],
      ["SHIPLAB_BOX_PIDS", "63"],
      ["SHIPLAB_WARM_POOL", "101"],
    ])("rejects %s=%s with its range", (key, raw) => {
      expect(() => loadConfig({ [key]: raw })).toThrow(new RegExp(`${key}=${raw.replace(".", "\\.")} is not a whole number from \\d+ to \\d+`));
    });

    it.each(["0", "-2", "abc", "Infinity"])("rejects SHIPLAB_BOX_CPUS=%s", (raw) => {
      expect(() => loadConfig({ SHIPLAB_BOX_CPUS: raw })).toThrow(/SHIPLAB_BOX_CPUS=.* must be a number above 0/);
    });

    it("accepts fractional CPUs", () => {
      expect(loadConfig({ SHIPLAB_BOX_CPUS: "0.5" }).boxCpus).toBe(0.5);
    });
  });

  describe("instance name", () => {
    it.each(["a", "lab-2", "x".repeat(16), "0abc"])("accepts %j", (raw) => {
      expect(loadConfig({ SHIPLAB_INSTANCE: raw }).instance).toBe(raw);
    });

    it.each(["Bad_Name", "x".repeat(17), "", "-lead", "a b", "a.b", "lab;rm", "lab\n"])("rejects %j", (raw) => {
      expect(() => loadConfig({ SHIPLAB_INSTANCE: raw })).toThrow(/SHIPLAB_INSTANCE=[^]* must be 1-16 lower-case letters, digits or dashes/);
    });
  });

  it("reports every bad variable in one error", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "abc", SHIPLAB_BOX_MEMORY: "lots", SHIPLAB_IDLE_TIMEOUT: "10", SHIPLAB_INSTANCE: "Bad_Name" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^Shiplab cannot start: /);
    for (const name of ["PORT=abc", "SHIPLAB_BOX_MEMORY=lots", "SHIPLAB_IDLE_TIMEOUT=10", "SHIPLAB_INSTANCE=Bad_Name"]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("SHIPLAB_BOX_DISK");
  });

  it("returns a frozen object", () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(c.port).toBe(3000);
  });

  it("lets overrides win over the environment, without parsing them", () => {
    const c = loadConfig({ PORT: "abc", SHIPLAB_SECRET: "from-env", SHIPLAB_WARM_POOL: "3" }, { port: 0, secret: "override" });
    expect(c.port).toBe(0);
    expect(c.secret).toBe("override");
    expect(c.warmPool).toBe(3);
  });

  it("keeps an override of undefined", () => {
    expect(loadConfig({ SHIPLAB_SECRET: "s" }, { secret: undefined }).secret).toBeUndefined();
  });
});
