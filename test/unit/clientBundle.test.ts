import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClient, COMPILE_ALL_ON_LOAD } from "../../scripts/build-client.ts";

// The learner's page reaches its first prompt sooner because of how it is cut into files
// (client/connection.ts, issue 10); nothing but a stopwatch would notice that coming undone.
describe("the learner page's bundle", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-client-"));
  const assets = path.join(dir, "assets");
  let html = "";
  const read = (name: string) => fs.readFileSync(path.join(assets, name), "utf8");
  /** The assets a script imports statically (`import … from "./x.js"`), by file name. */
  const importsOf = (code: string) => [...code.matchAll(/from\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]);
  /** The lesson view's file(s): lessonView-<hash>.js, loaded by import() only. */
  const lessonViewFiles = () => fs.readdirSync(assets).filter((f) => /^lessonView-.*\.js$/.test(f));

  beforeAll(async () => {
    fs.mkdirSync(assets, { recursive: true });
    fs.writeFileSync(path.join(assets, "chunk-OLDBUILD.js"), "stale");
    await buildClient(dir);
    html = fs.readFileSync(path.join(dir, "index.html"), "utf8");
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs boot.js first, and has the browser fetch every chunk with the page's own scripts", () => {
    const scripts = [...html.matchAll(/<script type="module" src="\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(["boot.js", "app.js"]);
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/assets\/([^"]+)"/g)].map((m) => m[1]).sort();
    const chunks = fs.readdirSync(assets).filter((f) => /^chunk-.*\.js$/.test(f)).sort();
    expect(chunks.length).toBeGreaterThan(0);
    expect(preloaded).toEqual(chunks);
    expect(html).not.toContain("shiplab:modulepreload");
    // Each one imported exists, and a chunk of an earlier build is gone.
    for (const name of [...importsOf(read("boot.js")), ...importsOf(read("app.js"))]) expect(chunks).toContain(name);
    expect(chunks).not.toContain("chunk-OLDBUILD.js");
  });

  it("keeps xterm.js out of what boot.js loads, so that the connection opens before it", () => {
    const loaded = [read("boot.js"), ...importsOf(read("boot.js")).map(read)].join("\n");
    expect(loaded.length).toBeLessThan(100_000);
    expect(loaded).toMatch(/EIO/); // engine.io's protocol: the connection is in there
    expect(read("app.js")).toMatch(/xterm-helper-textarea/);
    expect(loaded).not.toMatch(/xterm-helper-textarea/);
  });

  it("leaves the lesson's renderer (marked, DOMPurify) out of the scripts the terminal waits for", () => {
    const lessonView = lessonViewFiles();
    expect(lessonView).toHaveLength(1);
    const view = read(lessonView[0]!);
    expect(view).toMatch(/DOMPurify|sanitize/);
    expect(view).toMatch(/Marked|marked/);
    // Fetched with the lesson, not with the page: not preloaded, and loaded only by import().
    expect(html).not.toContain(lessonView[0]);
    const firstScripts = ["boot.js", "app.js"].flatMap((s) => [s, ...importsOf(read(s))]);
    for (const name of new Set(firstScripts)) {
      expect(read(name), name).not.toMatch(/DOMPurify/);
      expect(importsOf(read(name)), name).not.toContain(lessonView[0]);
    }
    expect(read("app.js")).toContain(`import("./${lessonView[0]}")`);
  });

  it("asks the browser to compile the learner page's scripts as they load", () => {
    for (const name of ["boot.js", "app.js", ...importsOf(read("boot.js")), ...importsOf(read("app.js")), ...lessonViewFiles()]) {
      expect(read(name).split("\n")[0], name).toBe(COMPILE_ALL_ON_LOAD);
    }
  });
});
