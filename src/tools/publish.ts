import { CommandError } from "../commands";
import { signedRequest } from "./signed-http";

type Args = Record<string, string | boolean | undefined>;

const text = (args: Args, name: string): string | undefined =>
  typeof args[name] === "string" ? (args[name] as string) : undefined;

function number(args: Args, name: string): number | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CommandError(`--${name} must be a number`);
  return n;
}

function required(args: Args, name: string): string {
  const value = text(args, name);
  if (!value) throw new CommandError(`--${name} is required`);
  return value;
}

/** The publish body from command-line options; the server validates it (API.md §6). */
export function signalFromArgs(args: Args): Record<string, unknown> {
  const body: Record<string, unknown> = {
    externalId: text(args, "external-id"),
    instrument: required(args, "instrument"),
    side: required(args, "side"),
    orderType: text(args, "order-type") ?? "market",
    entryPrice: number(args, "entry"),
    stopLoss: number(args, "sl"),
    takeProfit: number(args, "tp"),
    volume: number(args, "volume"),
    ttlSeconds: number(args, "ttl"),
    minTier: text(args, "min-tier"),
    note: text(args, "note"),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/** `signaldesk publish`: signs a signal as a producer and prints the stored signal. */
export async function runPublish(args: Args): Promise<string> {
  const res = await signedRequest(
    {
      baseUrl: required(args, "url"),
      id: required(args, "producer-id"),
      secret: required(args, "secret"),
      idHeader: "x-producer-id",
    },
    "POST",
    "/api/v1/signals",
    signalFromArgs(args),
  );
  if (res.status !== 200 && res.status !== 201) {
    const problem = res.body as { code?: string; detail?: string; errors?: unknown } | null;
    const why = [problem?.code, problem?.detail, problem?.errors && JSON.stringify(problem.errors)]
      .filter(Boolean)
      .join(" ");
    throw new CommandError(`publish refused (HTTP ${res.status}) ${why}`.trim());
  }
  return JSON.stringify(res.body);
}
