import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, resolveSecrets } from "./config";

describe("configuration", () => {
  it("starts with nothing set: embedded database, bot off, Stripe off", () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.telegram.mode).toBe("off");
    expect(config.stripe.secretKey).toBeUndefined();
    expect(config.logLevel).toBe("info");
  });

  it("parses admin ids, the public URL and the Telegram mode default", () => {
    const config = parseConfig({
      ADMIN_TELEGRAM_IDS: "1, 22,333",
      PUBLIC_URL: "https://signals.example.com/",
      TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    });
    expect([...config.adminTelegramIds]).toEqual([1, 22, 333]);
    expect(config.publicUrl).toBe("https://signals.example.com");
    expect(config.telegram.mode).toBe("webhook");
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ" }).telegram.mode).toBe(
      "polling",
    );
  });

  it("handles 64 Telegram updates at once unless told otherwise", () => {
    expect(parseConfig({}).telegram.handlerConcurrency).toBe(64);
    expect(parseConfig({ TELEGRAM_HANDLER_CONCURRENCY: "48" }).telegram.handlerConcurrency).toBe(48);
  });

  it.each([
    [{ PORT: "http" }, /^PORT: /],
    [{ PORT: "70000" }, /^PORT: /],
    [{ DATABASE_URL: "mysql://x" }, /^DATABASE_URL: must be a postgres: or postgresql: URL/],
    [{ JWT_SECRET: "short" }, /^JWT_SECRET: must be at least 32 characters/],
    [{ ADMIN_TELEGRAM_IDS: "1,abc" }, /^ADMIN_TELEGRAM_IDS: /],
    [{ TELEGRAM_MODE: "push" }, /^TELEGRAM_MODE: /],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL: /],
    [{ STRIPE_WEBHOOK_SECRET: "abc" }, /^STRIPE_WEBHOOK_SECRET: must start with whsec_/],
    [{ STRIPE_SECRET_KEY: "sk_test_1" }, /^STRIPE_WEBHOOK_SECRET: required/],
    [{ TELEGRAM_BOT_TOKEN: "nope" }, /^TELEGRAM_BOT_TOKEN: /],
    [{ TELEGRAM_HANDLER_CONCURRENCY: "0" }, /^TELEGRAM_HANDLER_CONCURRENCY: /],
  ])("refuses %o with one line naming the variable", (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it("generates missing secrets once into DATA_DIR with mode 0600 and keeps them across restarts", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sd-config-"));
    const first = resolveSecrets(parseConfig({ DATA_DIR: dataDir }));
    const second = resolveSecrets(parseConfig({ DATA_DIR: dataDir }));
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.masterKey).toBe(first.masterKey);
    expect(second.telegram.webhookSecret).toBe(first.telegram.webhookSecret);
    const file = path.join(dataDir, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8"))).sort()).toEqual([
      "JWT_SECRET",
      "MASTER_KEY",
      "TELEGRAM_WEBHOOK_SECRET",
    ]);
  });

  it("uses secrets given in the environment instead of generated ones", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sd-config-"));
    const jwt = "j".repeat(40);
    const resolved = resolveSecrets(parseConfig({ DATA_DIR: dataDir, JWT_SECRET: jwt }));
    expect(resolved.jwtSecret).toBe(jwt);
    expect(JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")).JWT_SECRET).toBeUndefined();
  });
});

describe("pricing configuration", () => {
  it("defaults to configured FX rates, no rate source and 75 Telegram Stars per pound", () => {
    expect(parseConfig({}).pricing).toEqual({
      fxRateSourceUrl: undefined,
      fxMaxDeviationPct: 25,
      fxRates: undefined,
      starsPerGbp: 75,
    });
  });

  it("reads the rate source URL, operator FX rates and the Stars price", () => {
    const config = parseConfig({
      FX_RATE_SOURCE_URL: "https://rates.example.com/gbp.json",
      FX_RATES: "USD=1.27, EUR=1.17,SGD=1.71",
      STARS_PER_GBP: "80",
    });
    expect(config.pricing).toEqual({
      fxRateSourceUrl: "https://rates.example.com/gbp.json",
      fxMaxDeviationPct: 25,
      fxRates: { USD: "1.27", EUR: "1.17", SGD: "1.71" },
      starsPerGbp: 80,
    });
  });

  it.each([
    [{ FX_RATE_SOURCE_URL: "ftp://rates.example.com" }, /^FX_RATE_SOURCE_URL: must be an https URL/],
    [{ FX_RATE_SOURCE_URL: "http://rates.example.com" }, /^FX_RATE_SOURCE_URL: must be an https URL/],
    [{ FX_MAX_DEVIATION_PCT: "0" }, /^FX_MAX_DEVIATION_PCT: /],
    [{ FX_RATES: "USD:1.27" }, /^FX_RATES: must look like USD=1.27/],
    [{ FX_RATES: "usd=1.27" }, /^FX_RATES: must look like/],
    [{ FX_RATES: "USD=-1.27" }, /^FX_RATES: must look like/],
    [{ FX_RATES: "USD=1e3" }, /^FX_RATES: must look like/],
    [{ FX_RATES: "USD=1.123456789" }, /^FX_RATES: must look like/],
    [{ FX_RATES: "USD=0.00" }, /^FX_RATES: rates must be positive/],
    [{ FX_RATES: "USD=1.27,USD=1.3" }, /^FX_RATES: names a currency twice/],
    [{ STARS_PER_GBP: "0" }, /^STARS_PER_GBP: /],
    [{ STARS_PER_GBP: "7.5" }, /^STARS_PER_GBP: /],
  ])("refuses pricing setting %o with one line naming the variable", (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
