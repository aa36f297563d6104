import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { serverBuildOptions } from "../../scripts/build-server.ts";
import { REPO_ROOT } from "../../server/paths.ts";

// What `npm start` runs is this bundle; what is kept out of it holds the server's RSS to the
// bench baseline's (issue 10), and nothing else would notice it coming back.
describe("the server bundle", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-bundle-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is ASCII, never calls fetch nor ICU's collation, and leaves out what dockerode loads for SSH and BuildKit", async () => {
    const out = path.join(dir, "cli.mjs");
    await esbuild.build({ ...serverBuildOptions(path.join(REPO_ROOT, "server", "cli.ts"), out), sourcemap: false, logLevel: "silent" });
    const code = fs.readFileSync(out, "utf8");
    expect(code.length).toBeGreaterThan(100_000);
    // Pure ASCII, so that V8 holds its source (kept for the server's life) one byte a character.
    expect(code.match(/[^\x00-\x7f]/g) ?? []).toEqual([]);
    // fetch is undici: its first call compiles WebAssembly, ≈30 MiB of heap kept for good.
    expect(code.match(/\bfetch\s*\(/g) ?? []).toEqual([]);
    // ICU's collation and locale formatting page megabytes of the node binary in for good:
    // one localeCompare, 2.6 MiB (measured on node 20).
    expect(code.match(/\.localeCompare\(|\bIntl\.|\.toLocale\w*String\(/g) ?? []).toEqual([]);
    for (const pkg of ["ssh2", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs"]) {
      expect(code, pkg).not.toMatch(new RegExp(`require\\(["']${pkg}["']\\)|from ["']${pkg}["']`));
    }
  });
});
