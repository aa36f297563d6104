// The quotas of the engine's btrfs data root: what gives every box's root file system its
// size limit (the btrfs storage driver's `size` sets a limit on the box's qgroup).
//
// Simple quotas (kernel 6.7 and later) count each extent against the subvolume that wrote
// it and never walk back-references, so removing a box costs what deleting its files
// costs. Full qgroups, the only kind older kernels have, walk every shared extent when a
// subvolume is dropped: measured here, a box removal then cost up to 30 s of kernel time
// and a day of boxes queued 228 deletions with both cores busy. Full qgroups stay as the
// fallback, kept exact by rescans (repairQuotas).
import fs from "node:fs";
import { run } from "../host/run.ts";
import type { Logger } from "../log.ts";

export type QuotaMode = "squota" | "qgroup";

/** The kernel offers simple quotas (btrfs "squota"). */
export const kernelHasSimpleQuotas = (): boolean => fs.existsSync("/sys/fs/btrfs/features/simple_quota");

/**
 * The file system's folder in /sys/fs/btrfs (named by its UUID). Looked up once per data
 * root: repairQuotas runs before every box is handed out, and needs no process for it.
 */
const sysDirs = new Map<string, Promise<string>>();
function btrfsSysDir(dataRoot: string): Promise<string> {
  let dir = sysDirs.get(dataRoot);
  if (!dir) {
    dir = run("findmnt", ["-n", "-o", "UUID", "--mountpoint", dataRoot]).then((out) => `/sys/fs/btrfs/${out.trim()}`);
    dir.catch(() => sysDirs.delete(dataRoot)); // not mounted yet: ask again next time
    sysDirs.set(dataRoot, dir);
  }
  return dir;
}

/** "squota", "qgroup", or undefined when quotas are off. */
function modeOf(sys: string): QuotaMode | undefined {
  if (!fs.existsSync(`${sys}/qgroups`)) return undefined;
  try {
    return fs.readFileSync(`${sys}/qgroups/mode`, "utf8").trim() === "squota" ? "squota" : "qgroup";
  } catch {
    return "qgroup"; // kernels before simple quotas have no mode file
  }
}

/**
 * BTRFS_IOC_QUOTA_CTL with BTRFS_QUOTA_CTL_ENABLE_SIMPLE_QUOTA. Debian 12's btrfs-progs
 * (6.2) predates `btrfs quota enable --simple`, so the call is made directly; perl is part
 * of every Debian system (perl-base is essential).
 */
const QUOTA_CTL = "0xC0109428"; // _IOWR(0x94, 40, struct { u64 cmd; u64 status; })
const ENABLE_SIMPLE_QUOTA = 4;
async function enableSimpleQuotas(dataRoot: string): Promise<void> {
  const script = `open(my $f, "<", $ARGV[0]) or die "open: $!\\n"; my $a = pack("QQ", ${ENABLE_SIMPLE_QUOTA}, 0); ioctl($f, ${QUOTA_CTL}, $a) or die "enabling simple quotas: $!\\n";`;
  await run("perl", ["-e", script, dataRoot]);
}

/** Each subvolume qgroup's limit on referenced bytes ("0/261" → bytes), from `btrfs qgroup show`. */
export function parseQgroupLimits(table: string): Map<string, number> {
  const limits = new Map<string, number>();
  for (const line of table.split("\n")) {
    const [id, , , max] = line.trim().split(/\s+/);
    if (id && /^0\/\d+$/.test(id) && max && /^\d+$/.test(max)) limits.set(id, Number(max));
  }
  return limits;
}

/**
 * Moves a data root from full qgroups to simple quotas, keeping every box's limit:
 * disabling quotas forgets the limits, so they are read first and set again after.
 * Extents written before the switch count against no one, so a box made before it gets
 * back what it had written; boxes made after are counted from their first byte.
 */
async function switchToSimpleQuotas(dataRoot: string, log: Logger): Promise<void> {
  log.info("  switching the engine's disk quotas to simple quotas (removing a box no longer costs seconds of kernel time)");
  const limits = parseQgroupLimits(await run("btrfs", ["qgroup", "show", "-r", "--raw", dataRoot]));
  await run("btrfs", ["quota", "disable", dataRoot]);
  await enableSimpleQuotas(dataRoot);
  for (const [id, bytes] of limits) {
    await run("btrfs", ["qgroup", "limit", String(bytes), id, dataRoot]).catch(() => undefined);
  }
}

/** Quotas on, in the cheapest mode the kernel offers; returns the mode. */
export async function ensureQuotas(dataRoot: string, log: Logger): Promise<QuotaMode> {
  const sys = await btrfsSysDir(dataRoot);
  const mode = modeOf(sys);
  if (kernelHasSimpleQuotas()) {
    if (mode === undefined) await enableSimpleQuotas(dataRoot);
    else if (mode === "qgroup") await switchToSimpleQuotas(dataRoot, log);
    return "squota";
  }
  if (mode === undefined) {
    await run("btrfs", ["quota", "enable", dataRoot]);
    await run("btrfs", ["quota", "rescan", "-w", dataRoot]).catch(() => undefined);
  }
  try {
    // Full qgroups: drops stay cheap (the kernel's default threshold) and stop the
    // counting, which repairQuotas starts again with a rescan of a fraction of a second.
    fs.writeFileSync(`${sys}/qgroups/drop_subtree_threshold`, "3");
  } catch {
    // Older kernels have no such knob and trace every drop anyway.
  }
  await repairQuotas(dataRoot);
  return "qgroup";
}

/**
 * Full qgroups only: rescans when the kernel marked the counts inconsistent (it then also
 * stops enforcing limits); true if it did. Simple quotas never go inconsistent.
 */
export async function repairQuotas(dataRoot: string): Promise<boolean> {
  const sys = await btrfsSysDir(dataRoot);
  if (modeOf(sys) !== "qgroup") return false;
  const flag = `${sys}/qgroups/inconsistent`;
  if (!fs.existsSync(flag) || fs.readFileSync(flag, "utf8").trim() !== "1") return false;
  await run("btrfs", ["quota", "rescan", "-w", dataRoot]);
  return true;
}
