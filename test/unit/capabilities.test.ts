import { describe, expect, it } from "vitest";
import { ALWAYS_DROPPED, allCapabilitiesOf, boxCapDrop, missingFromBoundingSet } from "../../server/sandbox/capabilities.ts";

// What the box's inner dockerd needs: dropping any of these breaks Docker in the box.
const NEEDED_BY_INNER_DOCKERD = ["SYS_ADMIN", "NET_ADMIN", "MKNOD", "SETUID", "SETGID", "CHOWN", "NET_RAW", "SYS_CHROOT", "KILL"];
const NEWER_THAN_ENGINE = ["PERFMON", "BPF", "CHECKPOINT_RESTORE"];
const HOST_MASK = "000001fffeffffff"; // every capability up to CHECKPOINT_RESTORE but bit 24

describe("missingFromBoundingSet", () => {
  it("names bit 24 as SYS_RESOURCE", () => {
    expect(missingFromBoundingSet(HOST_MASK)).toEqual(["SYS_RESOURCE"]);
  });

  it("names nothing for a full set", () => {
    expect(missingFromBoundingSet("000001ffffffffff")).toEqual([]);
    expect(missingFromBoundingSet("0000003fffffffff")).toEqual([]);
  });

  it("maps low bits to their names", () => {
    expect(missingFromBoundingSet("0000003ffffffffe")).toEqual(["CHOWN"]);
    expect(missingFromBoundingSet("0000003fffffff7f")).toEqual(["SETUID"]);
    expect(missingFromBoundingSet("0000001fffffffff")).toEqual(["AUDIT_READ"]);
  });

  it("never names capabilities the engine does not know", () => {
    const all = missingFromBoundingSet("0");
    expect(all).toHaveLength(38);
    expect(all[0]).toBe("CHOWN");
    expect(all.at(-1)).toBe("AUDIT_READ");
    for (const n of NEWER_THAN_ENGINE) expect(all).not.toContain(n);
  });

  it("rejects a mask that is not hex", () => {
    expect(() => missingFromBoundingSet("zz")).toThrow();
  });
});

describe("boxCapDrop", () => {
  const drop = boxCapDrop(HOST_MASK);

  it("drops the dangerous ones and what the host lacks", () => {
    expect(drop).toContain("SYS_MODULE");
    expect(drop).toContain("SYS_RESOURCE");
    for (const n of ALWAYS_DROPPED) expect(drop).toContain(n);
    expect(drop).toHaveLength(ALWAYS_DROPPED.length + 1);
  });

  it("is sorted and has no duplicates", () => {
    expect(drop).toEqual([...new Set(drop)].sort());
    expect(boxCapDrop("0")).toEqual([...new Set(boxCapDrop("0"))].sort());
  });

  it("keeps what the inner dockerd needs when the host has it", () => {
    for (const n of NEEDED_BY_INNER_DOCKERD) expect(drop).not.toContain(n);
  });

  it("names nothing beyond AUDIT_READ", () => {
    for (const n of NEWER_THAN_ENGINE) expect(boxCapDrop("0")).not.toContain(n);
  });
});

describe("boxCapDrop on an engine whose ALL is its bounding set (after 20.10)", () => {
  const drop = boxCapDrop(HOST_MASK, "bounding-set");

  it("never names a capability the environment lacks (such an engine refuses it)", () => {
    expect(drop).not.toContain("SYS_RESOURCE");
    expect(boxCapDrop("0000003ffeffffff", "bounding-set")).not.toContain("BPF");
  });

  it("drops the dangerous ones, and the ones 20.10's boxes never had", () => {
    for (const n of [...ALWAYS_DROPPED, ...NEWER_THAN_ENGINE]) expect(drop).toContain(n);
    expect(drop).toEqual([...new Set(drop)].sort());
  });

  it("keeps what the inner dockerd needs", () => {
    for (const n of NEEDED_BY_INNER_DOCKERD) expect(drop).not.toContain(n);
  });
});

describe("allCapabilitiesOf", () => {
  it("tells Debian 12's engine from Debian 13's", () => {
    expect(allCapabilitiesOf("20.10.24+dfsg1")).toBe("every-known");
    expect(allCapabilitiesOf("26.1.5+dfsg1")).toBe("bounding-set");
    expect(allCapabilitiesOf("dev")).toBe("every-known");
  });
});
