// The Docker sandbox against the real host dockerd: real boxes, real inner daemons,
// the real lab registry behind the real gate.
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import type { Shiplab } from "../../server/main.ts";
import { namespaceOf } from "../../server/registry/namespace.ts";
import { NOT_IN_LAB_MESSAGE } from "../../server/registry/labGate.ts";
import { reapLegacyBoxes } from "../../server/provision/legacyBoxes.ts";
import { boxPortName, ensureBoxNetwork, interfacesOf, portAddress } from "../../server/sandbox/boxNetwork.ts";
import { BOX_ISOLATION, LABEL } from "../../server/sandbox/labels.ts";
import type { Box, RemovalReason } from "../../server/sandbox/sandboxManager.ts";
import { daemonAnswers, type DockerSandbox } from "../../server/sandbox/dockerSandbox.ts";
import { sandboxFor } from "../support/sandboxFor.ts";
import { engineDocker, log, sh, startTestLab, stopTestLab, testHost, until } from "../support/testHost.ts";

const docker = engineDocker();
let lab: Shiplab;
let config: Readonly<Config>;

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
});

afterAll(async () => {
  await stopTestLab(lab, config);
});

const exists = async (container: string) => {
  try {
    await docker.getContainer(container).inspect();
    return true;
  } catch {
    return false;
  }
};

/** A sandbox's pool of warm boxes, reached into to stage what its engine's events would miss. */
const poolOf = (sandbox: object) => (sandbox as { pool: Box[] }).pool;

/** A second sandbox with one warm box waiting and its removals noted, for `body`; then gone. */
async function withWarmBox(body: (t: { sandbox: DockerSandbox; pool: Box[]; removed: [string, RemovalReason][] }) => Promise<void>): Promise<void> {
  const sandbox = await sandboxFor(lab, config, { warmPool: 1 });
  const removed: [string, RemovalReason][] = [];
  sandbox.onRemoved((b, reason) => removed.push([b.id, reason]));
  await sandbox.start();
  try {
    await until(async () => sandbox.list().length === 1, 30_000, "a warm box");
    await body({ sandbox, pool: poolOf(sandbox), removed });
  } finally {
    await sandbox.destroyAll();
    await sandbox.dispose();
  }
}

/** Kills a box's container and waits until the engine says it stopped. */
async function stopBox(box: Box): Promise<void> {
  await docker.getContainer(box.container).kill();
  await until(async () => !(await docker.getContainer(box.container).inspect()).State.Running, 10_000, "the warm box stopped");
}

describe("a box", () => {
  it("runs its own Docker daemon, labelled and limited", async () => {
    const { box } = await lab.sandbox.acquire("a000000000000001");
    const info = await docker.getContainer(box.container).inspect();

    expect(info.Config.Labels[LABEL.box]).toBe(box.id);
    expect(info.Config.Labels[LABEL.instance]).toBe(config.instance);
    expect(info.Config.Labels[LABEL.test]).toBe(config.testRun);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Memory).toBe(config.boxMemoryBytes);
    expect(info.HostConfig.NanoCpus).toBe(config.boxCpus * 1e9);
    expect(info.HostConfig.PidsLimit).toBe(config.boxPids);
    expect(info.HostConfig.CapDrop).toEqual(expect.arrayContaining(["SYS_MODULE", "SYS_RAWIO", "SYS_BOOT"]));
    // On the box bridge through a port Shiplab made and isolated, at the address that
    // port's index gives, and through nothing else: Docker gave it no network of its own.
    const address = lab.sandbox.addressOf(box)!;
    expect(address).toBe(portAddress(lab.network, boxPortName(box.id)));
    // (docker0 and veths are the inner daemon's own, for the learner's containers.)
    expect(interfacesOf(info.State.Pid).filter((n) => n !== "docker0" && !n.startsWith("veth"))).toEqual(["lo", "eth0"]);
    const peer = (await sh(box.container, "cat /sys/class/net/eth0/iflink")).out.trim();
    expect(fs.readFileSync(`/sys/class/net/${boxPortName(box.id)}/ifindex`, "utf8").trim()).toBe(peer);
    expect((await sh(box.container, "ip -color=never -4 -o addr show dev eth0; ip -color=never route")).out).toMatch(
      new RegExp(`eth0\\s+inet ${address.replaceAll(".", "\\.")}/[\\s\\S]*default via ${lab.network.gateway.replaceAll(".", "\\.")} dev eth0`),
    );
    expect(fs.readFileSync(`/sys/class/net/${lab.network.bridge}/brif/${boxPortName(box.id)}/isolated`, "utf8").trim()).toBe("1");

    // One disk quota for everything the box writes (test/security/limits.test.ts fills it).
    expect(info.HostConfig.StorageOpt).toEqual({ size: String(config.boxDiskBytes) });
    expect(info.Config.Labels[LABEL.isolation]).toBe(BOX_ISOLATION);

    // Its own daemon answers on the socket the checker reads, and runs inside the box.
    const inner = await new Docker({ socketPath: box.socketPath }).version();
    expect(inner.ApiVersion).toBe("1.45");
    expect(inner.Version).toMatch(/^26\./);
    const ps = await sh(box.container, "ps -ef | grep [d]ockerd");
    expect(ps.out).toMatch(/dockerd --host unix:\/\/\/shiplab\/docker.sock/);

    // The same learner gets the same box.
    expect((await lab.sandbox.acquire("a000000000000001")).box.id).toBe(box.id);
  });

  it("does in its user namespace what learners do: BuildKit and legacy builds, run -d, top, -p, exec, logs, cp, restart", async () => {
    const { box } = await lab.sandbox.acquire("a000000000000003");
    const script = [
      "set -e",
      "docker pull -q busybox >/dev/null",
      "mkdir -p /root/ctx && cd /root/ctx",
      "printf 'FROM busybox\\nRUN echo built > /built\\nCMD [\"cat\", \"/built\"]\\n' > Dockerfile",
      "DOCKER_BUILDKIT=1 docker build -q -t t/kit . >/dev/null && docker run --rm t/kit",
      "DOCKER_BUILDKIT=0 docker build -q -t t/legacy . >/dev/null && docker run --rm t/legacy",
      "docker history --format '{{.CreatedBy}}' t/kit | grep -q buildkit && echo history-says-buildkit",
      "mkdir -p /root/www && echo served > /root/www/index.html",
      "docker run -d --name web -p 8080:80 -v /root/www:/www busybox httpd -f -p 80 -h /www >/dev/null",
      "docker top web | grep -q httpd && echo top-ok",
      "sleep 1; busybox wget -qO- http://127.0.0.1:8080/",
      "docker exec web sh -c 'echo exec-ok > /tmp/x' && docker cp web:/tmp/x /root/x && cat /root/x",
      "docker logs web >/dev/null && docker restart -t 1 web >/dev/null && docker inspect -f '{{.State.Running}}' web",
    ].join("\n");
    const r = await sh(box.container, script);
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/^built\r?$/gm)).toHaveLength(2);
    for (const want of ["history-says-buildkit", "top-ok", "served", "exec-ok", "true"]) expect(r.out).toContain(want);
  });

  it("pulls the lab's images, explains a miss, and keeps the lab's own images read-only", async () => {
    const { box } = await lab.sandbox.acquire("a000000000000002");
    const pull = await sh(box.container, "docker pull busybox && docker run --rm busybox echo from-busybox");
    expect(pull.code).toBe(0);
    expect(pull.out).toContain("from-busybox");
    expect((await sh(box.container, "docker pull hello-world && docker run --rm hello-world")).out).toContain("Hello from Docker");
    // The multistage lesson's build stage: a compiler the box cannot download.
    const gcc = await sh(box.container, "docker pull -q gcc:14 >/dev/null && docker run --rm gcc:14 gcc --version");
    expect(gcc.code, gcc.out).toBe(0);
    expect(gcc.out).toMatch(/gcc .*\b14\./);

    const miss = await sh(box.container, "docker pull some/image-the-lab-lacks");
    expect(miss.code).not.toBe(0);
    expect(miss.out).toContain(NOT_IN_LAB_MESSAGE);

    const poison = await sh(box.container, "docker tag busybox registry.lab:5000/library/busybox:latest && docker push registry.lab:5000/library/busybox:latest");
    expect(poison.code).not.toBe(0);
    expect(poison.out).toMatch(/read-only/);

    const ns = namespaceOf("a000000000000002");
    const own = await sh(box.container, `docker tag busybox registry.lab:5000/${ns}/bb:t1 && docker push registry.lab:5000/${ns}/bb:t1`);
    expect(own.code, own.out).toBe(0);
    const host = await testHost();
    expect(await host.registry.tags(`${ns}/bb`)).toContain("t1");
  });
});

describe("isolation", () => {
  it("keeps two boxes apart: images, containers, daemons and network", async () => {
    const a = (await lab.sandbox.acquire("a0000000000000aa")).box;
    const b = (await lab.sandbox.acquire("b0000000000000bb")).box;
    expect(a.id).not.toBe(b.id);
    expect(a.socketPath).not.toBe(b.socketPath);

    await sh(a.container, "docker pull busybox && docker tag busybox only/in-a && docker run --name only-in-a busybox true");
    const seenByB = await sh(b.container, "docker images --format '{{.Repository}}'; docker ps -a --format '{{.Names}}'");
    expect(seenByB.out).not.toContain("only/in-a");
    expect(seenByB.out).not.toContain("only-in-a");
    const innerB = new Docker({ socketPath: b.socketPath });
    expect((await innerB.listImages()).flatMap((i) => i.RepoTags ?? [])).not.toContain("only/in-a:latest");

    // A listens; A reaches itself (so the probe works), B cannot reach A.
    const ipA = lab.sandbox.addressOf(a)!;
    await sh(a.container, "mkdir -p /tmp/www && busybox httpd -p 7000 -h /tmp/www");
    const self = await sh(a.container, `timeout 3 bash -c 'echo > /dev/tcp/${ipA}/7000' && echo reached`);
    expect(self.out).toContain("reached");
    const fromB = await sh(b.container, `timeout 3 bash -c 'echo > /dev/tcp/${ipA}/7000' && echo reached`);
    expect(fromB.out).not.toContain("reached");
  });

  it("lets a box reach only the lab gate on the host", async () => {
    const { box } = await lab.sandbox.acquire("c0000000000000cc");
    // A host service on every address: the box must not reach it through its gateway.
    const server = net.createServer((s) => s.end("host-secret\n"));
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const blocked = await sh(box.container, `timeout 3 bash -c 'cat < /dev/tcp/registry.lab/${port}'`);
      expect(blocked.out).not.toContain("host-secret");
      const gate = await sh(box.container, "timeout 3 bash -c 'echo > /dev/tcp/registry.lab/5000' && echo gate-open");
      expect(gate.out).toContain("gate-open");
      // And no name resolves to the outside world.
      const dns = await sh(box.container, "getent hosts example.com || echo no-such-host");
      expect(dns.out).toContain("no-such-host");
    } finally {
      server.close();
    }
  });
});

describe("lifecycle", () => {
  it("removes a box left idle, and one past its lifetime even while in use", async () => {
    const sandbox = await sandboxFor(lab, config, { idleTimeoutMs: 1500, maxLifetimeMs: 60_000, reapIntervalMs: 200 });
    const removed: [string, RemovalReason][] = [];
    sandbox.onRemoved((b, reason) => removed.push([b.id, reason]));
    await sandbox.start();
    try {
      const idle = (await sandbox.acquire("d0000000000000dd")).box;
      sandbox.setAttached("d0000000000000dd", true);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await exists(idle.container)).toBe(true); // attached: not idle
      sandbox.setAttached("d0000000000000dd", false);
      await until(async () => removed.find(([id]) => id === idle.id), 10_000, "the idle box to be removed");
      expect(removed.find(([id]) => id === idle.id)?.[1]).toBe("idle");
      // Told as the removal begins; the container and its folder go right after.
      await until(async () => !(await exists(idle.container)), 30_000, "the idle box's container to go");
      await until(async () => !fs.existsSync(path.dirname(path.dirname(idle.socketPath))), 10_000, "the idle box's folder to go");
    } finally {
      await sandbox.destroyAll();
      await sandbox.dispose();
    }

    const shortLived = await sandboxFor(lab, config, { idleTimeoutMs: 60_000, maxLifetimeMs: 3000, reapIntervalMs: 200 });
    const removed2: RemovalReason[] = [];
    shortLived.onRemoved((_b, reason) => removed2.push(reason));
    await shortLived.start();
    try {
      // As a page takes it: its lifetime may end before its daemon answers on a slow machine.
      const busy = (await shortLived.acquire("e0000000000000ee", { shellFirst: true })).box;
      shortLived.setAttached("e0000000000000ee", true);
      await until(async () => removed2.includes("lifetime"), 15_000, "the box past its lifetime to be removed");
      await until(async () => !(await exists(busy.container)), 30_000, "its container to go");
    } finally {
      await shortLived.destroyAll();
      await shortLived.dispose();
    }
  });

  it("adopts live boxes after a restart and reaps dead ones", async () => {
    const first = await sandboxFor(lab, config);
    await first.start();
    const live = (await first.acquire("f0000000000000f1")).box;
    const address = first.addressOf(live)!;
    const dead = (await first.acquire("f0000000000000f2")).box;
    await docker.getContainer(dead.container).stop({ t: 1 });
    await first.dispose(); // a server shutting down leaves boxes for the next one

    const second = await sandboxFor(lab, config);
    try {
      await second.start();
      expect(second.boxOf("f0000000000000f1")?.id).toBe(live.id);
      expect(second.boxOf("f0000000000000f2")).toBeUndefined();
      expect(await exists(dead.container)).toBe(false);
      expect(await exists(live.container)).toBe(true);
      // It keeps its address, which the lab gate reads to know whose push it is.
      expect(second.addressOf(live)).toBe(address);
      expect(await second.learnerAt(address)).toBe("f0000000000000f1");
      // The learner's `docker` works again: the new server opened its own tap for the box.
      const ps = await sh(live.container, "docker ps -q && echo docker-answers");
      expect(ps.out).toContain("docker-answers");
    } finally {
      await second.destroyAll();
      await second.dispose();
    }
  });

  it("upgrades in place: a box made the old way is reaped at start, and its learner gets a new one", async () => {
    // A box as an older Shiplab made it: running, this instance's labels, no isolation label.
    const host = await testHost();
    const old = await docker.createContainer({
      name: `shiplab-${config.instance}-l-0dd0000000000001`,
      Image: host.images.box,
      Entrypoint: ["sleep", "300"],
      Labels: { [LABEL.instance]: config.instance, [LABEL.box]: "0dd000000001", [LABEL.test]: config.testRun! },
    });
    await old.start();
    const sandbox = await sandboxFor(lab, config);
    try {
      await sandbox.start();
      expect(await exists(old.id)).toBe(false);
      expect(sandbox.boxOf("0dd0000000000001")).toBeUndefined();
      const { box } = await sandbox.acquire("0dd0000000000001");
      const info = await docker.getContainer(box.container).inspect();
      expect(info.Config.Labels[LABEL.isolation]).toBe(BOX_ISOLATION);
    } finally {
      await sandbox.destroyAll();
      await sandbox.dispose();
    }
  });

  it("removes this instance's boxes and network from the engine older Shiplabs used, and nothing else", async () => {
    // The "host engine" here is Shiplab's own test engine: real, and ours to touch.
    const host = await testHost();
    const legacyInstance = `legacy${process.pid}`;
    const labels = { [LABEL.instance]: legacyInstance, [LABEL.test]: config.testRun! };
    const net = await ensureBoxNetwork(docker, legacyInstance, config.testRun);
    const mine = await docker.createContainer({ Image: host.images.box, Entrypoint: ["sleep", "300"], Labels: { ...labels, [LABEL.box]: "1e9ac0000001" } });
    const other = await docker.createContainer({ Image: host.images.box, Entrypoint: ["sleep", "300"], Labels: { [LABEL.instance]: "someone-else", [LABEL.box]: "1e9ac0000002", [LABEL.test]: config.testRun! } });
    try {
      const removed = await reapLegacyBoxes(legacyInstance, config.stateDir, log, host.engine.socketPath);
      expect(removed).toBe(1);
      expect(await exists(mine.id)).toBe(false);
      expect(await exists(other.id)).toBe(true);
      expect((await docker.listNetworks({ filters: { name: [net.name] } })).filter((n) => n.Name === net.name)).toEqual([]);
      // An engine that does not answer is left alone.
      expect(await reapLegacyBoxes(legacyInstance, config.stateDir, log, "/nonexistent/docker.sock")).toBe(0);
    } finally {
      await other.remove({ force: true }).catch(() => undefined);
      await mine.remove({ force: true }).catch(() => undefined);
      await docker.getNetwork(net.name).remove().catch(() => undefined);
    }
  });

  it("hands a warm box to a new learner and refills the pool", async () => {
    await withWarmBox(async ({ sandbox }) => {
      const warm = sandbox.list()[0];
      const { box } = await sandbox.acquire("a1000000000000a1");
      expect(box.id).toBe(warm.id);
      // Named after its learner just after it is handed over (the prompt does not wait).
      await until(async () => (await docker.getContainer(box.container).inspect()).Name.includes("a1000000000000a1"), 10_000, "the learner's name");
      expect(await exists(box.container)).toBe(true);
      await until(async () => sandbox.list().length === 2, 30_000, "the pool to refill");
    });
  });

  it("hands a warm box over without asking the engine, and removes it as dead if it had stopped unseen", async () => {
    await withWarmBox(async ({ sandbox, pool, removed }) => {
      // A warm box whose die event the sandbox missed: taken out of its pool while it is
      // killed (the event names a box it does not hold, so nothing happens), then put back.
      const [dead] = pool.splice(0, 1);
      await stopBox(dead);
      await new Promise((r) => setTimeout(r, 500)); // its die event has passed by
      pool.unshift(dead);

      const { box } = await sandbox.acquire("a4000000000000a4");
      expect(box.id).toBe(dead.id); // handed over on the events' word
      await until(async () => removed.some(([id]) => id === dead.id), 30_000, "the dead box's removal");
      expect(removed.find(([id]) => id === dead.id)?.[1]).toBe("died");
      expect(sandbox.boxOf("a4000000000000a4")).toBeUndefined();
      // The learner's next try gets a box that runs.
      const next = await sandbox.acquire("a4000000000000a4");
      expect(next.box.id).not.toBe(dead.id);
      expect((await docker.getContainer(next.box.container).inspect()).State.Running).toBe(true);
    });
  });

  it("asks the engine before handing over a warm box while the engine's events are not flowing", async () => {
    await withWarmBox(async ({ sandbox, pool }) => {
      // Events stop (as when the engine restarts), and meanwhile the warm box stops.
      (sandbox as unknown as { deaths: { dispose(): void } }).deaths.dispose();
      const dead = pool[0];
      await stopBox(dead);

      const { box } = await sandbox.acquire("a5000000000000a5");
      expect(box.id).not.toBe(dead.id);
      expect((await docker.getContainer(box.container).inspect()).State.Running).toBe(true);
    });
  });

  it("gives a warm box back to its learner after a restart right after the hand-over", async () => {
    const first = await sandboxFor(lab, config, { warmPool: 1 });
    await first.start();
    let second: Awaited<ReturnType<typeof sandboxFor>> | undefined;
    try {
      await until(async () => first.list().length === 1, 30_000, "a warm box");
      const { box } = await first.acquire("a2000000000000a2");
      await first.dispose(); // at once: the next server must still find the learner's name on it

      second = await sandboxFor(lab, config);
      await second.start();
      expect(second.boxOf("a2000000000000a2")?.id).toBe(box.id);
    } finally {
      await (second ?? first).destroyAll();
      await second?.dispose();
    }
  });

  it("removes a warm box whose learner's name cannot be written on it, rather than let it pass for a warm box", async () => {
    // Another container (not a box) holds the learner's name, so the engine refuses the rename.
    const host = await testHost();
    const squatter = await docker.createContainer({
      name: `shiplab-${config.instance}-l-a3000000000000a3`,
      Image: host.images.box,
      Entrypoint: ["true"],
      Labels: { [LABEL.test]: config.testRun! },
    });
    try {
      await withWarmBox(async ({ sandbox, removed }) => {
        const { box } = await sandbox.acquire("a3000000000000a3");
        await until(async () => removed.some(([id]) => id === box.id), 30_000, "the unnamed box's removal");
        expect(removed.find(([id]) => id === box.id)?.[1]).toBe("died");
        expect(sandbox.boxOf("a3000000000000a3")).toBeUndefined();
        await until(async () => !(await exists(box.container)), 30_000, "the container gone");
      });
    } finally {
      await squatter.remove({ force: true });
    }
  });

  it("gives a learner whose box died a fresh one, and says so", async () => {
    const { box } = await lab.sandbox.acquire("b1000000000000b1");
    await docker.getContainer(box.container).kill();
    const again = await lab.sandbox.acquire("b1000000000000b1");
    expect(again.replacedBecause).toBe("died");
    expect(again.box.id).not.toBe(box.id);
    expect((await docker.getContainer(again.box.container).inspect()).State.Running).toBe(true);
  });
});

describe("a new box's prompt before its daemon", () => {
  it("comes as soon as a shell can open, and a `docker` typed at once waits for the daemon instead of failing", async () => {
    const { box, daemonReady } = await lab.sandbox.acquire("b2000000000000b2", { shellFirst: true });
    let settled = false;
    void daemonReady.then(() => (settled = true));
    // box-init starts the shell relay before containerd, and dockerd after that.
    expect(fs.existsSync(path.join(path.dirname(box.socketPath), "shell.sock"))).toBe(true);
    expect(settled).toBe(false);
    expect(await daemonAnswers(box.socketPath)).toBe(false);

    const early = await sh(box.container, "docker version --format '{{.Server.Os}}' && docker run --rm busybox echo first-run");
    expect(early.code, early.out).toBe(0);
    expect(early.out).toContain("linux");
    expect(early.out).toContain("first-run");
    await daemonReady;
    // The wait is shown as part of the call, in the learner's "under the hood" panel: the
    // version call waited for the daemon and was answered. (On a loaded machine the CLI's
    // first ping gives up before the daemon comes; the panel shows it unanswered, status 0.)
    const calls = lab.sandbox.recentApiCalls(box);
    const version = calls.find((c) => /\/version(\?|$)/.test(c.path));
    expect(version?.status, JSON.stringify(calls)).toBe(200);

    // The same box again (a second tab): handed out at once, its daemon already answering.
    const again = await lab.sandbox.acquire("b2000000000000b2", { shellFirst: true });
    expect(again.box.id).toBe(box.id);
    await again.daemonReady;
  });

  it("comes for a whole class before any of their daemons starts; a learner's `docker` starts theirs out of turn", async () => {
    // One start at a time: each box's prompt, then the daemons in arrival order.
    const sandbox = await sandboxFor(lab, config, { boxStarts: 1 });
    await sandbox.start();
    try {
      const seen: string[] = [];
      const ids = ["c1", "c2", "c3", "c4"].map((n) => `${n}00000000000000`);
      const acquired = await Promise.all(
        ids.map(async (id, i) => {
          const a = await sandbox.acquire(id, { shellFirst: true });
          seen.push(`prompt ${i + 1}`);
          void a.daemonReady.then(() => seen.push(`daemon ${i + 1}`));
          return a;
        }),
      );
      const marker = (i: number) => path.join(path.dirname(acquired[i].box.socketPath), ".daemon");
      // The first daemon's turn came with the last prompt; the others wait behind it.
      expect(seen.slice(0, 4).sort()).toEqual(["prompt 1", "prompt 2", "prompt 3", "prompt 4"]);
      expect(fs.existsSync(marker(1)), "the second daemon waits for its turn").toBe(false);
      expect(await daemonAnswers(acquired[3].box.socketPath)).toBe(false);

      // The last learner runs docker: their daemon moves up, in front of the second and third.
      const early = await sh(acquired[3].box.container, "docker version --format '{{.Server.Os}}'");
      expect(early.code, early.out).toBe(0);
      expect(early.out).toContain("linux");
      await Promise.all(acquired.map((a) => a.daemonReady));
      expect(fs.statSync(marker(3)).mtimeMs).toBeLessThan(fs.statSync(marker(2)).mtimeMs);
      expect(seen.indexOf("daemon 2")).toBeLessThan(seen.indexOf("daemon 3"));
    } finally {
      await sandbox.destroyAll();
      await sandbox.dispose();
    }
  });

  it("goes with its box when the box dies before its daemon answers: the learner hears it died", async () => {
    const removed: [string, RemovalReason][] = [];
    const off = lab.sandbox.onRemoved((b, reason) => removed.push([b.id, reason]));
    try {
      const { box, daemonReady } = await lab.sandbox.acquire("b3000000000000b3", { shellFirst: true });
      await docker.getContainer(box.container).kill();
      await expect(daemonReady).rejects.toThrow(/stopped while starting|did not start/);
      await until(async () => removed.some(([id, reason]) => id === box.id && reason === "died"), 30_000, "the box removed as died");
      await until(async () => !(await exists(box.container)), 60_000, "the container gone");
      expect(lab.sandbox.boxOf("b3000000000000b3")).toBeUndefined();
    } finally {
      off();
    }
  });
});
