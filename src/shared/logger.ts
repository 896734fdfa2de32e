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
