// The escape suite: every probe runs from a learner's root shell in a real box on
// Shiplab's real engine, and must be harmless. Writability is tested by writing back the
// value already there (or by opening for writing and writing nothing), never a new value.
// Network probes aim only at this machine: the box network's gateway, other boxes, and a
// listener the test itself opens.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { run } from "../../server/host/run.ts";
import { cgroupDirs, parseCgroupMounts, parseProcCgroup } from "../../server/sandbox/boxCgroups.ts";
import { labEnginePaths } from "../../server/provision/labEngine.ts";
import { networkNames } from "../../server/sandbox/boxNetwork.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { engineDocker, sh, startTestLab, stopTestLab, testHost } from "../support/testHost.ts";
import { runProbe } from "./probes.ts";

const docker = engineDocker();
let lab: Shiplab;
let config: Readonly<Config>;
let a: Box;
let b: Box;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  a = (await lab.sandbox.acquire("5ec0000000000001")).box;
  b = (await lab.sandbox.acquire("5ec0000000000002")).box;
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

/** Writes a file's own value back to it; prints WROTE or REFUSED. */
const writeBack = (file: string) =>
  `v=$(cat ${file}) && { printf '%s\\n' "$v" > ${file}; } 2>/dev/null && echo WROTE || echo REFUSED`;

describe("kernel settings of the host", () => {
  it("refuses writing back kernel.core_pattern, vm.overcommit_memory and vm.min_free_kbytes", async () => {
    for (const f of ["/proc/sys/kernel/core_pattern", "/proc/sys/vm/overcommit_memory", "/proc/sys/vm/min_free_kbytes"]) {
      const r = await sh(a.container, writeBack(f));
      expect(r.out, f).toContain("REFUSED");
    }
    // The probe can tell: a setting of the box's own network namespace is writable.
    expect((await sh(a.container, writeBack("/proc/sys/net/ipv4/ip_forward"))).out).toContain("WROTE");
  });

  it("cannot open drop_caches, sysrq-trigger, uevent_helper or modprobe for writing", async () => {
    for (const f of ["/proc/sys/vm/drop_caches", "/proc/sysrq-trigger", "/sys/kernel/uevent_helper", "/proc/sys/kernel/modprobe"]) {
      // `>>` opens for writing and writes nothing.
      const r = await sh(a.container, `if [ ! -e ${f} ]; then echo ABSENT; elif { exec 3>>${f}; } 2>/dev/null; then echo OPENED; else echo REFUSED; fi`);
      expect(r.out, f).toMatch(/REFUSED|ABSENT/);
    }
  });
});

describe("mounts and devices", () => {
  it("cannot make a new cgroup v1 hierarchy (where a release_agent would live)", async () => {
    const r = await sh(a.container, "mkdir -p /tmp/cg && mount -t cgroup -o none,name=probe cgroup /tmp/cg && echo MOUNTED || echo REFUSED");
    expect(r.out).toContain("REFUSED");
    // Its existing hierarchies are mountable, and show no release_agent above the box.
    const own = await sh(a.container, "mkdir -p /tmp/mem && mount -t cgroup -o memory cgroup /tmp/mem && ls /tmp/mem; umount /tmp/mem");
    expect(own.out).toContain("memory.limit_in_bytes");
    expect(own.out).not.toContain("release_agent");
  });

  it("gets binfmt_misc only as a private, empty instance, if at all", async () => {
    const r = await sh(a.container, "mkdir -p /tmp/bf && if mount -t binfmt_misc binfmt_misc /tmp/bf 2>/dev/null; then echo MOUNTED; ls /tmp/bf; umount /tmp/bf; else echo REFUSED; fi");
    if (r.out.includes("MOUNTED")) {
      const entries = r.out.split(/\s+/).filter((e) => e && e !== "MOUNTED");
      expect(entries.sort()).toEqual(["register", "status"]);
    } else {
      expect(r.out).toContain("REFUSED");
    }
  });

  it("cannot make and read the host's root disk device", async () => {
    const mountinfo = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n");
    const root = mountinfo.map((l) => l.split(" ")).find((f) => f[4] === "/");
    const [major, minor] = root![2].split(":");
    const r = await sh(a.container, `mknod /tmp/hostdisk b ${major} ${minor} 2>/dev/null; head -c 512 /tmp/hostdisk >/dev/null 2>&1 && echo READ-HOST-DISK || echo REFUSED`);
    expect(r.out).toContain("REFUSED");
  });

  it("shows only the box's own files to `docker run -v /:/host`", async () => {
    const marker = path.join(os.tmpdir(), `shiplab-escape-${process.pid}`);
    fs.writeFileSync(marker, "host-secret\n");
    try {
      const r = await sh(
        a.container,
        `docker pull -q busybox >/dev/null && docker run --rm -v /:/host busybox sh -c 'cat /host/etc/hostname; ls /host/tmp; cat /host${marker} 2>/dev/null || echo no-marker'`,
      );
      expect(r.code).toBe(0);
      expect(r.out).toContain("shiplab");
      expect(r.out).toContain("no-marker");
      expect(r.out).not.toContain("host-secret");
    } finally {
      fs.rmSync(marker, { force: true });
    }
  });
});

describe("cgroups", () => {
  it("sees its own cgroup as the root, and cannot raise its own limits", async () => {
    const cg = await sh(a.container, "cat /proc/1/cgroup");
    for (const line of cg.out.trim().split(/\r?\n/)) expect(line).toMatch(/:\/$/);
    const limits = await sh(
      a.container,
      [writeBack("/sys/fs/cgroup/memory/memory.limit_in_bytes"), writeBack("/sys/fs/cgroup/pids/pids.max")].join("; "),
    );
    expect(limits.out).not.toContain("WROTE");
    expect(limits.out.match(/REFUSED/g)).toHaveLength(2);
  });

  it("cannot move its shell above its own cgroup", async () => {
    // Every cgroup mount in the box, even a fresh one, has the box's cgroup as its root:
    // no path leads to the parent.
    const r = await sh(
      a.container,
      "mkdir -p /tmp/fresh && mount -t cgroup -o pids cgroup /tmp/fresh; grep -E ' - cgroup2? ' /proc/self/mountinfo | awk '{print $4}' | sort -u; umount /tmp/fresh",
    );
    expect(r.out.trim().split(/\r?\n/)).toEqual(["/"]);
    // Seen from the host: the engine's parent cgroup holds no process at all.
    const pid = (await docker.getContainer(a.container).inspect()).State.Pid;
    const dirs = cgroupDirs(parseProcCgroup(fs.readFileSync(`/proc/${pid}/cgroup`, "utf8")), parseCgroupMounts(fs.readFileSync("/proc/self/mountinfo", "utf8")));
    expect(dirs.length).toBeGreaterThan(0);
    for (const { dir } of dirs) expect(fs.readFileSync(path.join(path.dirname(dir), "cgroup.procs"), "utf8").trim(), dir).toBe("");
  });

  it("lets the inner daemon limit the learner's containers (docker run -m)", async () => {
    const r = await sh(a.container, "docker pull -q busybox >/dev/null && docker run --rm -m 48m busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes");
    expect(r.out).toContain(String(48 * 1024 * 1024));
  });
});

describe("system calls", () => {
  it("cannot load a BPF program", async () => {
    const out = await runProbe(a.container, "bpf");
    expect(out).toContain("bpf-refused");
    expect(out).not.toContain("BPF-LOADED");
  });

  it("cannot open a file by handle (open_by_handle_at)", async () => {
    const out = await runProbe(a.container, "handle");
    expect(out).toContain("handle-refused");
  });
});

describe("the box image's big files, shared by every box (boxSharedFiles.ts)", () => {
  const target = "/usr/sbin/dockerd";
  const hostCopy = async () => {
    const f = (await testHost()).sharedFiles.find((x) => x.target === target);
    expect(f, `${target} is among the shared files`).toBeDefined();
    return f!.source;
  };
  const fingerprint = (file: string) => {
    const st = fs.statSync(file);
    return { sha256: crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"), mode: st.mode, uid: st.uid, mtimeMs: st.mtimeMs, size: st.size };
  };

  it("are the host's one copy in both boxes, owned by nobody the box knows, read-only", async () => {
    const source = await hostCopy();
    const want = fingerprint(source).sha256;
    for (const box of [a, b]) {
      const r = await sh(box.container, `grep -c ' ${target} ' /proc/self/mountinfo; stat -c '%U %a' ${target}; sha256sum ${target}`);
      const [mounts, owner, sum] = r.out.trim().split(/\r?\n/);
      expect(Number(mounts)).toBe(1);
      expect(owner).toBe("nobody 555");
      expect(sum.split(" ")[0]).toBe(want);
    }
  });

  it("cannot be changed from a box, by any way a root learner has", async () => {
    const source = await hostCopy();
    const before = fingerprint(source);
    // Each attempt prints CHANGED when the step that would alter the file succeeds.
    const attempts = [
      `{ printf '' >> ${target}; } 2>/dev/null && echo CHANGED || echo REFUSED`,
      `chmod u+w ${target} 2>/dev/null && echo CHANGED || echo REFUSED`,
      `chown root:root ${target} 2>/dev/null && echo CHANGED || echo REFUSED`,
      `touch ${target} 2>/dev/null && echo CHANGED || echo REFUSED`,
      `truncate -s +0 ${target} 2>/dev/null && echo CHANGED || echo REFUSED`,
      `rm -f ${target} 2>/dev/null && echo CHANGED || echo REFUSED`,
      `mv ${target} /tmp/d 2>/dev/null && echo CHANGED || echo REFUSED`,
      `setfattr -n user.probe -v 1 ${target} 2>/dev/null && echo CHANGED || echo REFUSED`,
      // Read-write again, where the box may remount it: the owner still refuses the write.
      `mount -o remount,bind,rw ${target} 2>/dev/null; { printf '' >> ${target}; } 2>/dev/null && echo CHANGED || echo REFUSED`,
      // Through a second bind of it, made read-write from the start.
      `touch /tmp/bind && mount --bind ${target} /tmp/bind 2>/dev/null; { printf '' >> /tmp/bind; } 2>/dev/null && echo CHANGED || echo REFUSED; umount /tmp/bind 2>/dev/null`,
    ];
    for (const attempt of attempts) expect((await sh(a.container, attempt)).out, attempt).toContain("REFUSED");
    // Unmounted (lazily: the box's daemon runs from it), the box has its own copy back, and
    // may do with that what it likes.
    const own = await sh(a.container, `umount -l ${target} && { printf '' >> ${target}; } && echo OWN-COPY-WRITABLE`);
    expect(own.out).toContain("OWN-COPY-WRITABLE");
    expect(fingerprint(source)).toEqual(before);
    // And the other box still has the host's copy, unchanged.
    const r = await sh(b.container, `sha256sum ${target}; grep -c ' ${target} ' /proc/self/mountinfo`);
    expect(r.out).toContain(before.sha256);
  });
});

describe("user and network namespaces", () => {
  it("is root only inside its own user namespace", async () => {
    const r = await sh(a.container, "cat /proc/self/uid_map");
    const row = r.out.trim().split(/\s+/).map(Number);
    expect(row).toHaveLength(3);
    expect(row[0]).toBe(0);
    expect(row[1]).toBeGreaterThan(0); // host uid of the box's root
    expect(row.join(" ")).not.toBe("0 0 4294967295");
    // Seen from the host: the box's init runs as that unprivileged uid.
    const pid = (await docker.getContainer(a.container).inspect()).State.Pid;
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe(String(row[1]));
  });

  it("does not share a network namespace with another box", async () => {
    const nsA = (await sh(a.container, "readlink /proc/self/ns/net")).out.trim();
    const nsB = (await sh(b.container, "readlink /proc/self/ns/net")).out.trim();
    expect(nsA).toMatch(/^net:\[\d+\]$/);
    expect(nsA).not.toBe(nsB);
    expect(nsA).not.toBe(fs.readlinkSync("/proc/self/ns/net"));
  });
});

describe("network", () => {
  const reach = (host: string, port: number) => `timeout 3 bash -c 'echo > /dev/tcp/${host}/${port}' 2>/dev/null && echo REACHED || echo UNREACHABLE`;

  it("reaches the lab gate, and neither the server's port nor any other host port", async () => {
    expect((await sh(a.container, reach("registry.lab", 5000))).out).toContain("REACHED");
    expect((await sh(a.container, reach("registry.lab", lab.port))).out).toContain("UNREACHABLE");
    const listener = net.createServer((s) => s.end("host-secret\n"));
    await new Promise<void>((r) => listener.listen(0, "0.0.0.0", () => r()));
    try {
      const port = (listener.address() as net.AddressInfo).port;
      expect((await sh(a.container, reach(lab.network.gateway, port))).out).toContain("UNREACHABLE");
      // The lab registry itself listens on the host's loopback only.
      expect((await sh(a.container, reach(lab.network.gateway, config.registryPort))).out).toContain("UNREACHABLE");
    } finally {
      listener.close();
    }
  });

  it("cannot send the server to another socket by swapping its daemon's socket for a symlink", async () => {
    const { box } = await lab.sandbox.acquire("5ec0000000000003");
    const engineSocket = labEnginePaths(config.stateDir).socket;
    const r = await sh(box.container, `rm -f /shiplab/docker.sock && ln -s ${engineSocket} /shiplab/docker.sock && echo swapped`);
    expect(r.out).toContain("swapped"); // the learner can do this much in their own folder…
    // …and a new connection there leads nowhere: the folder does not follow symlinks.
    const connect = await new Promise<string>((resolve) => {
      const c = net.connect(box.socketPath);
      c.once("connect", () => (c.destroy(), resolve("connected")));
      c.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(connect).toBe("ELOOP");
    // (A connection the server already had stays with the box's own daemon, never the engine.)
    const engineId = ((await docker.info()) as { ID: string }).ID;
    const seen = await lab.sandbox.daemonOf(box, 5000).info().then((i: { ID: string }) => i.ID, () => "no answer");
    expect(seen).not.toBe(engineId);
    await lab.sandbox.destroy(box.id, "requested");
  });

  it("talks to its own daemon only: the host engine's socket and other boxes' daemons are out of reach", async () => {
    const engineId = ((await docker.info()) as { ID: string }).ID;
    const own = await sh(a.container, "docker info --format '{{.ID}}'");
    expect(own.out.trim()).not.toBe(engineId);
    expect(own.out.trim()).toBe(((await lab.sandbox.daemonOf(a).info()) as { ID: string }).ID);
    const ipB = lab.sandbox.addressOf(b)!;
    for (const port of [2375, 2376]) expect((await sh(a.container, reach(ipB, port))).out).toContain("UNREACHABLE");
  });

  it("cannot reach another box's ports, even on the same bridge", async () => {
    const ipB = lab.sandbox.addressOf(b)!;
    await sh(b.container, "mkdir -p /tmp/www && busybox httpd -p 7000 -h /tmp/www");
    expect((await sh(b.container, reach(ipB, 7000))).out).toContain("REACHED"); // the listener is real
    expect((await sh(a.container, reach(ipB, 7000))).out).toContain("UNREACHABLE");
    // ICMP too (the box has no `ping` of its own: busybox's). It answers on B's own address.
    const ping = (ip: string) => `busybox ping -c 1 -W 1 ${ip} >/dev/null 2>&1 && echo REACHED || echo UNREACHABLE`;
    expect((await sh(b.container, ping(ipB))).out).toContain("REACHED");
    expect((await sh(a.container, ping(ipB))).out).toContain("UNREACHABLE");
  });

  it("cannot reach the host over IPv6, even with IPv6 turned on in the box", async () => {
    const { bridge } = networkNames(config.instance);
    expect(fs.readFileSync(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`, "utf8").trim()).toBe("1");
    const listener = net.createServer((s) => s.end("host-secret\n"));
    await new Promise<void>((r) => listener.listen(0, "::", () => r()));
    try {
      const port = (listener.address() as net.AddressInfo).port;
      // The address the bridge would have: link-local, from its MAC (EUI-64).
      const mac = fs.readFileSync(`/sys/class/net/${bridge}/address`, "utf8").trim().split(":").map((h) => parseInt(h, 16));
      mac[0] ^= 2;
      const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
      const ll = `fe80::${hex(mac[0], mac[1])}:${hex(mac[2], 0xff)}:${hex(0xfe, mac[3])}:${hex(mac[4], mac[5])}`;
      const r = await sh(
        a.container,
        `echo 0 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6; echo 0 > /proc/sys/net/ipv6/conf/all/disable_ipv6; sleep 2; ` +
          `timeout 3 bash -c 'cat < /dev/tcp/${ll}%eth0/${port}' 2>/dev/null || echo UNREACHABLE`,
      );
      expect(r.out).not.toContain("host-secret");
      expect(r.out).toContain("UNREACHABLE");
    } finally {
      listener.close();
    }
  });

  it("has the host firewall in place: nothing is forwarded to or from a box", async () => {
    const { bridge, forwardChain, rawChain } = networkNames(config.instance);
    expect(await run("iptables", ["-w", "-t", "raw", "-S", "PREROUTING"])).toContain(`-A PREROUTING -i ${bridge} -j ${rawChain}`);
    expect(await run("iptables", ["-w", "-t", "raw", "-S", rawChain])).toContain(`-A ${rawChain} -d ${lab.network.gateway}/32 -j RETURN\n-A ${rawChain} -j DROP`);
    const forward = await run("iptables", ["-w", "-S", "FORWARD"]);
    expect(forward).toContain(`-A FORWARD -i ${bridge} -j ${forwardChain}`);
    expect(forward).toContain(`-A FORWARD -o ${bridge} -j ${forwardChain}`);
    expect(await run("iptables", ["-w", "-S", forwardChain])).toContain(`-A ${forwardChain} -j DROP`);
    for (const port of fs.readdirSync(`/sys/class/net/${bridge}/brif`)) {
      expect(fs.readFileSync(`/sys/class/net/${bridge}/brif/${port}/isolated`, "utf8").trim(), port).toBe("1");
    }
  });
});
