// `shiplab grade` against a real daemon prepared by hand: the JSON contract, JUnit, text,
// exit codes, answers from a file, and clear messages for bad input.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../server/config.ts";
import { gradeCommand } from "../../server/grade/gradeCommand.ts";
import type { Shiplab } from "../../server/main.ts";
import { namespaceOf } from "../../server/registry/namespace.ts";
import { REPO_ROOT } from "../../server/paths.ts";
import type { Box } from "../../server/sandbox/sandboxManager.ts";
import { sh, startTestLab, stopTestLab, testHost } from "../support/testHost.ts";

let lab: Shiplab;
let config: Readonly<Config>;
let box: Box;
let dir: string;
let registryUrl: string;

class Collect extends Writable {
  text = "";
  _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function grade(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Collect();
  const err = new Collect();
  const code = await gradeCommand(args, out, err);
  return { code, out: out.text, err: err.text };
}

beforeAll(async () => {
  ({ lab, config } = await startTestLab());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-grade-"));
  registryUrl = (await testHost()).registry.url;
  box = (await lab.sandbox.acquire("9ade000000000001")).box;
  // The images lesson done by hand, except the layer-count answer, which comes from a file.
  const r = await sh(
    box.container,
    `docker pull busybox && docker pull busybox:1.37 && mkdir -p h && cd h &&
     printf '#include <stdio.h>\\nint main(void){puts("hello docker from grade");return 0;}\\n' > hello.c &&
     gcc -static hello.c -o hello && printf 'FROM scratch\\nADD hello /\\nCMD ["/hello"]\\n' > Dockerfile &&
     docker build -q -t gr/hello-docker . && docker run gr/hello-docker`,
  );
  expect(r.code, r.out).toBe(0);
});

afterAll(async () => {
  await stopTestLab(lab, config);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const host = () => `unix://${box.socketPath}`;
const answersFile = (answers: unknown) => {
  const f = path.join(dir, `${crypto.randomBytes(4).toString("hex")}.json`);
  fs.writeFileSync(f, typeof answers === "string" ? answers : JSON.stringify(answers));
  return f;
};

describe("grade", () => {
  it("prints exactly the JSON contract and exits 0 when every exercise of the lesson passed", async () => {
    const layers = (await sh(box.container, "docker inspect --format '{{len .RootFS.Layers}}' busybox")).out.trim();
    const r = await grade(["--docker-host", host(), "--lesson", "images", "--format", "json", "--answers", answersFile({ "images.layers": layers })]);
    expect(r.err).toBe("");
    const report = JSON.parse(r.out);
    expect(Object.keys(report).sort()).toEqual(["lessons", "passed", "total"]);
    expect(report.lessons.map((l: { id: string }) => l.id)).toEqual(["images"]);
    const exercises = report.lessons[0].exercises;
    expect(exercises.map((e: { id: string }) => e.id)).toEqual(lab.lessons.get("images")!.exercises.map((e) => e.id));
    for (const e of exercises) {
      expect(Object.keys(e).sort()).toEqual(["id", "message", "passed"]);
      expect(e.passed, `${e.id}: ${e.message}`).toBe(true);
    }
    expect(report).toMatchObject({ passed: 5, total: 5 });
    expect(r.code).toBe(0);
  });

  it("exits 1 and says why when something is not done; a wrong answer fails", async () => {
    const r = await grade(["--docker-host", host(), "--lesson", "images", "--format", "json", "--answers", answersFile({ "images.layers": "99" })]);
    const report = JSON.parse(r.out);
    const layers = report.lessons[0].exercises.find((e: { id: string }) => e.id === "images.layers");
    expect(layers).toMatchObject({ passed: false });
    expect(layers.message).toMatch(/not what your box says/);
    expect(report.passed).toBe(4);
    expect(r.code).toBe(1);
  });

  it("grades the whole course in JUnit, one suite per lesson", async () => {
    const r = await grade(["--docker-host", host(), "--format", "junit"]);
    expect(r.code).toBe(1);
    const total = lab.lessons.exercises().length;
    expect(r.out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(r.out).toContain(`<testsuites name="shiplab" tests="${total}"`);
    expect(r.out.match(/<testsuite /g)).toHaveLength(lab.lessons.list().length);
    expect(r.out.match(/<testcase /g)).toHaveLength(total);
    expect(r.out).toContain('<testcase classname="images" name="images.build-hello"/>');
    expect(r.out).toMatch(/<testcase classname="containers" name="containers.run-detached">\s*<failure message="[^"]+"\/>/);
  });

  it("speaks Chinese with --lang zh-CN, in text format", async () => {
    const r = await grade(["--docker-host", host(), "--lesson", "containers", "--format", "text", "--lang", "zh-CN"]);
    expect(r.out).toMatch(/FAIL {2}containers\.cp {2}.*cp-target/);
    expect(r.out).toMatch(/[\u4e00-\u9fff]/);
    expect(r.out).toMatch(/0 of 8 exercises passed/);
    expect(r.code).toBe(1);
  });

  it("grades a daemon over tcp:// as well as over a unix socket", async () => {
    // A real daemon reached over TCP: a loopback port relaying to the box's socket.
    const relay = net.createServer((client) => {
      const daemon = net.connect(box.socketPath);
      client.pipe(daemon).pipe(client);
      const close = () => {
        client.destroy();
        daemon.destroy();
      };
      client.on("error", close);
      daemon.on("error", close);
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (relay.address() as net.AddressInfo).port;
      const overTcp = await grade(["--docker-host", `tcp://127.0.0.1:${port}`, "--lesson", "images", "--format", "json"]);
      const overUnix = await grade(["--docker-host", host(), "--lesson", "images", "--format", "json"]);
      expect(overTcp.err).toBe("");
      expect(JSON.parse(overTcp.out)).toEqual(JSON.parse(overUnix.out));
      expect(JSON.parse(overTcp.out).passed).toBeGreaterThanOrEqual(4);
    } finally {
      relay.close();
    }
  });

  it("gives one clear sentence and exit 2 for bad input, never a stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [[], /--docker-host is required/],
      [["--docker-host", "http://x"], /is not unix:\/\/\/path.*or tcp:\/\/host:port/],
      [["--docker-host", "unix:///nonexistent.sock"], /no Docker daemon answers at unix:\/\/\/nonexistent\.sock/],
      [["--docker-host", host(), "--lesson", "nope"], /there is no lesson "nope"/],
      [["--docker-host", host(), "--format", "yaml"], /--format yaml is not one of json, junit, text/],
      [["--docker-host", host(), "--answers", answersFile("{not json")], /is not JSON/],
      [["--docker-host", host(), "--answers", answersFile({ "images.nope": 1 })], /unknown exercise "images\.nope"/],
      [["--docker-host", host(), "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = await grade(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("reports a malformed answer as that exercise's failure", async () => {
    const r = await grade(["--docker-host", host(), "--lesson", "architecture", "--format", "json", "--answers", answersFile({ "architecture.quiz": [1, 2] })]);
    const quiz = JSON.parse(r.out).lessons[0].exercises.find((e: { id: string }) => e.id === "architecture.quiz");
    expect(quiz).toMatchObject({ passed: false });
    expect(quiz.message).toMatch(/malformed answer/);
  });

  it("checks a push against the registry given with --registry", async () => {
    const ns = namespaceOf("9ade000000000001"); // the box's learner: the lab gate takes pushes there only
    const push = await sh(box.container, `docker tag gr/hello-docker registry.lab:5000/${ns}/hello-docker && docker push registry.lab:5000/${ns}/hello-docker`);
    expect(push.code, push.out).toBe(0);
    const without = JSON.parse((await grade(["--docker-host", host(), "--lesson", "registry", "--format", "json"])).out);
    expect(without.lessons[0].exercises[0]).toMatchObject({ id: "registry.push", passed: false });
    expect(without.lessons[0].exercises[0].message).toMatch(/needs the lab registry's address/);
    const withIt = JSON.parse((await grade(["--docker-host", host(), "--lesson", "registry", "--format", "json", "--registry", registryUrl])).out);
    expect(withIt.lessons[0].exercises[0]).toMatchObject({ id: "registry.push", passed: true });
  });

  it("is the same from the command line: `npm run -s grade` prints only the report on stdout", () => {
    const r = spawnSync("npm", ["run", "-s", "grade", "--", "--docker-host", host(), "--lesson", "images", "--format", "json"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    const report = JSON.parse(r.stdout);
    expect(report.total).toBe(5);
    expect(r.status).toBe(report.passed === report.total ? 0 : 1);
  });
});
