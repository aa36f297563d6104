// A process of the host, by pid.
import fs from "node:fs";

/** True while `pid` runs (a zombie, exited but not yet reaped, has stopped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
