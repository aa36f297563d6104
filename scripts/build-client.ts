// Bundles the browser pages: client/main.ts → <outDir>/assets/app.js (+ app.css), client/teach/main.ts →
// assets/teach.js (+ teach.css), client/index.html and client/teach.html → <outDir>/.
// Run directly: node --import tsx scripts/build-client.ts   (exits non-zero on error)
// Or from the server: await buildClient("dist/client")
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { dirname, isAbsolute, join, resolve } from "node:path";
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

  const result = await esbuild.build({
    absWorkingDir: ROOT,
    // The learner's page (app.js; its CSS, xterm.css + client/style.css, lands in app.css)
    // and the teacher's dashboard (teach.js + teach.css), which needs no terminal.
    entryPoints: { app: join(ROOT, "client/main.ts"), teach: join(ROOT, "client/teach/main.ts") },
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
  });
  for (const warning of esbuild.formatMessagesSync(result.warnings, { kind: "warning", color: false })) {
    console.warn(warning);
  }

  const pages = ["index.html", "teach.html"].map((page) => join(out, page));
  for (const page of pages) await copyFile(join(ROOT, "client", page.slice(out.length + 1)), page);

  const files = [...Object.keys(result.metafile.outputs).map((f) => resolve(ROOT, f)), ...pages];
  // Compressed once here, not on every request: the page's first load is ≈0.5 MB of
  // JavaScript (xterm.js most of it), ≈0.13 MB as brotli (server/web/precompressed.ts).
  for (const f of files.filter((x) => /\.(js|css)$/.test(x))) {
    const data = await readFile(f);
    await writeFile(`${f}.br`, await promisify(zlib.brotliCompress)(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    await writeFile(`${f}.gz`, await promisify(zlib.gzip)(data, { level: 9 }));
  }
  return { outDir: out, files };
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
