import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import { COUPON_CODE } from "./coupons.models";
import type { CouponsService } from "./coupons.service";
import type { CouponRow } from "./coupons.table";

const CreateCouponBody = z
  .object({
    code: z.string().regex(COUPON_CODE, "3 to 32 of A-Z, 0-9, _ and -"),
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOffMinor: z.number().int().min(1).max(100_000_000).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "an ISO 4217 code")
      .optional(),
    maxRedemptions: z.number().int().min(1).max(1_000_000).optional(),
    expiresAt: z.iso.datetime().optional(),
    tierIds: z.array(z.string().min(1).max(64)).max(50).optional(),
    firstOrderOnly: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    const percent = b.percentOff !== undefined;
    const fixed = b.amountOffMinor !== undefined;
    if (percent === fixed) {
      ctx.addIssue({
        code: "custom",
        path: ["percentOff"],
        message: "give percentOff or amountOffMinor + currency",
      });
    }
    if (fixed && b.currency === undefined) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "is required with amountOffMinor" });
    }
    if (percent && b.currency !== undefined) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "goes with amountOffMinor only" });
    }
  });

export const CouponSchema = z
  .object({
    code: z.string(),
    percentOff: z.number().int().nullable(),
    amountOffMinor: z.number().int().nullable(),
    currency: z.string().nullable(),
    maxRedemptions: z.number().int().nullable(),
    /** Paid orders plus pending ones still holding a place. */
    redemptions: z.number().int(),
    expiresAt: z.string().nullable(),
    tierIds: z.array(z.string()).nullable(),
    firstOrderOnly: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: "Coupon" });

export const couponView = (row: CouponRow & { redemptions: number }): z.infer<typeof CouponSchema> => ({
  code: row.code,
  percentOff: row.percentOff,
  amountOffMinor: row.amountOffMinor,
  currency: row.currency,
  maxRedemptions: row.maxRedemptions,
  redemptions: row.redemptions,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  tierIds: row.tierIds ?? null,
  firstOrderOnly: row.firstOrderOnly,
  createdAt: row.createdAt.toISOString(),
});

/** API.md §14: the operator's coupons. */
export function couponsRoutes(deps: { coupons: CouponsService; guards: Guards }): FastifyPluginAsyncZod {
  return async (app) => {
    const admin = { onRequest: deps.guards.requireAdmin };
    const tags = ["admin: coupons"];

    app.post(
      "/api/v1/admin/coupons",
      {
        ...admin,
        config: { problems: [409] },
        schema: {
          summary: "Create a coupon",
          description:
            "A percent-off code with an optional expiry, redemption limit, tier restriction and first-order-only rule (API \u00a714). 409 when the code exists.",
          tags,
          body: CreateCouponBody,
          response: { 201: CouponSchema },
        },
      },
      async (req, reply) => {
        const { expiresAt, ...rest } = req.body;
        const row = await deps.coupons.create(currentUser(req), {
          ...rest,
          expiresAt: expiresAt ? new Date(expiresAt) : undefined,
        });
        return reply.code(201).send(couponView({ ...row, redemptions: 0 }));
      },
    );

    app.get(
      "/api/v1/admin/coupons",
      {
        ...admin,
        schema: {
          summary: "All coupons",
          description: "Every coupon with its redemptions (paid plus reserved by pending orders).",
          tags,
          response: { 200: z.object({ items: z.array(CouponSchema), nextCursor: z.null() }) },
        },
      },
      async () => ({ items: (await deps.coupons.list()).map(couponView), nextCursor: null }),
    );

    app.delete(
      "/api/v1/admin/coupons/:code",
      {
        ...admin,
        schema: {
          summary: "Retire a coupon",
          description: "The code stops applying to new orders; orders that locked it keep their price.",
          tags,
          params: z.object({ code: z.string().min(1).max(32) }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await deps.coupons.remove(currentUser(req), req.params.code.toUpperCase());
        return reply.code(204).send(null);
      },
    );
  };
}
