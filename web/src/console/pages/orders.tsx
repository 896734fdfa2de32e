import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../../api/client";
import { dateTime, money } from "../../shared/format";
import { Confirm } from "../confirm";
import { useConsole } from "../context";

const STATUSES = ["", "pending", "paid", "refunded", "cancelled", "expired"] as const;
type Status = Exclude<(typeof STATUSES)[number], "">;

/** Where the money goes back, as the confirmation says it. */
const REFUND_ROUTE: Record<string, string> = {
  stripe: "Stripe refunds the card payment",
  stars: "Telegram gives the Stars back to the buyer",
  manual: "a manual payment: give the money back yourself",
};

export function OrdersPage() {
  const { api } = useConsole();
  const client = useQueryClient();
  const [status, setStatus] = useState<Status | "">("");
  const orders = useQuery({
    queryKey: ["orders", status],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/admin/orders", { params: { query: { limit: 100, status: status || undefined } } }),
      ),
  });
  const markPaid = useMutation({
    mutationFn: ({ id, reference }: { id: string; reference: string }) =>
      unwrap(
        api.POST("/api/v1/admin/orders/{id}/mark-paid", { params: { path: { id } }, body: { reference } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["orders"] }),
  });
  const [refunding, setRefunding] = useState<string | null>(null);
  const refund = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/v1/admin/orders/{id}/refund", { params: { path: { id } } })),
    onSuccess: () => {
      setRefunding(null);
      client.invalidateQueries({ queryKey: ["orders"] });
    },
  });
  const chosen = orders.data?.items.find((o) => o.id === refunding);
  return (
    <section>
      <header className="row">
        <h1>Orders and refunds</h1>
        <select value={status} onChange={(e) => setStatus(e.target.value as Status)} aria-label="Status">
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || "all"}
            </option>
          ))}
        </select>
      </header>
      <p className="hint">
        A refund gives the money back through the provider that took it; the order turns refunded and the
        period it paid for is revoked (a refund made in the Stripe dashboard does the same).
      </p>
      {chosen && (
        <Confirm
          confirmLabel="Refund"
          busy={refund.isPending}
          onConfirm={() => refund.mutate(chosen.id)}
          onCancel={() => setRefunding(null)}
        >
          <strong data-testid="refund-preview">
            Refund {money(chosen.totalMinor, chosen.currency)} of order {chosen.id}?
          </strong>
          <p className="hint">
            {REFUND_ROUTE[chosen.provider ?? "manual"]}; the {chosen.months}-month period it paid for is
            revoked and the affiliate's commission reversed.
          </p>
        </Confirm>
      )}
      {refund.error && <p className="error">{refund.error.message}</p>}
      {orders.error && <p className="error">{orders.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>Order</th>
            <th>Status</th>
            <th>Total</th>
            <th>Plan</th>
            <th>Provider</th>
            <th>Created</th>
            <th>Paid / refunded</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(orders.data?.items ?? []).map((o) => (
            <tr key={o.id} data-testid={`order-${o.id}`}>
              <td>{o.id}</td>
              <td data-testid="status">{o.status}</td>
              <td>{money(o.totalMinor, o.currency)}</td>
              <td>
                {o.tierId} × {o.months}
              </td>
              <td>{o.provider ?? "—"}</td>
              <td>{dateTime(o.createdAt)}</td>
              <td>{dateTime(o.paidAt)}</td>
              <td>
                {o.status === "pending" && (
                  <button
                    type="button"
                    onClick={() => {
                      const reference = window.prompt("Payment reference (bank transfer id, receipt…)");
                      if (reference) markPaid.mutate({ id: o.id, reference });
                    }}
                  >
                    Mark paid
                  </button>
                )}
                {o.status === "paid" && (
                  <button type="button" className="danger" onClick={() => setRefunding(o.id)}>
                    Refund
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {markPaid.error && <p className="error">{markPaid.error.message}</p>}
    </section>
  );
}
