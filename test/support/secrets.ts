import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { ResolvedConfig } from "../../src/config";
import type { Database } from "../../src/db/client";
import { deriveSecret } from "../../src/shared/signing";

/**
 * Secret hygiene for the whole suite: every test app records the secrets that cross it (the
 * configured keys, tokens and signatures in requests, secrets shown once in responses, every
 * device and producer key derivable from the database) and, when it closes, fails the test if
 * any of them appears in a log line or an error body. SPEC: secrets, tokens, signatures and
 * Telegram initData are never logged.
 */

/** A compact JWT (header.payload.signature) wherever it appears. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;
/** Shorter values are too likely to occur by chance (a fuzzer's "aaaa" signature). */
const MIN_SECRET_LENGTH = 16;
/** An entity id (`sig_01…`) is public: it is in URLs and log lines by design. */
const ENTITY_ID = /^[a-z]{2,4}_[0-9A-Z]{26}$/;

/**
 * What a caller sends is only taken for a secret when it looks like one: a token of 16+
 * characters without spaces, varied enough to be a key or a MAC, and not an entity id. The
 * fuzzer fills secret fields with ids, "kkkk…" and unicode that the logs may rightly carry.
 */
function looksSecret(value: string): boolean {
  return /^[A-Za-z0-9_\-+/=.:,]{16,}$/.test(value) && !ENTITY_ID.test(value) && new Set(value).size >= 10;
}
/** Field names whose values are secrets, in request and response bodies. */
const SECRET_FIELDS = new Set(["secret", "accessToken", "token", "initData", "botToken", "password"]);
/** Request headers whose values are secrets. */
const SECRET_HEADERS = [
  "authorization",
  "x-signature",
  "stripe-signature",
  "x-telegram-bot-api-secret-token",
];

export interface Leak {
  where: string;
  kind: string;
  excerpt: string;
}

export class SecretWatch {
  private readonly known = new Map<string, string>();
  private readonly errorBodies: { where: string; body: string }[] = [];

  add(value: unknown, kind: string): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
    this.known.set(value, kind);
  }

  /** A value a caller sent, kept only if it looks like a secret (see looksSecret). */
  private addSent(value: unknown, kind: string): void {
    if (typeof value === "string" && looksSecret(value)) this.add(value, kind);
  }

  /** The secret values a resolved config carries. */
  addConfig(config: ResolvedConfig): void {
    this.add(config.jwtSecret, "JWT_SECRET");
    this.add(config.masterKey, "MASTER_KEY");
    this.add(config.telegram.botToken, "bot token");
    this.add(config.telegram.webhookSecret, "Telegram webhook secret");
    this.add(config.stripe.secretKey, "Stripe secret key");
    this.add(config.stripe.webhookSecret, "Stripe webhook secret");
  }

  /** Every device and producer key that exists now, each version up to the current one. */
  async addDerivedKeys(database: Database, masterKey: string): Promise<void> {
    for (const kind of ["device", "producer"] as const) {
      const rows = await database.query<{ id: string; key_version: number }>(
        `select id, key_version from ${kind}s`,
      );
      for (const row of rows) {
        for (let v = 1; v <= row.key_version; v++) {
          this.add(deriveSecret(masterKey, kind, row.id, v), `${kind} secret`);
        }
      }
    }
  }

  noteRequest(opts: InjectOptions): void {
    const headers = (opts.headers ?? {}) as Record<string, unknown>;
    for (const name of SECRET_HEADERS) {
      const value = headers[name] ?? headers[name.toLowerCase()];
      if (typeof value !== "string") continue;
      this.addSent(value, `${name} header`);
      if (name === "authorization") this.addSent(value.replace(/^Bearer\s+/i, ""), "bearer token");
      // Stripe-Signature: t=…,v1=<hex>; the hex part alone must not leak either.
      if (name === "stripe-signature") for (const part of value.split(",")) this.addSent(part.slice(3), name);
    }
    const body = typeof opts.payload === "string" ? safeJson(opts.payload) : opts.payload;
    this.collectFields(body, "request", (v, kind) => this.addSent(v, kind));
  }

  noteResponse(where: string, res: LightMyRequestResponse): void {
    if (res.statusCode >= 400) {
      this.errorBodies.push({ where, body: res.body });
      return;
    }
    if (String(res.headers["content-type"] ?? "").includes("json")) {
      this.collectFields(safeJson(res.body), "response", (v, kind) => this.add(v, kind));
    }
  }

  /** Leaks of anything known so far in the given log lines and in every error body seen. */
  leaks(logLines: readonly string[]): Leak[] {
    const found: Leak[] = [];
    const scan = (where: string, text: string) => {
      const jwt = JWT.exec(text);
      if (jwt) found.push({ where, kind: "JWT", excerpt: around(text, jwt.index) });
      for (const [value, kind] of this.known) {
        const at = text.indexOf(value);
        if (at >= 0) found.push({ where, kind, excerpt: around(text, at) });
      }
    };
    logLines.forEach((line, i) => {
      scan(`log line ${i + 1}`, line);
    });
    for (const { where, body } of this.errorBodies) scan(`error body of ${where}`, body);
    return found;
  }

  private collectFields(
    value: unknown,
    side: string,
    keep: (value: string, kind: string) => void,
    depth = 0,
  ): void {
    // The fuzzer nests thousands of levels deep; no secret field hides that far down.
    if (depth > 16 || !value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) this.collectFields(item, side, keep, depth + 1);
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_FIELDS.has(key) && typeof inner === "string") {
        keep(inner, `${key} in a ${side}`);
        if (key === "initData") this.addInitDataParts(inner, keep);
      } else {
        this.collectFields(inner, side, keep, depth + 1);
      }
    }
  }

  /** initData's hash and signature prove the bearer is the user; neither may be logged. */
  private addInitDataParts(initData: string, keep: (value: string, kind: string) => void): void {
    const params = new URLSearchParams(initData);
    for (const part of ["hash", "signature"]) {
      const value = params.get(part);
      if (value) keep(value, `initData ${part}`);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Enough context to find the line, with the secret itself cut short. */
function around(text: string, at: number): string {
  return `…${text.slice(Math.max(0, at - 60), at)}<secret:${text.slice(at, at + 6)}…>`;
}

type Inject = (opts: InjectOptions | string) => Promise<LightMyRequestResponse>;

/**
 * Wraps an app's inject so every request and answer passes through the watch. Only the
 * promise form with an options object is observed; the suite uses nothing else.
 */
export function watchInject(app: { inject: unknown }, watch: SecretWatch): void {
  const original = (app.inject as Inject).bind(app);
  const wrapped = async (opts: InjectOptions | string) => {
    if (typeof opts !== "object" || opts === null) return original(opts);
    watch.noteRequest(opts);
    const res = await original(opts);
    watch.noteResponse(`${opts.method ?? "GET"} ${String(opts.url)} → ${res.statusCode}`, res);
    return res;
  };
  (app as { inject: unknown }).inject = wrapped;
}

export function describeLeaks(leaks: Leak[]): string {
  const lines = leaks.slice(0, 10).map((l) => `  ${l.kind} in ${l.where}: ${l.excerpt}`);
  return `secret hygiene: ${leaks.length} leak(s)\n${lines.join("\n")}`;
}

/**
 * Leaks in a server process's output: the secrets it was given, the ones it generated into
 * DATA_DIR/secrets.json, and any extra the test learned (device keys, tokens it was issued).
 */
export function leaksInProcessOutput(
  output: string,
  opts: { dataDir?: string; env?: Record<string, string>; extra?: string[] },
): Leak[] {
  const watch = new SecretWatch();
  const generated = opts.dataDir ? path.join(opts.dataDir, "secrets.json") : undefined;
  if (generated && existsSync(generated)) {
    for (const [name, value] of Object.entries(JSON.parse(readFileSync(generated, "utf8")))) {
      watch.add(value, name);
    }
  }
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (/SECRET|TOKEN|KEY/.test(name)) watch.add(value, name);
  }
  for (const value of opts.extra ?? []) watch.add(value, "secret");
  return watch.leaks(output.split("\n").filter(Boolean));
}
