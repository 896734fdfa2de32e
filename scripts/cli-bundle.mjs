// The CLI as a few JavaScript files: src/ bundled by esbuild (the transform tsx itself uses), with
// node_modules left to Node. Importing it skips tsx's per-file loader work, about a second of CPU
// at every start. What the sources import dynamically becomes a chunk of its own, loaded only when
// asked for: `start` sets the embedded database going before it loads the HTTP app (main.ts). bin/signaldesk.js runs it only when it was built from exactly the sources on
// disk (every input's sha256 is recorded and checked); otherwise it rebuilds it, and when that is
// not possible it runs the sources through tsx as before.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Bump when the build below changes, so older bundles are rebuilt. */
const FORMAT = 2;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENTRY = "src/cli.ts";
/** Files that change how the sources compile, besides the sources themselves. */
const SETTINGS = ["tsconfig.json", "package.json"];
const sha256 = (data) => createHash("sha256").update(data).digest("hex");
// One directory per checkout: worktrees sharing one node_modules (a symlink) would otherwise
// rebuild each other's bundle at every start, and a build remove chunks another is about to load.
export const BUNDLE_DIR = path.join(
  ROOT,
  "node_modules",
  ".cache",
  "signaldesk",
  "cli",
  sha256(ROOT).slice(0, 16),
);
const BUNDLE = path.join(BUNDLE_DIR, "cli.mjs");
const MANIFEST = path.join(BUNDLE_DIR, "manifest.json");

/** The bundle's URL when it matches the sources on disk; undefined otherwise. Never throws. */
export function freshBundle() {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
    if (manifest.format !== FORMAT || manifest.entry !== ENTRY || manifest.root !== ROOT) return undefined;
    for (const [file, hash] of Object.entries(manifest.outputs)) {
      if (sha256(readFileSync(path.join(BUNDLE_DIR, file))) !== hash) return undefined;
    }
    for (const [file, hash] of Object.entries(manifest.inputs)) {
      if (sha256(readFileSync(path.join(ROOT, file))) !== hash) return undefined;
    }
    return pathToFileURL(BUNDLE).href;
  } catch {
    return undefined;
  }
}

function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/**
 * esbuild's options for a bundle of `entry` (a TypeScript file of this checkout) in `outdir`: src/
 * and the checkout's own files bundled, node_modules left to Node. Every source read is recorded
 * in `inputs` (path -> sha256).
 */
function bundleOptions(entry, outdir, inputs) {
  const sources = {
    name: "signaldesk-sources",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = path.relative(ROOT, args.path);
        if (rel.startsWith("..") || rel.split(path.sep)[0] === "node_modules") {
          throw new Error(`unexpected input outside src/: ${args.path}`);
        }
        const contents = readFileSync(args.path, "utf8");
        inputs[rel.split(path.sep).join("/")] = sha256(contents);
        // import.meta.url keeps naming the source file (migrations folder, template cache,
        // createRequire): the bundle is only ever run from this checkout (manifest.root).
        if (/import\.meta(?!\.url\b)/.test(contents)) {
          throw new Error(`${rel}: only import.meta.url is supported in a bundle`);
        }
        return {
          contents: contents.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
          loader: "ts",
        };
      });
    },
  };
  return {
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    splitting: true,
    target: "node20",
    // Class and function names stay what the sources say (error names, logs).
    keepNames: true,
    sourcemap: "linked",
    sourcesContent: false,
    write: false,
    outdir,
    entryNames: "[name]",
    outExtension: { ".js": ".mjs" },
    // Named by content: builds of different sources never write different code to one name.
    chunkNames: "chunk-[hash]",
    metafile: true,
    logLevel: "silent",
    plugins: [sources],
  };
}

/**
 * Another entry of this checkout bundled as the CLI is; returns the bundle's path. It is written
 * beside the CLI's, under node_modules, so that its imports of packages resolve as the CLI's do.
 * The benchmarks' server processes run this way (bench/scenarios/scaleout.ts): `signaldesk start`
 * runs a bundle, and the same server under tsx holds ~70 MB more RSS (its loader's transform
 * worker and per-file caches), which would be measured as the service's.
 */
export async function bundleEntry(entry) {
  const { build } = await import("esbuild");
  const name = path.basename(entry, path.extname(entry));
  const outdir = path.join(BUNDLE_DIR, "..", "..", "entries", sha256(ROOT).slice(0, 16), name);
  await build({ ...bundleOptions(entry, outdir, {}), write: true });
  return path.join(outdir, `${name}.mjs`);
}

/** Builds the bundle and its manifest; returns the bundle's URL. Throws when it cannot. */
export async function buildBundle() {
  const { build } = await import("esbuild");
  const inputs = {};
  for (const file of SETTINGS) inputs[file] = sha256(readFileSync(path.join(ROOT, file)));
  const result = await build(bundleOptions(ENTRY, BUNDLE_DIR, inputs));
  for (const input of Object.keys(result.metafile.inputs)) {
    if (!(input in inputs)) throw new Error(`unexpected input: ${input}`);
  }
  mkdirSync(BUNDLE_DIR, { recursive: true });
  if (!result.outputFiles.some((f) => f.path === BUNDLE)) throw new Error("esbuild wrote no bundle");
  const outputs = {};
  for (const file of result.outputFiles) {
    const name = path.relative(BUNDLE_DIR, file.path);
    writeAtomically(file.path, file.contents);
    if (name.endsWith(".mjs")) outputs[name] = sha256(file.contents);
  }
  // Last: the manifest names every file's hash, so a bundle replaced meanwhile is never run.
  writeAtomically(
    MANIFEST,
    JSON.stringify({ format: FORMAT, entry: ENTRY, root: ROOT, outputs, inputs }, null, 1),
  );
  removeStaleChunks(outputs);
  return pathToFileURL(BUNDLE).href;
}

/**
 * Chunks of earlier builds. A server started from one has loaded its chunks by the time it
 * answers (main.ts imports them all before listening), so they can go.
 */
function removeStaleChunks(outputs) {
  for (const name of readdirSync(BUNDLE_DIR)) {
    const chunk = name.replace(/\.map$/, "");
    if (chunk.startsWith("chunk-") && !(chunk in outputs))
      rmSync(path.join(BUNDLE_DIR, name), { force: true });
  }
}

/** Removes the bundle (tests, or to force tsx). */
export function removeBundle() {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
}
