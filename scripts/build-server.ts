// Compiles the server to one JavaScript file, dist/server/cli.mjs, which `npm start` (and
// every other server command) runs with plain node: TypeScript through tsx at run time
// cost the server ≈40 MiB of RSS (issue 10). Dependencies stay in node_modules (external).
// Run directly: node --import tsx scripts/build-server.ts   (exits non-zero on error)
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_BUNDLE = join(ROOT, "dist", "server", "cli.mjs");

export async function buildServer(): Promise<string> {
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, "server", "cli.ts")],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
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
