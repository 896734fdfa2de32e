import { z } from "zod";
import { CouponCodeSchema, MonthsSchema, QuoteSchema, RegionSchema } from "../pricing/pricing.routes";
import { ORDER_PROVIDERS, ORDER_RENEWALS, ORDER_STATUSES } from "./orders.table";

export const CreateOrderBody = z.object({
  tierId: z.string().min(1).max(64),
  months: MonthsSchema,
  /** Defaults to the buyer's region, then GB, like a quote. */
  region: RegionSchema.optional(),
  /** API.md §14: the coupon is checked and a redemption reserved as the order is created. */
  coupon: CouponCodeSchema.optional(),
  /** API.md §13: `auto` renews by itself (a subscription); `none`, the default, is a one-off purchase. */
  renewal: z.enum(ORDER_RENEWALS).default("none"),
});

export const OrderIdParams = z.object({ id: z.string().min(1).max(64) });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const AdminListQuery = ListQuery.extend({ status: z.enum(ORDER_STATUSES).optional() });

export const MarkPaidBody = z.object({ reference: z.string().trim().min(1).max(200) });

export const OrderSchema = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    tierId: z.string(),
    months: z.number().int(),
    region: RegionSchema,
    quote: QuoteSchema,
    coupon: z.string().nullable(),
    renewal: z.enum(ORDER_RENEWALS),
    /** The subscription this order renewed, for a renewal's own order; else null. */
    subscriptionId: z.string().nullable(),
    totalMinor: z.number().int(),
    currency: z.string(),
    provider: z.enum(ORDER_PROVIDERS).nullable(),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    expiresAt: z.string(),
  })
  .meta({ id: "Order" });

export const AdminOrderSchema = OrderSchema.extend({
  userId: z.string(),
  providerReference: z.string().nullable(),
  flaggedReason: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
}).meta({ id: "AdminOrder" });

export const OrderListSchema = z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() });
export const AdminOrderListSchema = z.object({
  items: z.array(AdminOrderSchema),
  nextCursor: z.string().nullable(),
});

export type OrderView = z.infer<typeof OrderSchema>;
export type AdminOrderView = z.infer<typeof AdminOrderSchema>;
