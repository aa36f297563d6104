// Which capabilities a box gives up. A box needs most of root's power to run its own
// Docker daemon, but not these; and it cannot be given any the host itself lacks (here
// the bounding set has no CAP_SYS_RESOURCE, which is why --privileged fails).
import fs from "node:fs";

const CAPABILITY_BITS = [
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
  "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
  "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
  "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
  "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
  "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
] as const;

/** Never needed by the box's daemon, and each a known way out of a container or into the host. */
export const ALWAYS_DROPPED = [
  "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "SYS_PACCT", "MAC_ADMIN", "MAC_OVERRIDE",
  "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_CONTROL", "AUDIT_READ", "LEASE", "SYS_TTY_CONFIG", "DAC_READ_SEARCH", "LINUX_IMMUTABLE",
];

/**
 * Docker Engine 20.10 knows capabilities up to AUDIT_READ: its "ALL" does not include
 * PERFMON, BPF or CHECKPOINT_RESTORE, and naming them is an error ("unknown capability").
 */
const KNOWN_TO_ENGINE = CAPABILITY_BITS.slice(0, CAPABILITY_BITS.indexOf("AUDIT_READ") + 1);

/** Capability names absent from a CapBnd hex mask (as in /proc/self/status). */
export function missingFromBoundingSet(capBndHex: string): string[] {
  const mask = BigInt(`0x${capBndHex}`);
  return KNOWN_TO_ENGINE.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 0n);
}

export function hostBoundingSet(statusFile = "/proc/self/status"): string {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(statusFile, "utf8"));
  if (!m) throw new Error("cannot read the capability bounding set from /proc/self/status");
  return m[1];
}

/**
 * What an engine's CapAdd "ALL" gives. Docker Engine 20.10 (Debian 12) gives every
 * capability it knows, whether the host has it or not, so one the host lacks must be
 * dropped by name. Later engines (measured: 26.1, Debian 13, inside Shiplab's own image)
 * give only those in their own bounding set, know PERFMON, BPF and CHECKPOINT_RESTORE,
 * and refuse to drop one the environment lacks ("not available in the current environment").
 */
export type AllCapabilities = "every-known" | "bounding-set";

/** From the engine's version ("20.10.24+dfsg1", "26.1.5+dfsg1"); there was no 21 or 22. */
export function allCapabilitiesOf(engineVersion: string): AllCapabilities {
  const major = Number(/^(\d+)\./.exec(engineVersion)?.[1] ?? 0);
  return major > 20 ? "bounding-set" : "every-known";
}

/** Newer than Docker Engine 20.10: its boxes never had them, so no box gets them. */
const NEWER_THAN_20_10 = ["PERFMON", "BPF", "CHECKPOINT_RESTORE"];

export function boxCapDrop(capBndHex = hostBoundingSet(), all: AllCapabilities = "every-known"): string[] {
  if (all === "every-known") return [...new Set([...ALWAYS_DROPPED, ...missingFromBoundingSet(capBndHex)])].sort();
  const mask = BigInt(`0x${capBndHex}`);
  const present = (name: string) => ((mask >> BigInt(CAPABILITY_BITS.indexOf(name as (typeof CAPABILITY_BITS)[number]))) & 1n) === 1n;
  return [...new Set([...ALWAYS_DROPPED, ...NEWER_THAN_20_10])].filter(present).sort();
}
