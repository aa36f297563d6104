// The learner's shell, as the real gateway starts it, either way (through the box's shell
// relay, or as an exec held through the Engine API once the learner has killed the relay),
// is confined exactly like the box's other processes: the same namespaces (the user
// namespace too), the box's cgroup with its limits, the same capabilities and seccomp
// filter; and seen from the host it is the box's remapped root, never a host process of
// root. Its connection ending hangs the shell up: nothing is left running in the box.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { openBoxShells } from "../../server/sandbox/boxShell.ts";
import { openSocketLearner, type SocketLearner } from "../support/socketLearner.ts";
import { engineDocker, sh, startTestLab, stopTestLab, testHost, until } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let learner: SocketLearner;

beforeAll(async () => {
  // A short grace: the hang-up test waits for it to run out.
  ({ lab, config } = await startTestLab({ reconnectGraceMs: 2_000 }));
});

afterAll(async () => {
  learner?.close();
  await stopTestLab(lab, config);
});

/** The current learner's box (their cookie is `<learnerId>.<mac>`). */
function learnerBox() {
  const learnerId = decodeURIComponent(learner.cookie.slice(learner.cookie.indexOf("=") + 1)).split(".")[0];
  const box = lab.sandbox.boxOf(learnerId);
  if (!box) throw new Error(`learner ${learnerId} has no box`);
  return box;
}

/** The relay's name as the kernel keeps it (15 characters). */
const RELAY_COMM = "shiplab-shell-r";

/** Types a command into the learner's shell; resolves with what it printed. */
async function typed(command: string): Promise<string> {
  const id = Math.random().toString(36).slice(2, 8);
  let out = "";
  const on = (d: string) => (out += d);
  learner.socket.on("term:output", on);
  learner.socket.emit("term:input", `echo "@@s""${id}"; ${command}; echo "@@e""${id}"\r`);
  try {
    await until(async () => out.includes(`@@e${id}\r\n`) || undefined, 30_000, `the output of ${command}`);
  } finally {
    learner.socket.off("term:output", on);
  }
  return out.slice(out.indexOf(`@@s${id}\r\n`) + `@@s${id}\r\n`.length, out.indexOf(`@@e${id}\r\n`)).replace(/\r/g, "");
}

/** This host's pid of a process of the box, from its pid in the box (NSpid's last field). */
function hostPidOf(boxPid: number, boxInitHostPid: number): number {
  const boxPidNs = fs.readlinkSync(`/proc/${boxInitHostPid}/ns/pid`);
  for (const d of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      if (fs.readlinkSync(`/proc/${d}/ns/pid`) !== boxPidNs) continue;
      const nspid = /^NSpid:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${d}/status`, "utf8"))?.[1].trim().split(/\s+/);
      if (nspid && Number(nspid[nspid.length - 1]) === boxPid) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no host process is pid ${boxPid} of the box`);
}

describe.each([
  { way: "through the box's relay", killRelay: false },
  { way: "as an exec through the engine, once the learner has killed the relay", killRelay: true },
])("the learner's shell, $way", ({ killRelay }) => {
  beforeAll(async () => {
    learner = await openSocketLearner(lab.url);
    if (!killRelay) return;
    const box = learnerBox();
    // Its shell goes with it; then a new one (what the page's New shell button asks for).
    const exited = learner.next("box:state", (s: { state: string }) => s.state === "shell-exited", 15_000);
    await sh(box.container, `pkill -x ${RELAY_COMM}; true`);
    await exited;
    learner.socket.emit("term:restart");
  });

  it(killRelay ? "is not the relay's child" : "is the relay's child", async () => {
    const parent = (await typed("cat /proc/$PPID/comm")).trim();
    if (killRelay) expect(parent).not.toBe(RELAY_COMM);
    else expect(parent).toBe(RELAY_COMM);
  });

  it("starts like a fresh process: no signal ignored or blocked, so one Ctrl-C stops a loop", async () => {
    // What the shell starts (here grep) has what the shell was given, bar its own handlers.
    const status = await typed("grep -E '^Sig(Ign|Blk):' /proc/self/status");
    expect(status).toMatch(/^SigIgn:\s+0+$/m);
    expect(status).toMatch(/^SigBlk:\s+0+$/m);
    let out = "";
    const on = (d: string) => (out += d);
    learner.socket.on("term:output", on);
    try {
      learner.socket.emit("term:input", "while true; do echo loop-line; sleep 0.2; done\r");
      await until(async () => out.split("loop-line").length > 3 || undefined, 15_000, "the loop to print");
      out = "";
      learner.socket.emit("term:input", "\x03");
      await until(async () => /# $/.test(out) || undefined, 10_000, "the prompt after one Ctrl-C");
    } finally {
      learner.socket.off("term:output", on);
    }
  });

  it.runIf(!killRelay)("keeps the terminal for the shell at its prompt, even when one of its jobs has taken the terminal", async () => {
    // Bash 5.2 can be left so when Ctrl-C lands between its fork of a command and the child
    // taking the terminal: bash back at its prompt, the child holding the terminal. Bash's
    // next read then fails (EIO) and it logs out: the learner's shell ends by itself. A
    // background job that takes the terminal on purpose makes the same state, without the race.
    let out = "";
    const on = (d: string) => (out += d);
    learner.socket.on("term:output", on);
    try {
      learner.socket.emit(
        "term:input",
        `perl -MPOSIX -e '$SIG{TTOU} = "IGNORE"; open(my $t, "+<", "/dev/tty") or die; tcsetpgrp(fileno($t), getpgrp()) or die "$!"; print "ta"."ken-ok\\n"; sleep 120' &\r`,
      );
      await until(async () => out.includes("taken-ok") || undefined, 15_000, "the job to take the terminal");
      // Bash is back at its prompt, waiting for a key, with the terminal not its own.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await typed("echo still-here")).toBe("still-here\n");
      expect(out).not.toContain("logout");
      expect(await typed("kill %1 && echo stopped")).toContain("stopped");
    } finally {
      learner.socket.off("term:output", on);
    }
  });

  it("shares every namespace, the cgroup, the capabilities and the seccomp filter of the box's daemon", async () => {
    // The prompt comes as soon as a shell can open; the box's init becomes its daemon about
    // a second later (longer on a loaded machine), so wait for the daemon before comparing.
    await until(async () => /^\d+$/.test((await typed("pgrep -x dockerd")).trim()) || undefined, 25_000, "the box's daemon to run");
    const compare = await typed(
      'd=$(pgrep -o -x dockerd); for n in cgroup ipc mnt net pid user uts; do [ "$(readlink /proc/$$/ns/$n)" = "$(readlink /proc/$d/ns/$n)" ] && echo "same $n" || echo "differs $n"; done; ' +
        '[ "$(cat /proc/$$/cgroup)" = "$(cat /proc/$d/cgroup)" ] && echo "same cgroups" || echo "differs cgroups"; ' +
        'for f in CapBnd CapEff Seccomp NoNewPrivs; do [ "$(grep "^$f:" /proc/$$/status)" = "$(grep "^$f:" /proc/$d/status)" ] && echo "same $f" || echo "differs $f"; done; ' +
        "grep '^Seccomp:' /proc/$$/status",
    );
    for (const what of ["cgroup", "ipc", "mnt", "net", "pid", "user", "uts", "cgroups", "CapBnd", "CapEff", "Seccomp", "NoNewPrivs"]) {
      expect(compare, what).toContain(`same ${what}`);
    }
    expect(compare).not.toContain("differs");
    // A filter is on (mode 2), not merely "the same as an unfiltered daemon".
    expect(compare).toMatch(/^Seccomp:\s+2$/m);
  });

  it("is, seen from the host, the box's remapped root in the box's container cgroup, never host root", async () => {
    const boxPid = Number((await typed("echo $$")).trim());
    expect(boxPid).toBeGreaterThan(1);
    const box = learnerBox();
    const info = await engineDocker().getContainer(box.container).inspect();
    const hostPid = hostPidOf(boxPid, info.State.Pid);
    const status = fs.readFileSync(`/proc/${hostPid}/status`, "utf8");
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    const { engine } = await testHost();
    expect(uid).toBe(engine.boxRoot.uid);
    expect(uid).not.toBe(0);
    expect(fs.readlinkSync(`/proc/${hostPid}/ns/user`)).not.toBe(fs.readlinkSync("/proc/self/ns/user"));
    expect(fs.readlinkSync(`/proc/${hostPid}/ns/user`)).toBe(fs.readlinkSync(`/proc/${info.State.Pid}/ns/user`));
    // Its memory and pids cgroup are the box container's (with the box's limits), on this
    // cgroup v1 host or a v2 one alike.
    const cgroups = fs.readFileSync(`/proc/${hostPid}/cgroup`, "utf8");
    const initCgroups = fs.readFileSync(`/proc/${info.State.Pid}/cgroup`, "utf8");
    for (const line of cgroups.split("\n").filter((l) => /:(memory|pids|):/.test(l) || /^0::/.test(l))) {
      expect(line, "the shell's cgroup").toContain(box.container);
    }
    expect(initCgroups).toContain(box.container);
  });

  it("is hung up when its page and grace period are gone: no shell is left in the box", async () => {
    const boxPid = Number((await typed("echo $$")).trim());
    const box = learnerBox();
    expect(openBoxShells()).toBeGreaterThan(0);
    learner.close();
    await until(async () => openBoxShells() === 0 || undefined, config.reconnectGraceMs + 30_000, "the shell's connection to close");
    await until(
      async () => (await sh(box.container, `kill -0 ${boxPid} 2>/dev/null && echo alive || echo gone`)).out.includes("gone") || undefined,
      10_000,
      `the shell (pid ${boxPid} in the box) to end`,
    );
  });
});
