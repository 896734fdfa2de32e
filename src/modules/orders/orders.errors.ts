import { defineErrors } from "../../shared/errors";

export const OrderErrors = defineErrors({
  notFound: { code: "orders.not_found", status: 404, title: "Order not found" },
  notPending: { code: "orders.not_pending", status: 409, title: "The order is no longer pending" },
  notRefundable: {
    code: "orders.not_refundable",
    status: 409,
    title: "Only a paid order can be refunded",
  },
  expiresTooSoon: {
    code: "orders.expires_too_soon",
    status: 409,
    title: "The order expires too soon to pay; create a new one",
  },
});
