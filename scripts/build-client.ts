// Bundles the browser pages: client/boot.ts → <outDir>/assets/boot.js, client/main.ts → app.js (+ app.css),
// client/lessonView.ts (which app.js imports when it fetches the lesson) → lessonView-<hash>.js,
// what they share → chunk-<hash>.js, client/teach/main.ts →
// assets/teach.js (+ teach.css), client/index.html and client/teach.html → <outDir>/.
// Run directly: node --import tsx scripts/build-client.ts   (exits non-zero on error)
// Or from the server: await buildClient("dist/client")
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

/** The repository root (this file lives in <root>/scripts). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface BuildClientResult {
  /** Absolute output directory. */
  outDir: string;
  /** Absolute paths of the files written. */
  files: string[];
}

/**
 * Builds the client into outDir (relative paths are resolved against the repository root,
 * so the result doesn't depend on the current working directory). Rejects on build errors.
 */
export async function buildClient(outDir = "dist/client"): Promise<BuildClientResult> {
  const out = isAbsolute(outDir) ? outDir : resolve(ROOT, outDir);
  const assets = join(out, "assets");
  await mkdir(assets, { recursive: true });

  const common: esbuild.BuildOptions = {
    absWorkingDir: ROOT,
    outdir: assets,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    charset: "utf8",
    metafile: true,
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  };
  const builds = await Promise.all([
    // The learner's page: boot.js, a few KB run first, opens the connection to the server
    // while app.js (xterm.js most of it; its CSS, xterm.css + client/style.css, lands in
    // app.css) loads (client/connection.ts). What both use is one shared chunk, so that
    // they share one connection.
    esbuild.build({
      ...common,
      entryPoints: { boot: join(ROOT, "client/boot.ts"), app: join(ROOT, "client/main.ts") },
      splitting: true,
      // Nearly every function in these files runs before the first prompt (xterm's are most
      // of them). The hint (V8's explicit compile hints, Chromium 136 and later) has them
      // compiled while the file streams in, off the main thread, and not one by one on it
      // when first called: ≈60-90 ms less main thread before the prompt here.
      banner: { js: COMPILE_ALL_ON_LOAD },
    }),
    // The teacher's dashboard (teach.js + teach.css), on its own.
    esbuild.build({ ...common, entryPoints: { teach: join(ROOT, "client/teach/main.ts") } }),
  ]);
  const warnings = builds.flatMap((b) => b.warnings);
  for (const warning of esbuild.formatMessagesSync(warnings, { kind: "warning", color: false })) {
    console.warn(warning);
  }
  const outputs = Object.assign({}, ...builds.map((b) => b.metafile!.outputs)) as esbuild.Metafile["outputs"];

  const pages = ["index.html", "teach.html"].map((page) => join(out, page));
  for (const page of pages) await copyFile(join(ROOT, "client", page.slice(out.length + 1)), page);
  await preloadChunks(join(out, "index.html"), outputs, assets);

  const files = [...Object.keys(outputs).map((f) => resolve(ROOT, f)), ...pages];
  await removeStale(assets, files);
  // Compressed once here, not on every request: the page's first load is ≈0.5 MB of
  // JavaScript (xterm.js most of it), ≈0.13 MB as brotli (server/web/precompressed.ts).
  for (const f of files.filter((x) => /\.(js|css)$/.test(x))) {
    const data = await readFile(f);
    await writeFile(`${f}.br`, await promisify(zlib.brotliCompress)(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    await writeFile(`${f}.gz`, await promisify(zlib.gzip)(data, { level: 9 }));
  }
  return { outDir: out, files };
}

/**
 * Names the shared chunks (hashed names, known only now) in the page's
 * `<!-- shiplab:modulepreload -->`, so that the browser fetches them with the page's own
 * scripts rather than once it has read boot.js, a round trip later. Not the lesson view: it
 * is an entry of its own (a dynamic import), fetched with the lesson once the terminal has
 * started, so that its compiling does not hold back app.js's.
 */
async function preloadChunks(page: string, outputs: esbuild.Metafile["outputs"], assets: string): Promise<void> {
  const chunks = Object.keys(outputs)
    .filter((f) => f.endsWith(".js") && !outputs[f].entryPoint)
    .map((f) => `/assets/${relative(assets, resolve(ROOT, f))}`)
    .sort();
  const links = chunks.map((href) => `<link rel="modulepreload" href="${href}" />`).join("\n    ");
  const html = await readFile(page, "utf8");
  if (!html.includes(PRELOAD_MARK)) throw new Error(`${page} has no ${PRELOAD_MARK}`);
  await writeFile(page, html.replace(PRELOAD_MARK, links));
}

const PRELOAD_MARK = "<!-- shiplab:modulepreload -->";

/** The magic comment that asks V8 to compile a whole file eagerly (see its use above). */
export const COMPILE_ALL_ON_LOAD = "//# allFunctionsCalledOnLoad";

/** Chunks of earlier builds (hashed names) and their compressed copies: nothing names them any more. */
async function removeStale(assets: string, files: string[]): Promise<void> {
  const keep = new Set(files.flatMap((f) => [f, `${f}.br`, `${f}.gz`]));
  for (const name of await readdir(assets)) {
    const f = join(assets, name);
    if (!keep.has(f)) await rm(f, { force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  try {
    const { outDir, files } = await buildClient(process.argv[2]);
    console.log(`client built in ${Date.now() - started} ms → ${outDir}`);
    for (const f of files) console.log(`  ${f}`);
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      for (const msg of esbuild.formatMessagesSync(errors, { kind: "error", color: false })) console.error(msg);
    } else {
      console.error(err);
    }
    console.error("client build failed");
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
