import { z } from "zod";
import { AFFILIATE_TIERS, decodeCursor } from "./affiliates.models";
import { FLAG_REASONS } from "./affiliates.table";

const Iso = z.string();

export const AffiliateSchema = z
  .object({
    code: z.string(),
    tier: z.enum(AFFILIATE_TIERS),
    rateBps: z.number().int(),
    links: z.object({
      web: z.string(),
      /** Null while the bot's username is unknown (no TELEGRAM_BOT_USERNAME, getMe not answered). */
      telegram: z.string().nullable(),
    }),
    createdAt: Iso,
  })
  .meta({ id: "Affiliate" });

export const AffiliateWithStatsSchema = AffiliateSchema.extend({
  stats: z.object({
    referrals: z.number().int(),
    visits: z.number().int(),
    conversions: z.number().int(),
    pendingMinor: z.number().int(),
    availableMinor: z.number().int(),
    paidMinor: z.number().int(),
    requestedMinor: z.number().int(),
    /** Clawed-back commission beyond what is available; new earnings pay it off first. */
    owedMinor: z.number().int(),
    currency: z.literal("GBP"),
  }),
}).meta({ id: "AffiliateWithStats" });

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const CommissionSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  kind: z.enum(["commission", "clawback"]),
  amountMinor: z.number().int(),
  currency: z.string(),
  rateBps: z.number().int(),
  tier: z.enum(AFFILIATE_TIERS),
  status: z.enum(["pending", "available", "paid", "reversed"]),
  createdAt: Iso,
  availableAt: Iso,
});
export const CommissionPage = page(CommissionSchema);

export const PAYOUT_STATUSES = ["requested", "paid", "rejected"] as const;

export const PayoutSchema = z
  .object({
    id: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    status: z.enum(PAYOUT_STATUSES),
    reference: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    heldForReview: z.boolean().meta({
      description:
        "An affiliate's first payout (every request until one was approved or paid) waits for an admin's approval before it can be completed.",
    }),
    approvedAt: Iso.nullable().meta({ description: "When an admin approved a payout held for review." }),
    createdAt: Iso,
    decidedAt: Iso.nullable(),
  })
  .meta({ id: "AffiliatePayout" });
export const PayoutPage = page(PayoutSchema);

export const AdminPayoutSchema = PayoutSchema.extend({
  affiliate: z.object({ id: z.string(), code: z.string(), userId: z.string() }),
});
export const AdminPayoutPage = page(AdminPayoutSchema);

export const FlagSchema = z.object({
  id: z.string(),
  reason: z.enum(FLAG_REASONS),
  status: z.enum(["open", "cleared", "confirmed"]),
  affiliate: z.object({ id: z.string(), code: z.string(), userId: z.string() }),
  subject: z.object({ userId: z.string(), referralId: z.string().nullable() }),
  details: z.record(z.string(), z.unknown()),
  note: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: Iso.nullable(),
  createdAt: Iso,
});
export const FlagPage = page(FlagSchema);

/** `?limit=&cursor=` of API.md §0; a cursor we did not issue is a 400, not an empty page. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return null;
      const decoded = decodeCursor(value);
      if (!decoded) ctx.addIssue({ code: "custom", message: "is not a cursor this API issued" });
      return decoded;
    }),
});

export const PayoutRequestBody = z.object({
  // Whole pence only: 0, negatives and fractions are malformed requests (400 request.invalid).
  amountMinor: z.number().int().positive().max(2_147_483_647),
});

export const IdParams = z.object({ id: z.string().min(1).max(64) });
export const CompleteBody = z.object({ reference: z.string().trim().min(1).max(200) });
export const RejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
export const ReviewBody = z.object({ note: z.string().trim().max(500).optional() }).optional();
