import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Each error code is declared once, by the module that owns it (`defineErrors` in its
// `<module>.errors.ts`, or src/shared/errors.ts for those every module may raise). A module
// that raises another's error reuses that declaration (`retitled(...)` when the situation needs
// its own title), so a code's status can never differ from one place to the next.

const ROOT = path.resolve(import.meta.dirname, "..");
// The binding HTTP contract, kept in the repository so a fresh clone checks against it.
const API_MD = path.resolve(ROOT, "docs/contract/API.md");

/** `code: "module.snake_case"` as declared in a source text. */
const DECLARATION = /\bcode:\s*"([a-z0-9_]+\.[a-z0-9_]+)"/g;

function declarationsIn(file: string, text: string): { code: string; file: string }[] {
  return [...text.matchAll(DECLARATION)].map((m) => ({ code: m[1]!, file }));
}

function productFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return productFiles(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [rel] : [];
  });
}

/** Codes declared more than once, with every file that declares each. */
function duplicates(declarations: { code: string; file: string }[]): Record<string, string[]> {
  const byCode = new Map<string, string[]>();
  for (const d of declarations) byCode.set(d.code, [...(byCode.get(d.code) ?? []), d.file]);
  return Object.fromEntries([...byCode].filter(([, files]) => files.length > 1));
}

const declared = productFiles("src").flatMap((file) =>
  declarationsIn(file, readFileSync(path.join(ROOT, file), "utf8")),
);

describe("error codes", () => {
  it("each code is declared once, by one module", () => {
    expect(declared.length).toBeGreaterThan(50);
    expect(duplicates(declared)).toEqual({});
  });

  it("a second declaration of a code is found (the check can fail)", () => {
    const twice = [
      ...declarationsIn(
        "src/modules/users/users.errors.ts",
        `notFound: { code: "users.not_found", status: 404 }`,
      ),
      ...declarationsIn(
        "src/modules/entitlements/entitlements.errors.ts",
        `userNotFound: {\n    code: "users.not_found",\n    status: 404 }`,
      ),
    ];
    expect(duplicates(twice)).toEqual({
      "users.not_found": [
        "src/modules/users/users.errors.ts",
        "src/modules/entitlements/entitlements.errors.ts",
      ],
    });
  });

  it("every error code API.md names is declared (modules not built yet excepted)", () => {
    const api = readFileSync(API_MD, "utf8");
    const codes = new Set(declared.map((d) => d.code));
    const prefixes = new Set([...codes].map((c) => c.split(".")[0]!));
    const named = [...new Set([...api.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!))];
    // A code belongs to us when its prefix is one of our modules (or one our codes use); the rest
    // are Stripe event types (`invoice.paid`) or modules API.md describes that are not built yet.
    const ours = named.filter((c) => {
      const prefix = c.split(".")[0]!;
      return prefixes.has(prefix) || existsSync(path.join(ROOT, "src/modules", prefix));
    });
    expect(ours.length).toBeGreaterThan(15);
    expect(ours.filter((c) => !codes.has(c))).toEqual([]);
  });

  it("every code the bot explains to people is declared", () => {
    const text = readFileSync(path.join(ROOT, "src/modules/telegram/telegram.errors.ts"), "utf8");
    const explained = [...text.matchAll(/^\s*"([a-z0-9_]+\.[a-z0-9_]+)":/gm)].map((m) => m[1]!);
    expect(explained.length).toBeGreaterThan(5);
    const codes = new Set(declared.map((d) => d.code));
    expect(explained.filter((c) => !codes.has(c))).toEqual([]);
  });
});
