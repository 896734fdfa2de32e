import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// `src/` holds only the product, and only the composition root knows the Telegram module.
// Biome's noRestrictedImports (biome.json) says the first rule in the editor; this test holds
// both, resolving every import (static, dynamic, re-export) to the file it names.

const ROOT = path.resolve(import.meta.dirname, "..");

/** The files that wire modules together: the only ones outside the module that may import it. */
const COMPOSITION_ROOT = new Set(["src/deps.ts", "src/app.ts", "src/reactions.ts", "src/main.ts"]);
const TELEGRAM = "src/modules/telegram/";

interface Violation {
  file: string;
  imports: string;
  rule: string;
}

const isTest = (file: string) => file.endsWith(".test.ts");

/** What `file` (a repository path) imports that breaks a rule, from its source text. */
function importViolations(file: string, text: string): Violation[] {
  if (!file.startsWith("src/")) return [];
  const out: Violation[] = [];
  for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
    const target = spec.startsWith(".") ? path.posix.join(path.posix.dirname(file), spec) : spec;
    if (!isTest(file)) {
      if (target.startsWith("test/") || target.startsWith("bench/"))
        out.push({ file, imports: spec, rule: "src/ imports test/ or bench/ only from *.test.ts files" });
      if (/^(@vitest\/|vitest($|\/))/.test(spec))
        out.push({ file, imports: spec, rule: "src/ imports vitest only from *.test.ts files" });
    }
    if (target.startsWith(TELEGRAM) && !file.startsWith(TELEGRAM) && !COMPOSITION_ROOT.has(file))
      out.push({
        file,
        imports: spec,
        rule: "only the composition root (src/deps.ts, app.ts, reactions.ts, main.ts) imports modules/telegram",
      });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) ? [rel] : [];
  });
}

describe("architecture: src/ holds only the product", () => {
  it("no product file under src/ imports test/, bench/ or vitest, and only the composition root imports modules/telegram", () => {
    const files = sourceFiles("src");
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((file) =>
      importViolations(file, readFileSync(path.join(ROOT, file), "utf8")),
    );
    expect(violations).toEqual([]);
  });

  it("finds each kind of violation (the check can fail)", () => {
    const bad = [
      [
        "src/modules/orders/orders.service.ts",
        `import { createUser } from "../../../test/support/factories";`,
      ],
      ["src/shared/clock.ts", `export { rawLoad } from "../../bench/lib/raw-load";`],
      ["src/modules/users/users.models.ts", `import { expect } from "vitest";`],
      ["src/config.ts", `const kit = await import("../test/support/app");`],
      [
        "src/modules/affiliates/affiliates.service.ts",
        `import type { TelegramBot } from "../telegram/telegram.module";`,
      ],
    ] as const;
    for (const [file, text] of bad) expect(importViolations(file, text), `${file}: ${text}`).toHaveLength(1);

    const fine = [
      [
        "src/modules/orders/orders.routes.test.ts",
        `import { createUser } from "../../../test/support/factories";`,
      ],
      ["src/modules/orders/orders.routes.test.ts", `import { describe } from "vitest";`],
      ["src/deps.ts", `import { createTelegramBot } from "./modules/telegram/telegram.module";`],
      ["src/modules/telegram/stars.feature.ts", `import { starsFor } from "../payments/payments.models";`],
      ["src/modules/signals/signals.service.ts", `import { tests } from "./tests/x";`],
    ] as const;
    for (const [file, text] of fine) expect(importViolations(file, text), `${file}: ${text}`).toEqual([]);
  });
});
