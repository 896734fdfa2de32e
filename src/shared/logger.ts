import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths never written to a log line. Fastify's request serializer logs no headers, but
 * handlers sometimes log objects that carry secrets; these catch them by name.
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  'req.headers["x-signature"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  "headers.authorization",
  "authorization",
  "initData",
  "secret",
  "token",
  "accessToken",
  "signature",
  "botToken",
  "jwtSecret",
  "masterKey",
  "secretKey",
  "webhookSecret",
  "*.initData",
  "*.secret",
  "*.token",
  "*.accessToken",
  "*.signature",
  "*.botToken",
  "*.jwtSecret",
  "*.masterKey",
  "*.secretKey",
  "*.webhookSecret",
  "*.authorization",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "signaldesk" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}

type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";
type LogFn = (...args: unknown[]) => void;

/**
 * A request's logger (`request.log`) that becomes the pino child `parent.child(bindings, opts)`
 * only once something is written at an enabled level (or a child, its bindings or anything else
 * of pino is asked for). Fastify makes that child for every request, before any hook runs, and
 * with redaction configured it costs a redaction pass over the bindings: in the signed empty poll
 * it was ~5 % of the server's CPU (docs/perf/poll-profile.md), for a logger that a request
 * answered 200 below the `info` level never writes to. What is written is the child's own line,
 * byte for byte, request id included.
 */
export class LazyRequestLogger {
  private real: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly own: Record<string, unknown>,
    private readonly opts: Record<string, unknown>,
  ) {}

  /** The pino child this logger stands for, made on first use and kept. */
  materialise(): Logger {
    this.real ??= this.parent.child(this.own, this.opts);
    return this.real;
  }

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.materialise().level = level;
  }
  isLevelEnabled(level: string): boolean {
    return (this.real ?? this.parent).isLevelEnabled(level);
  }
  child(bindings: Record<string, unknown>, opts?: Record<string, unknown>): Logger {
    return this.materialise().child(bindings, opts);
  }
  bindings(): Record<string, unknown> {
    return this.materialise().bindings();
  }
  silent(): void {}
  declare trace: LogFn;
  declare debug: LogFn;
  declare info: LogFn;
  declare warn: LogFn;
  declare error: LogFn;
  declare fatal: LogFn;
}

for (const level of ["trace", "debug", "info", "warn", "error", "fatal"] as const satisfies LogLevel[]) {
  LazyRequestLogger.prototype[level] = function (this: LazyRequestLogger, ...args: unknown[]) {
    if (!this.isLevelEnabled(level)) return;
    const real = this.materialise();
    (real[level] as LogFn).apply(real, args);
  };
}

/**
 * Fastify's `childLoggerFactory`: the lazy request logger above, or pino's child at once when
 * the route asks for its own level or serializers (the child must exist to carry them).
 */
export function requestLoggerFactory(
  parent: Logger,
  bindings: Record<string, unknown>,
  opts: Record<string, unknown>,
): Logger | LazyRequestLogger {
  if (opts.level !== undefined || opts.serializers !== undefined) return parent.child(bindings, opts);
  return new LazyRequestLogger(parent, bindings, opts);
}
