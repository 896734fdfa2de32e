import { readdirSync, readFileSync } from "node:fs";
import { FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { catalogueSource, createI18n, LOCALES, localeOf } from "./telegram.i18n";

/** Each message of a catalogue with the variables its text uses. */
function messagesOf(source: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of source.split("\n")) {
    const head = /^([a-z][a-z0-9-]*)\s*=/.exec(line);
    if (head) {
      current = new Set();
      out.set(head[1]!, current);
    } else if (!/^\s/.test(line)) current = undefined;
    if (current) for (const m of line.matchAll(/\$([a-z_]+)/g)) current.add(m[1]!);
  }
  return out;
}

/**
 * Every catalogue key the code names: `t("key"`, `ctx.t("key"` and command summaries in the bot,
 * and the post words the channels module asks for.
 */
function keysUsedInCode(): Map<string, string> {
  const used = new Map<string, string>();
  for (const dir of [new URL("./", import.meta.url), new URL("../channels/", import.meta.url)]) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const source = readFileSync(new URL(file, dir), "utf8");
      for (const m of source.matchAll(/\bt\(\s*"([a-z0-9-]+)"|summary:\s*"([a-z0-9-]+)"/g)) {
        used.set(m[1] ?? m[2]!, file);
      }
    }
  }
  return used;
}

describe("bot catalogues (en, es, ru)", () => {
  const catalogues = Object.fromEntries(LOCALES.map((l) => [l, messagesOf(catalogueSource(l))]));
  const en = catalogues.en!;

  it("every catalogue parses without errors", () => {
    for (const locale of LOCALES) {
      const resource = new FluentResource(catalogueSource(locale));
      const junk = resource.body.filter((entry) => !("id" in entry));
      expect(junk, locale).toEqual([]);
      expect(resource.body.length, locale).toBe(catalogues[locale]!.size);
    }
  });

  it("every key in English exists in every language, and no language has a key English lacks", () => {
    for (const locale of LOCALES) {
      const keys = catalogues[locale]!;
      expect(
        [...en.keys()].filter((k) => !keys.has(k)),
        `missing in ${locale}`,
      ).toEqual([]);
      expect(
        [...keys.keys()].filter((k) => !en.has(k)),
        `only in ${locale}`,
      ).toEqual([]);
    }
  });

  it("a translation uses exactly the variables of the English text", () => {
    for (const locale of LOCALES) {
      for (const [key, vars] of catalogues[locale]!) {
        expect([...vars].sort(), `${locale} ${key}`).toEqual([...(en.get(key) ?? [])].sort());
      }
    }
  });

  it("every key the code uses exists in the catalogues", () => {
    const used = keysUsedInCode();
    expect(used.size).toBeGreaterThan(250);
    const missing = [...used].filter(([key]) => !en.has(key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it("formats plurals per language and keeps variables free of bidi isolation marks", () => {
    const { translator } = createI18n({});
    expect(translator("en")("shop-months", { months: 1, price: "£9.00" })).toBe("1 month — £9.00");
    expect(translator("es")("shop-months", { months: 3, price: "€9.00" })).toBe("3 meses — €9.00");
    expect(translator("ru")("shop-months", { months: 3, price: "€9.00" })).toBe("3 месяца — €9.00");
    expect(translator("ru")("shop-months", { months: 6, price: "€9.00" })).toBe("6 месяцев — €9.00");
    expect(translator("ru")("shop-months", { months: 1, price: "€9.00" })).toBe("1 месяц — €9.00");
  });

  it("parses the catalogues when a text is first asked for, not when made (a start with the bot off never needs them)", () => {
    const catalogues = createI18n({});
    const spanish = catalogues.translator("es");
    expect(catalogues.loaded).toBe(false);
    expect(spanish("shop-months", { months: 3, price: "€9.00" })).toBe("3 meses — €9.00");
    expect(catalogues.loaded).toBe(true);
    expect(catalogues.i18n.t("en", "shop-plan")).toBe("Plan");
  });

  it("picks the chosen language, else Telegram's language_code, else English", () => {
    expect(localeOf("ru", "es")).toBe("ru");
    expect(localeOf(null, "es-MX")).toBe("es");
    expect(localeOf(null, "RU")).toBe("ru");
    expect(localeOf(undefined, "de")).toBe("en");
    expect(localeOf("xx", undefined)).toBe("en");
    expect(localeOf(null, null)).toBe("en");
  });
});
