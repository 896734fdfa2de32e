import { z } from "zod";
import { DeviceSettingsSchema } from "../devices/devices.schemas";
import { reportedTime } from "./executions.times";

const positive = z.number().positive();
const signalId = z.string().min(1).max(64);
const time = reportedTime;

export const PollQuery = z.object({ wait: z.coerce.number().int().min(0).max(30).default(0) });
export const PollItemSchema = z.object({
  signalId: z.string(),
  instrument: z.string(),
  side: z.enum(["buy", "sell"]),
  orderType: z.enum(["market", "limit", "stop"]),
  entryPrice: z.number().nullable(),
  stopLoss: z.number().nullable(),
  takeProfit: z.number().nullable(),
  volume: z.number().nullable(),
  expiresAt: z.string(),
});
export const UpdateItemSchema = z.object({
  updateId: z.string(),
  signalId: z.string(),
  seq: z.number().int(),
  action: z.enum(["modify", "close", "close_partial"]),
  stopLoss: z.number().nullable(),
  takeProfit: z.number().nullable(),
  fraction: z.number().nullable(),
  brokerTicket: z.string(),
});
export const PollResponse = z.object({
  serverTime: z.string(),
  signals: z.array(PollItemSchema),
  updates: z.array(UpdateItemSchema),
  settings: DeviceSettingsSchema,
});

export const UpdateResultBody = z.object({
  updateId: z.string().min(1).max(64),
  status: z.enum(["applied", "failed"]),
  errorCode: z.number().int().min(-2_147_483_648).max(2_147_483_647).nullish(),
  errorMessage: z.string().max(500).nullish(),
  closedVolume: positive.nullish(),
  closePrice: positive.nullish(),
});
export const UpdateResultSchema = z
  .object({
    updateId: z.string(),
    signalId: z.string(),
    deviceId: z.string(),
    status: z.enum(["applied", "failed"]),
    errorCode: z.number().int().nullable(),
    errorMessage: z.string().nullable(),
    closedVolume: z.number().nullable(),
    closePrice: z.number().nullable(),
    reportedAt: z.string(),
  })
  .meta({ id: "UpdateResult" });

export const AckBody = z.object({ signalId });
export const FillBody = z.object({
  signalId,
  price: positive,
  volume: positive,
  brokerTicket: z.string().min(1).max(64),
  filledAt: time.optional(),
});
export const ErrorBody = z.object({
  signalId,
  code: z.number().int().min(-2_147_483_648).max(2_147_483_647),
  message: z.string().max(500),
});
export const TradeBody = z
  .object({
    ticket: z.string().min(1).max(64),
    instrument: z.string().min(1).max(32),
    side: z.enum(["buy", "sell"]),
    volume: positive,
    openPrice: positive,
    closePrice: positive,
    profitMinor: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
    openedAt: time,
    closedAt: time,
    signalId: signalId.nullish(),
  })
  // Zod runs this even when a time itself failed to parse; then that field's own error is the answer.
  .refine((t) => !(t.closedAt instanceof Date && t.openedAt instanceof Date) || t.closedAt >= t.openedAt, {
    path: ["closedAt"],
    message: "must not be before openedAt",
  });

export const ExecutionSchema = z
  .object({
    id: z.string(),
    signalId: z.string(),
    deviceId: z.string(),
    status: z.enum(["acked", "filled", "failed"]),
    price: z.number().nullable(),
    volume: z.number().nullable(),
    brokerTicket: z.string().nullable(),
    errorCode: z.number().int().nullable(),
    errorMessage: z.string().nullable(),
    ackedAt: z.string(),
    filledAt: z.string().nullable(),
    failedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: "Execution" });

export const TradeSchema = z.object({
  id: z.string(),
  ticket: z.string(),
  signalId: z.string().nullable(),
  source: z.enum(["bot", "manual"]),
  profitMinor: z.number().int(),
  currency: z.string(),
  closedAt: z.string(),
});

export const ExecutionHistory = z.object({
  summary: z.object({
    recipients: z.number().int(),
    approved: z.number().int(),
    acked: z.number().int(),
    filled: z.number().int(),
    failed: z.number().int(),
    updatesApplied: z.number().int(),
    updatesFailed: z.number().int(),
  }),
  items: z.array(
    ExecutionSchema.extend({
      deviceName: z.string(),
      events: z.array(z.looseObject({ type: z.enum(["ack", "fill", "error"]), at: z.string() })),
      updates: z.array(
        z.object({
          updateId: z.string(),
          seq: z.number().int(),
          action: z.enum(["modify", "close", "close_partial"]),
          status: z.enum(["pending", "applied", "failed"]),
          errorCode: z.number().int().nullable(),
          errorMessage: z.string().nullable(),
          closedVolume: z.number().nullable(),
          closePrice: z.number().nullable(),
          reportedAt: z.string().nullable(),
        }),
      ),
    }),
  ),
});

/** `total` is what a sum of minor units is: documented as an integer, sent exactly at any size. */
const attributionReport = <T extends z.ZodType>(total: T) => {
  const SourceStats = z.object({
    trades: z.number().int(),
    profitMinor: total,
    winRate: z.number(),
    profitByCurrency: z.record(z.string(), total),
  });
  return z.object({
    userId: z.string(),
    days: z.number().int(),
    since: z.string(),
    bot: SourceStats,
    manual: SourceStats,
    trades: z.array(
      z.object({
        ticket: z.string(),
        source: z.enum(["bot", "manual"]),
        signalId: z.string().nullable(),
        deviceId: z.string(),
        instrument: z.string(),
        profitMinor: z.number().int(),
        currency: z.string(),
        closedAt: z.string(),
      }),
    ),
  });
};
/**
 * Documented as an integer with no 2^53 bound (int64): the route writes sums past it exactly.
 * (Only the document reads this schema; the route's serializer checks the wire schema below.)
 */
const totalMinor = z.number().meta({ type: "integer", format: "int64" });
export const AttributionReport = attributionReport(totalMinor);
/** What the route checks before writing: a total past 2^53 is a BigInt, written digit for digit. */
export const AttributionReportWire = attributionReport(z.union([z.number().int(), z.bigint()]));
