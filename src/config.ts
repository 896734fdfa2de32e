import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_TIER_SCHEDULE } from "./modules/affiliates/affiliates.models";
import { DEFAULT_STARS_PER_GBP } from "./modules/payments/payments.models";
import { DEFAULT_MAX_DEVIATION_PCT, isAllowedRateSourceUrl } from "./modules/pricing/pricing.rates";

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const url = (protocols: string[]) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), {
        message: `must be a ${protocols.join(" or ")} URL`,
      })
      .optional(),
  );
const integer = (def: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(def));

/** "10,25,50" → [10, 25, 50]: exactly `count` integers in [min, max], strictly ascending if asked. */
const integerList = (def: string, count: number, min: number, max: number, ascending: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(def)
      .refine((v) => new RegExp(String.raw`^\s*\d+(\s*,\s*\d+){${count - 1}}\s*$`).test(v), {
        message: `must be ${count} comma-separated integers`,
      })
      .transform((v) => v.split(",").map(Number))
      .refine((ns) => ns.every((n) => n >= min && n <= max), `each must be between ${min} and ${max}`)
      .refine((ns) => !ascending || ns.every((n, i) => i === 0 || n > ns[i - 1]!), "must be ascending"),
  );

const FX_RATE_PAIR = String.raw`\s*[A-Z]{3}\s*=\s*\d+(?:\.\d{1,8})?\s*`;
const FX_RATES_FORMAT = new RegExp(`^${FX_RATE_PAIR}(?:,${FX_RATE_PAIR})*$`);
const fxCurrencies = (v: string) => v.split(",").map((pair) => pair.split("=")[0]!.trim());
/** "USD=1.27, EUR=1.17" → { USD: "1.27", EUR: "1.17" }; rates stay strings so pricing stays exact. */
const parseFxRates = (v: string): Record<string, string> =>
  Object.fromEntries(v.split(",").map((pair) => pair.split("=").map((part) => part.trim())));

// An address or CIDR, or one of proxy-addr's names for a range (loopback, linklocal, uniquelocal).
const PROXY_ADDRESS = String.raw`\s*(?:[0-9A-Fa-f.:]+(?:/\d{1,3})?|loopback|linklocal|uniquelocal)\s*`;
const TRUST_PROXY_FORMAT = new RegExp(
  String.raw`^(?:true|false|\d{1,2}|${PROXY_ADDRESS}(?:,${PROXY_ADDRESS})*)$`,
);
/** "true" | "false" | "2" (hops) | "10.0.0.1, 10.1.0.0/16" → what Fastify's trustProxy takes. */
function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(",").map((part) => part.trim());
}

/** Every environment variable of API.md §1 (plus a few operational knobs), validated in one place. */
const EnvSchema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
  DATABASE_URL: url(["postgres:", "postgresql:"]),
  REDIS_URL: url(["redis:", "rediss:"]),
  // Instances that must share nonces and wake-ups use the same prefix; tests give each app its own.
  REDIS_KEY_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "must be 1-64 characters of A-Z a-z 0-9 : _ . -")
      .default("sd:"),
  ),
  PUBLIC_URL: url(["http:", "https:"]),
  JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  MASTER_KEY: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  ADMIN_TELEGRAM_IDS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, "must be comma-separated Telegram user ids")
      .optional(),
  ),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC… (from @BotFather)")
      .optional(),
  ),
  TELEGRAM_BOT_USERNAME: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^@?[A-Za-z0-9_]{3,64}$/, "must be a bot username")
      .optional(),
  ),
  TELEGRAM_MODE: z.preprocess(emptyAsUndefined, z.enum(["webhook", "polling", "off"]).optional()),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 characters of A-Z a-z 0-9 _ -")
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.preprocess(emptyAsUndefined, url(["http:", "https:"])),
  TELEGRAM_HANDLER_CONCURRENCY: integer(64, 1, 256),
  BOT_SUPPORT_TEXT: z.preprocess(emptyAsUndefined, z.string().max(3000).optional()),
  BOT_TERMS_TEXT: z.preprocess(emptyAsUndefined, z.string().max(3000).optional()),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().startsWith("whsec_", "must start with whsec_").optional(),
  ),
  STRIPE_API_BASE: url(["http:", "https:"]),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  RATE_LIMIT_IP_PER_MINUTE: integer(600, 1, 1_000_000),
  RATE_LIMIT_USER_PER_MINUTE: integer(300, 1, 1_000_000),
  RATE_LIMIT_DEVICE_PER_MINUTE: integer(600, 1, 1_000_000),
  RATE_LIMIT_PRODUCER_PER_MINUTE: integer(600, 1, 1_000_000),
  // Which proxies' X-Forwarded-For to believe for the client address (Fastify trustProxy).
  TRUST_PROXY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(TRUST_PROXY_FORMAT, "must be true, false, a hop count, or comma-separated proxy addresses/CIDRs")
      .optional(),
  ),
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 0, 600_000),
  // Bearer token for /metrics; without it only loopback clients may read them.
  METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, "must be at least 16 characters").optional(),
  ),
  // Connection bounds. A poll waits at most 30 s, so an idle socket must outlive it.
  POLL_MAX_PARKED: integer(10_000, 1, 1_000_000),
  HTTP_HEADERS_TIMEOUT_MS: integer(10_000, 1_000, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(30_000, 1_000, 600_000),
  HTTP_CONNECTION_TIMEOUT_MS: integer(65_000, 35_000, 3_600_000),
  // Overload (503 service.overloaded while a limit is past; 0 turns that check off). A mean delay
  // of a second over a 1 s sample means the loop was stalled for all of it: nothing is answered
  // in time anyway. Heap unset: 90 % of V8's heap limit. RSS depends on the host: off unless set.
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: integer(1_000, 0, 600_000),
  OVERLOAD_MAX_HEAP_USED_MB: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(0).max(1_048_576).optional(),
  ),
  OVERLOAD_MAX_RSS_MB: integer(0, 0, 1_048_576),
  OVERLOAD_RETRY_AFTER_SECONDS: integer(10, 1, 3_600),
  // How long a Mini App's initData signs in (API §3 allows up to 24 h; an hour is enough to open it).
  INIT_DATA_MAX_AGE_SECONDS: integer(3600, 60, 86_400),
  // https only: plain http is allowed to this machine alone (a local fake, a sidecar).
  FX_RATE_SOURCE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(isAllowedRateSourceUrl, "must be an https URL (plain http only to 127.0.0.1 or localhost)")
      .optional(),
  ),
  FX_MAX_DEVIATION_PCT: integer(DEFAULT_MAX_DEVIATION_PCT, 1, 10_000),
  FX_RATES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(FX_RATES_FORMAT, "must look like USD=1.27,EUR=1.17 (rates from GBP, at most 8 decimals)")
      .refine((v) => new Set(fxCurrencies(v)).size === fxCurrencies(v).length, "names a currency twice")
      .transform(parseFxRates)
      .refine((rates) => Object.values(rates).every((r) => /[1-9]/.test(r)), "rates must be positive")
      .optional(),
  ),
  STARS_PER_GBP: integer(DEFAULT_STARS_PER_GBP, 1, 1_000_000),
  AFFILIATE_TIER_THRESHOLDS: integerList(DEFAULT_TIER_SCHEDULE.thresholds.join(","), 3, 1, 1_000_000, true),
  AFFILIATE_TIER_RATES_BPS: integerList(DEFAULT_TIER_SCHEDULE.ratesBps.join(","), 4, 0, 10_000, false),
  AFFILIATE_HOLD_DAYS: integer(30, 0, 3650),
  AFFILIATE_PAYOUT_MINIMUM_MINOR: integer(5000, 1, 100_000_000),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  publicUrl: string;
  jwtSecret: string | undefined;
  masterKey: string | undefined;
  adminTelegramIds: ReadonlySet<number>;
  telegram: {
    botToken: string | undefined;
    botUsername: string | undefined;
    mode: "webhook" | "polling" | "off";
    webhookSecret: string | undefined;
    apiRoot: string;
    /** Updates handled at once across people (each person's strictly one after another). */
    handlerConcurrency: number;
    /** What /support and /terms say (plain text); unset: the catalogue's text in the person's language. */
    supportText: string | undefined;
    termsText: string | undefined;
  };
  stripe: { secretKey: string | undefined; webhookSecret: string | undefined; apiBase: string | undefined };
  logLevel: string;
  /** Requests per minute for each kind of principal (anonymous by address, users, devices, producers). */
  rateLimit: { ip: number; user: number; device: number; producer: number };
  /** Fastify's trustProxy: false (default), true, a hop count, or the proxies' addresses. */
  trustProxy: boolean | number | string[];
  shutdownTimeoutMs: number;
  /** /metrics needs `Authorization: Bearer <metricsToken>`; unset, only loopback clients are served. */
  metricsToken: string | undefined;
  initDataMaxAgeSeconds: number;
  /** Parked long polls this instance holds at most (then 503 with Retry-After). */
  pollMaxParked: number;
  /** Node's headersTimeout / requestTimeout and the socket idle timeout, in ms. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; connectionTimeoutMs: number };
  /** Past any of these (0: off) requests are shed with 503; heap undefined: 90 % of V8's limit. */
  overload: {
    maxEventLoopDelayMs: number;
    maxHeapUsedMb: number | undefined;
    maxRssMb: number;
    retryAfterSeconds: number;
  };
  pricing: {
    fxRateSourceUrl: string | undefined;
    /** A refresh with a rate further than this from the configured one is rejected. */
    fxMaxDeviationPct: number;
    fxRates: Record<string, string> | undefined;
    starsPerGbp: number;
  };
  affiliates: {
    /** Converted referrals needed for silver, gold and platinum. */
    tierThresholds: readonly [number, number, number];
    /** Commission rates of bronze, silver, gold and platinum, in basis points. */
    tierRatesBps: readonly [number, number, number, number];
    holdDays: number;
    payoutMinimumMinor: number;
  };
}

/** A config whose generated secrets are resolved: what the running service uses. */
export type ResolvedConfig = Config & {
  jwtSecret: string;
  masterKey: string;
  telegram: { webhookSecret: string };
};

export class ConfigError extends Error {}

/** Pure: environment in, config out; throws ConfigError naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError("STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set");
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError("HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS");
  }
  const defaultMode = publicUrl.startsWith("https:") ? "webhook" : "polling";
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    publicUrl,
    jwtSecret: e.JWT_SECRET,
    masterKey: e.MASTER_KEY,
    adminTelegramIds: new Set((e.ADMIN_TELEGRAM_IDS ?? "").split(",").filter(Boolean).map(Number)),
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      botUsername: e.TELEGRAM_BOT_USERNAME?.replace(/^@/, ""),
      mode: e.TELEGRAM_BOT_TOKEN ? (e.TELEGRAM_MODE ?? defaultMode) : "off",
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: (e.TELEGRAM_API_ROOT ?? "https://api.telegram.org").replace(/\/+$/, ""),
      handlerConcurrency: e.TELEGRAM_HANDLER_CONCURRENCY,
      supportText: e.BOT_SUPPORT_TEXT,
      termsText: e.BOT_TERMS_TEXT,
    },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
    },
    logLevel: e.LOG_LEVEL,
    rateLimit: {
      ip: e.RATE_LIMIT_IP_PER_MINUTE,
      user: e.RATE_LIMIT_USER_PER_MINUTE,
      device: e.RATE_LIMIT_DEVICE_PER_MINUTE,
      producer: e.RATE_LIMIT_PRODUCER_PER_MINUTE,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsToken: e.METRICS_TOKEN,
    initDataMaxAgeSeconds: e.INIT_DATA_MAX_AGE_SECONDS,
    pollMaxParked: e.POLL_MAX_PARKED,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: e.HTTP_CONNECTION_TIMEOUT_MS,
    },
    overload: {
      maxEventLoopDelayMs: e.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedMb: e.OVERLOAD_MAX_HEAP_USED_MB,
      maxRssMb: e.OVERLOAD_MAX_RSS_MB,
      retryAfterSeconds: e.OVERLOAD_RETRY_AFTER_SECONDS,
    },
    pricing: {
      fxRateSourceUrl: e.FX_RATE_SOURCE_URL,
      fxMaxDeviationPct: e.FX_MAX_DEVIATION_PCT,
      fxRates: e.FX_RATES,
      starsPerGbp: e.STARS_PER_GBP,
    },
    affiliates: {
      tierThresholds: e.AFFILIATE_TIER_THRESHOLDS as [number, number, number],
      tierRatesBps: e.AFFILIATE_TIER_RATES_BPS as [number, number, number, number],
      holdDays: e.AFFILIATE_HOLD_DAYS,
      payoutMinimumMinor: e.AFFILIATE_PAYOUT_MINIMUM_MINOR,
    },
  };
}

const GENERATED_FILE = "secrets.json";

/**
 * Secrets the operator did not set are generated once and kept in DATA_DIR (mode 0600), so a
 * restart keeps every issued token, device key and webhook secret valid.
 */
export function resolveSecrets(config: Config): ResolvedConfig {
  const file = path.join(config.dataDir, GENERATED_FILE);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  const take = (name: string, given: string | undefined, bytes: number) => {
    if (given) return given;
    if (!stored[name]) {
      stored[name] = randomBytes(bytes).toString("base64url");
      changed = true;
    }
    return stored[name];
  };
  const jwtSecret = take("JWT_SECRET", config.jwtSecret, 48);
  const masterKey = take("MASTER_KEY", config.masterKey, 48);
  const webhookSecret = take("TELEGRAM_WEBHOOK_SECRET", config.telegram.webhookSecret, 32);
  if (changed) writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  if (existsSync(file)) chmodSync(file, 0o600);
  return { ...config, jwtSecret, masterKey, telegram: { ...config.telegram, webhookSecret } };
}

/** Reads the process environment once; the only place `process.env` is touched. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ResolvedConfig {
  return resolveSecrets(parseConfig(env));
}
