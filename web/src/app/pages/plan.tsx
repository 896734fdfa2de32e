import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, unwrap } from "../../api/client";
import { day, money } from "../../shared/format";
import { useApp } from "../context";
import { openLink } from "../telegram";
import { ChannelsCard } from "./channels-card";

const MONTHS = [1, 3, 6, 12] as const;

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
      <button
        type="button"
        className="primary"
        disabled={!chosen || payByCard.isPending}
        onClick={() => payByCard.mutate()}
      >
        Pay by card
      </button>
      <p className="hint">
        Telegram Stars: send /shop in the chat with the bot and pick the same plan; the bot sends a Stars
        invoice.
      </p>
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
