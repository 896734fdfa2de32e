import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/**
 * A tiny copy of the project layout (bin/, scripts/cli-bundle.mjs, src/cli.ts) with its own
 * node_modules/.cache, so the real bundle is never touched while these tests change sources.
 */
function fakeProject(cli: string) {
  const root = mkdtempSync(path.join(tmpdir(), "sd-bundle-"));
  for (const dir of ["bin", "scripts", "src", "node_modules"]) mkdirSync(path.join(root, dir));
  cpSync(path.join(REPO, "bin", "signaldesk.js"), path.join(root, "bin", "signaldesk.js"));
  cpSync(path.join(REPO, "scripts", "cli-bundle.mjs"), path.join(root, "scripts", "cli-bundle.mjs"));
  for (const pkg of ["esbuild", "tsx"]) {
    symlinkSync(path.join(REPO, "node_modules", pkg), path.join(root, "node_modules", pkg));
  }
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(path.join(root, "tsconfig.json"), "{}");
  writeFileSync(path.join(root, "src", "cli.ts"), cli);
  const run = () => {
    const res = spawnSync(process.execPath, [path.join(root, "bin", "signaldesk.js")], { encoding: "utf8" });
    return { status: res.status, out: res.stdout.trim(), err: res.stderr };
  };
  // The bundle's directory: one per checkout, the only one here.
  const dir = () => {
    const cli = path.join(root, "node_modules/.cache/signaldesk/cli");
    const [only, ...others] = readdirSync(cli);
    expect(others).toEqual([]);
    return path.join(cli, only!);
  };
  const manifest = () =>
    JSON.parse(readFileSync(path.join(dir(), "manifest.json"), "utf8")) as {
      inputs: Record<string, string>;
    };
  return { root, run, manifest, dir };
}

// Prints how it runs: through the bundle (no tsx loader) or as TypeScript through tsx.
const CLI = `import { fileURLToPath } from "node:url";
import { where } from "./where";
const mode: string = process.argv[1]!.endsWith("signaldesk.js") ? "ok" : "?";
console.log(mode, where(), fileURLToPath(import.meta.url));
`;
const WHERE = (tag: string) => `export function where(): string { return "${tag}"; }\n`;

describe("CLI bundle", () => {
  it("is built on first use, records every source, and keeps import.meta.url naming the source", () => {
    const project = fakeProject(CLI);
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("one"));
    const first = project.run();
    expect(first.err).toBe("");
    expect(first.out).toBe(`ok one ${path.join(project.root, "src", "cli.ts")}`);
    expect(Object.keys(project.manifest().inputs).sort()).toEqual([
      "package.json",
      "src/cli.ts",
      "src/where.ts",
      "tsconfig.json",
    ]);
  });

  it("never runs a bundle older than the sources: an edit is rebuilt before it runs", () => {
    const project = fakeProject(CLI);
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("one"));
    expect(project.run().out).toContain("ok one");
    const before = project.manifest().inputs["src/where.ts"];
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("two"));
    expect(project.run().out).toContain("ok two");
    expect(project.manifest().inputs["src/where.ts"]).not.toBe(before);
  });

  it("runs the sources through tsx when the bundle cannot be built", () => {
    // esbuild refuses import.meta outside .url in the bundle; tsx runs it fine.
    const project = fakeProject(`${CLI}console.log(typeof import.meta.dirname);\n`);
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("tsx"));
    const res = project.run();
    expect(res.status).toBe(0);
    expect(res.out.split("\n")[0]).toBe(`ok tsx ${path.join(project.root, "src", "cli.ts")}`);
  });

  it("is rebuilt for a checkout moved elsewhere, so import.meta.url names the new place", () => {
    const project = fakeProject(CLI);
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("one"));
    project.run();
    const moved = `${project.root}-moved`;
    cpSync(project.root, moved, { recursive: true });
    const res = spawnSync(process.execPath, [path.join(moved, "bin", "signaldesk.js")], { encoding: "utf8" });
    expect(res.stdout.trim()).toBe(`ok one ${path.join(moved, "src", "cli.ts")}`);
  });

  it("loads what the sources import dynamically from chunks of its own, each checked", () => {
    const project = fakeProject(`const { where } = await import("./where");
console.log(process.argv[1]!.endsWith("signaldesk.js") ? "ok" : "?", where());
`);
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("lazy"));
    expect(project.run().out).toBe("ok lazy");
    const dir = project.dir();
    const outputs = Object.keys(
      (
        JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as {
          outputs: Record<string, string>;
        }
      ).outputs,
    );
    const chunks = outputs.filter((name) => name.startsWith("chunk-"));
    expect(chunks).toHaveLength(1);
    expect(readFileSync(path.join(dir, "cli.mjs"), "utf8")).not.toContain('"lazy"');
    // A chunk changed after the build is never run: the bundle is rebuilt first.
    writeFileSync(path.join(dir, chunks[0]!), `export function where() { return "tampered"; }\n`);
    expect(project.run().out).toBe("ok lazy");
  });

  it("is not run when its own file was changed after the manifest", () => {
    const project = fakeProject(CLI);
    writeFileSync(path.join(project.root, "src", "where.ts"), WHERE("one"));
    project.run();
    const bundle = path.join(project.dir(), "cli.mjs");
    writeFileSync(bundle, `console.log("tampered");\n`);
    expect(project.run().out).toContain("ok one");
  });
});
