import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { ApiError, unwrap } from "../../api/client";
import { money } from "../../shared/format";
import { useApp } from "../context";

export function AffiliatePage() {
  const { api } = useApp();
  const client = useQueryClient();
  const me = useQuery({
    queryKey: ["affiliate"],
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/v1/affiliates/me"));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
  // The bot link when the bot runs here, else the web link.
  const link = me.data ? (me.data.links.telegram ?? me.data.links.web) : undefined;
  const qr = useQuery({
    queryKey: ["qr", link],
    queryFn: () => QRCode.toDataURL(link!, { margin: 1, width: 220 }),
    enabled: Boolean(link),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const join = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/affiliates")),
    onSuccess: () => client.invalidateQueries({ queryKey: ["affiliate"] }),
  });
  if (me.error) return <p className="error">{me.error.message}</p>;
  if (me.data === undefined) return <p className="hint">Loading…</p>;
  if (me.data === null) {
    return (
      <section className="card">
        <strong>Earn a commission on every plan your referrals buy.</strong>
        <p className="hint">Join the affiliate program to get your personal link and QR code.</p>
        <button type="button" className="primary" onClick={() => join.mutate()} disabled={join.isPending}>
          Join
        </button>
        {join.error && <p className="error">{join.error.message}</p>}
      </section>
    );
  }
  const a = me.data;
  return (
    <section>
      <div className="card affiliate" data-testid="affiliate-card">
        <div className="hint">
          {a.tier} · {(a.rateBps / 100).toFixed(1)}% commission
        </div>
        <code className="link-text">{link}</code>
        {qr.data && <img src={qr.data} alt="QR code of your referral link" width={220} height={220} />}
        <div className="hint">Web: {a.links.web}</div>
      </div>
      <div className="stats">
        <div>
          <span className="hint">Referrals</span> {a.stats.referrals}
        </div>
        <div>
          <span className="hint">Converted</span> {a.stats.conversions}
        </div>
        <div>
          <span className="hint">Pending</span> {money(a.stats.pendingMinor, a.stats.currency)}
        </div>
        <div>
          <span className="hint">Available</span> {money(a.stats.availableMinor, a.stats.currency)}
        </div>
        <div>
          <span className="hint">Paid out</span> {money(a.stats.paidMinor, a.stats.currency)}
        </div>
      </div>
    </section>
  );
}
