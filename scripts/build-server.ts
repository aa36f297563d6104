// Compiles the server to one JavaScript file, dist/server/cli.mjs, which `npm start` (and
// every other server command) runs with plain node: TypeScript through tsx at run time
// cost the server ≈40 MiB of RSS (issue 10). Dependencies stay in node_modules (external),
// but dockerode and docker-modem, which are bundled so that what they load and Shiplab never
// uses (ssh2, gRPC, protobuf: Docker over SSH, BuildKit sessions) is left out: ≈12–16 MiB less.
// Run directly: node --import tsx scripts/build-server.ts   (exits non-zero on error)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLED = new Set(["dockerode", "docker-modem"]);
const LEFT_OUT = new Set(["ssh2", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs"]);
const STUB = join(ROOT, "scripts", "stubs", "unusedDependency.cjs");

/** The package a bare import names (`@scope/name` or `name`), or undefined for a path. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:")) return undefined;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const dependencies: esbuild.Plugin = {
  name: "shiplab-dependencies",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const pkg = packageOf(args.path);
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      if (!pkg) return undefined;
      if (LEFT_OUT.has(pkg)) return { path: STUB };
      return BUNDLED.has(pkg) ? undefined : { path: args.path, external: true };
    });
  },
};
/**
 * Leaves the bundle pure ASCII. V8 keeps a module's source text in the heap for as long as
 * the server runs, and one character above U+00FF anywhere in it makes the whole text
 * two bytes a character: 0.5 MiB of the server's RSS for two "…" and "—" in comments
 * esbuild keeps (it already escapes strings and identifiers; comments it copies as they are).
 */
const asciiOutput: esbuild.Plugin = {
  name: "shiplab-ascii-output",
  setup(build) {
    build.onEnd((result) => {
      const out = build.initialOptions.outfile;
      if (result.errors.length || !out) return;
      const text = readFileSync(out, "utf8");
      // \u escapes mean the same in comments (nothing), strings, templates and identifiers.
      const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      if (ascii !== text) writeFileSync(out, ascii);
    });
  },
};

export const SERVER_BUNDLE = join(ROOT, "dist", "server", "cli.mjs");

/** How a server entry point is compiled (the bench compiles its baseline server the same way). */
export function serverBuildOptions(entry: string, outfile: string): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    plugins: [dependencies, asciiOutput],
    // What bundled CommonJS (dockerode) requires from node_modules and node itself.
    banner: { js: 'import { createRequire as __shiplabRequire } from "node:module"; const require = __shiplabRequire(import.meta.url);' },
    sourcemap: "linked",
    logLevel: "warning",
  };
}

export async function buildServer(): Promise<string> {
  await esbuild.build(serverBuildOptions(join(ROOT, "server", "cli.ts"), SERVER_BUNDLE));
  return SERVER_BUNDLE;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  buildServer().then(
    (out) => process.stderr.write(`built ${out}\n`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
