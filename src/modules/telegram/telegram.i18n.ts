import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { I18n, TranslationVariables } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Logger } from "pino";
import type { ChannelWords } from "../channels/channels.port";
import type { StarsInvoiceWords } from "../payments/payments.stars";
import type { BotContext } from "./telegram.context";

/** The languages the bot speaks: one Fluent catalogue each in `locales/`. */
export const LOCALES = ["en", "es", "ru"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Each language named in itself, so a person can find theirs whatever the bot speaks now. */
export const NATIVE_NAMES: Record<Locale, string> = { en: "🇬🇧 English", es: "🇪🇸 Español", ru: "🇷🇺 Русский" };
export const LOCALES_DIR = fileURLToPath(new URL("./locales/", import.meta.url));

/** A translator bound to one language: a catalogue key and its variables in, the text out. */
export type Translate = (key: string, variables?: TranslationVariables) => string;

const isLocale = (code: string): code is Locale => (LOCALES as readonly string[]).includes(code);

/**
 * The language to speak to a person: the one they chose with /language, else their Telegram
 * app's language ("es-MX" → es), else English.
 */
export function localeOf(chosen: string | null | undefined, languageCode: string | null | undefined): Locale {
  for (const code of [chosen, languageCode]) {
    const base = code?.toLowerCase().split(/[-_]/)[0];
    if (base && isLocale(base)) return base;
  }
  return DEFAULT_LOCALE;
}

export const catalogueSource = (locale: Locale) => readFileSync(`${LOCALES_DIR}${locale}.ftl`, "utf8");

/**
 * @grammyjs/i18n with its Deno shim is ~140 module files, a tenth of a second or more of a cold
 * start (docs/perf/cold-start.md), and with the bot off nothing reads a catalogue before a request
 * asks for a translated text. So the package is required (its CommonJS build, synchronously) and
 * the catalogues parsed when first used.
 */
const loadI18nClass = (): typeof I18n =>
  (createRequire(import.meta.url)("@grammyjs/i18n") as { I18n: typeof I18n }).I18n;

/**
 * @grammyjs/i18n negotiates the language (`negotiateLanguages`, parsing every locale tag) on each
 * text it translates: /help alone translates every command's summary, and under a burst of
 * updates that was ~0.17 CPU ms of each update (docs/perf/telegram-handlers.md). The catalogues are all loaded before the first
 * translation and never change after, so the bundles matching a list of locales are remembered.
 */
function rememberBundleMatches(i18n: { readonly fluent: object }): void {
  const fluent = i18n.fluent as unknown as { matchBundles(locales: string[]): Set<unknown> };
  const match = fluent.matchBundles.bind(fluent);
  const known = new Map<string, Set<unknown>>();
  fluent.matchBundles = (locales) => {
    const key = locales.join(",");
    const bundles = known.get(key) ?? match(locales);
    known.set(key, bundles);
    return bundles;
  };
}

/**
 * The catalogues through @grammyjs/i18n (Fluent), built on first use. Variables are not wrapped
 * in Unicode isolation marks: the texts are Telegram HTML and are matched by people's eyes, not
 * bidi layout. A key missing in a language falls back to English and is logged.
 */
export function createI18n<C extends Context>(opts: {
  logger?: Pick<Logger, "warn">;
  negotiate?: (ctx: C) => Locale;
}) {
  let built: I18n<C> | undefined;
  const build = (): I18n<C> => {
    if (built) return built;
    const I18nClass = loadI18nClass();
    const i18n = new I18nClass<C>({
      defaultLocale: DEFAULT_LOCALE,
      fluentBundleOptions: { useIsolating: false },
      fluentOptions: {
        warningHandler: (w) => opts.logger?.warn({ key: w.path, locales: w.locales }, "bot text missing"),
      },
      ...(opts.negotiate ? { localeNegotiator: opts.negotiate } : {}),
    });
    for (const locale of LOCALES) i18n.loadLocaleSync(locale, { source: catalogueSource(locale) });
    rememberBundleMatches(i18n);
    built = i18n;
    return i18n;
  };
  return {
    get i18n(): I18n<C> {
      return build();
    },
    /** Whether the catalogues have been built yet (they are on first use). */
    get loaded(): boolean {
      return built !== undefined;
    },
    /** A translator for a language, for messages composed outside an update (notifications). */
    translator(locale: Locale): Translate {
      return (key, variables) => build().t(locale, key, variables);
    },
  };
}

export type Catalogues = ReturnType<typeof createI18n<BotContext>>;

/** The catalogues as the channels module reads them: a person's language, a post's words. */
/** The words of a Stars invoice made outside a chat (the Mini App's), in the buyer's language. */
export function starsInvoiceWords(catalogues: Pick<Catalogues, "translator">): StarsInvoiceWords {
  return {
    for(user) {
      const t = catalogues.translator(localeOf(user.locale, user.languageCode));
      return {
        title: (tier, months) => t("stars-invoice-title", { tier: tier ?? t("shop-plan"), months }),
        description: (orderId) => t("stars-invoice-description", { id: orderId }),
      };
    },
  };
}

export function channelWords(catalogues: Pick<Catalogues, "translator">): ChannelWords {
  return {
    languageOf: (user) => localeOf(user.locale, user.languageCode),
    in: (locale) => catalogues.translator(localeOf(locale, null)),
  };
}
