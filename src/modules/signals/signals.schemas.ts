import { z } from "zod";
import { PAID_LEVELS } from "../catalog/catalog.models";
import {
  DEFAULT_TTL_SECONDS,
  ENTRY_PRICE_REQUIRED,
  INSTRUMENT_PATTERN,
  priceProblems,
  type SignalInput,
  type UpdateInput,
  updateShapeProblems,
} from "./signals.models";

const price = z.number().positive().nullish();

const publishFields = {
  externalId: z.string().min(1).max(128).nullish(),
  instrument: z.string().regex(INSTRUMENT_PATTERN, "must be 2-20 characters of A-Z 0-9 . _"),
  side: z.enum(["buy", "sell"]),
  entryPrice: price,
  stopLoss: price,
  takeProfit: price,
  volume: price,
  ttlSeconds: z.number().int().min(10).max(86_400).default(DEFAULT_TTL_SECONDS),
  minTier: z.enum(PAID_LEVELS).default("premium"),
  note: z.string().max(500).nullish(),
};

/**
 * One variant per kind of order, so /openapi.json says what the server enforces: a market order
 * may name an entry price, a limit or stop order must (API.md §6). The variants are told apart
 * by `orderType` alone, so a client generator can type them as a tagged union.
 */
export const PublishBody = z
  .discriminatedUnion("orderType", [
    z.object({ ...publishFields, orderType: z.literal("market") }),
    z.object({
      ...publishFields,
      orderType: z.enum(["limit", "stop"]),
      entryPrice: z
        .number({ error: (issue) => (issue.input == null ? ENTRY_PRICE_REQUIRED : undefined) })
        .positive(),
    }),
  ])
  .transform(
    (b): SignalInput => ({
      externalId: b.externalId ?? null,
      instrument: b.instrument,
      side: b.side,
      orderType: b.orderType,
      entryPrice: b.entryPrice ?? null,
      stopLoss: b.stopLoss ?? null,
      takeProfit: b.takeProfit ?? null,
      volume: b.volume ?? null,
      ttlSeconds: b.ttlSeconds,
      minTier: b.minTier,
      note: b.note ?? null,
    }),
  )
  .superRefine((input, ctx) => {
    for (const problem of priceProblems(input)) {
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    }
  });

export const UpdateBody = z
  .object({
    action: z.enum(["modify", "close", "close_partial"]),
    stopLoss: price,
    takeProfit: price,
    fraction: z.number().gt(0).lt(1).nullish(),
    externalId: z.string().min(1).max(128).nullish(),
    note: z.string().max(500).nullish(),
  })
  .transform(
    (b): UpdateInput => ({
      action: b.action,
      stopLoss: b.stopLoss ?? null,
      takeProfit: b.takeProfit ?? null,
      fraction: b.fraction ?? null,
      externalId: b.externalId ?? null,
      note: b.note ?? null,
    }),
  )
  .superRefine((input, ctx) => {
    for (const problem of updateShapeProblems(input)) {
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    }
  });

export const SignalUpdateSchema = z
  .object({
    id: z.string(),
    signalId: z.string(),
    seq: z.number().int(),
    action: z.enum(["modify", "close", "close_partial"]),
    stopLoss: z.number().nullable(),
    takeProfit: z.number().nullable(),
    fraction: z.number().nullable(),
    note: z.string().nullable(),
    externalId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "SignalUpdate" });

const counts = z.object({
  pending: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
});

export const SignalSchema = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    instrument: z.string(),
    side: z.enum(["buy", "sell"]),
    orderType: z.enum(["market", "limit", "stop"]),
    entryPrice: z.number().nullable(),
    stopLoss: z.number().nullable(),
    takeProfit: z.number().nullable(),
    volume: z.number().nullable(),
    minTier: z.enum(PAID_LEVELS),
    note: z.string().nullable(),
    status: z.enum(["open", "expired", "cancelled"]),
    positionStatus: z.enum(["open", "closed"]),
    updates: z.array(SignalUpdateSchema),
    createdAt: z.string(),
    expiresAt: z.string(),
    recipients: z.number().int(),
    decision: z.enum(["pending", "approved", "rejected", "expired"]).optional(),
    decisions: counts.optional(),
  })
  .meta({ id: "Signal" });

export const SignalIdParams = z.object({ id: z.string().min(1).max(64) });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The last signal id of the previous page; anything else was not issued by this API (400). */
  cursor: z
    .string()
    .regex(/^sig_[0-9A-HJKMNP-TV-Z]{26}$/, "is not a cursor this API issued")
    .optional(),
});

export const DecisionBody = z.object({ decision: z.enum(["approve", "reject"]) });
export const DecisionSchema = z.object({
  signalId: z.string(),
  decision: z.enum(["approved", "rejected"]),
  decidedAt: z.string(),
});
