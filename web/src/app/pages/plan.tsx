import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError, unwrap } from "../../api/client";
import { day, money } from "../../shared/format";
import { useApp } from "../context";
import { openInvoice, openLink } from "../telegram";
import { ChannelsCard } from "./channels-card";

const MONTHS = [1, 3, 6, 12] as const;

/** What the Mini App says once Telegram's payment sheet closes, by the status it closed with. */
const STARS_CLOSED: Record<string, string> = {
  cancelled: "Payment cancelled; nothing was charged.",
  failed: "Telegram could not take the payment.",
  pending: "Telegram is still processing the payment; your plan changes once it is paid.",
};

export function PlanPage() {
  const { api } = useApp();
  const access = useQuery({
    queryKey: ["entitlements"],
    queryFn: () => unwrap(api.GET("/api/v1/me/entitlements")),
  });
  const catalog = useQuery({ queryKey: ["catalog"], queryFn: () => unwrap(api.GET("/api/v1/catalog")) });
  const tiers = (catalog.data?.categories ?? []).flatMap((c) => c.products.flatMap((p) => p.tiers));
  const [tierId, setTierId] = useState<string>("");
  const [months, setMonths] = useState<(typeof MONTHS)[number]>(1);
  const chosen = tierId || tiers[0]?.id || "";
  const quote = useQuery({
    queryKey: ["quote", chosen, months],
    queryFn: () => unwrap(api.GET("/api/v1/quotes", { params: { query: { tierId: chosen, months } } })),
    enabled: chosen !== "",
  });
  const payByCard = useMutation({
    mutationFn: async () => {
      const order = await unwrap(api.POST("/api/v1/orders", { body: { tierId: chosen, months } }));
      const checkout = await unwrap(
        api.POST("/api/v1/orders/{id}/checkout", {
          params: { path: { id: order.id } },
          body: { provider: "stripe" },
        }),
      );
      openLink(checkout.url);
      return checkout;
    },
  });
  const client = useQueryClient();
  const [stars, setStars] = useState<{ orderId: string; status: string } | null>(null);
  const payWithStars = useMutation({
    mutationFn: async () => {
      setStars(null);
      const order = await unwrap(api.POST("/api/v1/orders", { body: { tierId: chosen, months } }));
      const checkout = await unwrap(
        api.POST("/api/v1/orders/{id}/checkout", {
          params: { path: { id: order.id } },
          body: { provider: "stars" },
        }),
      );
      const status = await openInvoice(checkout.url);
      setStars({ orderId: order.id, status });
      return status;
    },
  });
  // Telegram says "paid" as the sheet closes; the order is paid once the bot has taken the
  // payment (its successful_payment), so the plan is read again when the order says so.
  const starsOrder = useQuery({
    queryKey: ["order", stars?.orderId],
    queryFn: () => unwrap(api.GET("/api/v1/orders/{id}", { params: { path: { id: stars!.orderId } } })),
    enabled: stars?.status === "paid",
    refetchInterval: (query) => (query.state.data?.status === "paid" ? false : 1_000),
  });
  const starsPaid = starsOrder.data?.status === "paid";
  useEffect(() => {
    if (starsPaid) client.invalidateQueries({ queryKey: ["entitlements"] });
  }, [starsPaid, client]);
  const current = access.data?.items.filter((p) => Date.parse(p.expiresAt) > Date.now()) ?? [];
  const last = current.reduce<string | null>((at, p) => (at && at > p.expiresAt ? at : p.expiresAt), null);
  return (
    <section>
      <div className="card">
        <div className="hint">Your plan</div>
        <div className="big" data-testid="tier">
          {access.data?.tier ?? "…"}
        </div>
        {last ? (
          <div className="hint">Paid until {day(last)}</div>
        ) : (
          <div className="hint">No paid period</div>
        )}
        {access.data && (
          <div className="hint">
            Up to {access.data.features.maxDevices} device(s) · auto-approve{" "}
            {access.data.features.autoApprove ? "available" : "not included"}
          </div>
        )}
      </div>
      <ChannelsCard />
      <h2>{last ? "Renew or upgrade" : "Choose a plan"}</h2>
      <div className="choices">
        {tiers.map((t) => (
          <button
            key={t.id}
            type="button"
            className={t.id === chosen ? "choice active" : "choice"}
            onClick={() => setTierId(t.id)}
          >
            <strong>{t.name}</strong>
            <span>{money(t.monthlyPriceMinor, "GBP")} / month</span>
          </button>
        ))}
      </div>
      <div className="segmented">
        {MONTHS.map((m) => (
          <button key={m} type="button" className={m === months ? "active" : ""} onClick={() => setMonths(m)}>
            {m} mo
          </button>
        ))}
      </div>
      {quote.data && (
        <p className="total" data-testid="quote">
          Total {money(quote.data.totalMinor, quote.data.currency)}
        </p>
      )}
      <div className="pay">
        <button
          type="button"
          className="primary"
          disabled={!chosen || payByCard.isPending}
          onClick={() => payByCard.mutate()}
        >
          Pay by card
        </button>
        <button
          type="button"
          className="primary"
          disabled={!chosen || payWithStars.isPending}
          onClick={() => payWithStars.mutate()}
        >
          Pay with Stars
        </button>
      </div>
      {stars && (
        <p className={stars.status === "paid" ? "ok" : "hint"} data-testid="stars-result">
          {stars.status === "paid"
            ? starsPaid
              ? "Paid with Stars: your plan is active."
              : "Payment received; activating your plan…"
            : (STARS_CLOSED[stars.status] ?? `The payment sheet closed (${stars.status}).`)}
        </p>
      )}
      {payWithStars.error && (
        <p className="error">
          {payWithStars.error instanceof ApiError && payWithStars.error.status === 503
            ? "Stars payments are not available right now."
            : payWithStars.error.message}
        </p>
      )}
      {payByCard.error && (
        <p className="error">
          {payByCard.error instanceof ApiError && payByCard.error.status === 503
            ? "Card payments are not available right now; pay with Stars in the bot."
            : payByCard.error.message}
        </p>
      )}
    </section>
  );
}
