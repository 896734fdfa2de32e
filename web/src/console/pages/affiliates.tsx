import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { dateTime, money } from "../../shared/format";
import { useConsole } from "../context";

function PayoutQueue() {
  const { api } = useConsole();
  const client = useQueryClient();
  const payouts = useQuery({
    queryKey: ["payouts"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/admin/payouts", { params: { query: { status: "requested", limit: 100 } } })),
  });
  const done = () => client.invalidateQueries({ queryKey: ["payouts"] });
  const complete = useMutation({
    mutationFn: ({ id, reference }: { id: string; reference: string }) =>
      unwrap(
        api.POST("/api/v1/admin/payouts/{id}/complete", { params: { path: { id } }, body: { reference } }),
      ),
    onSuccess: done,
  });
  const approve = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/v1/admin/payouts/{id}/approve", { params: { path: { id } } })),
    onSuccess: done,
  });
  const reject = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      unwrap(api.POST("/api/v1/admin/payouts/{id}/reject", { params: { path: { id } }, body: { reason } })),
    onSuccess: done,
  });
  return (
    <>
      <h2>Payout queue</h2>
      <table data-testid="payouts">
        <thead>
          <tr>
            <th>Payout</th>
            <th>Affiliate</th>
            <th>Amount</th>
            <th>Requested</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(payouts.data?.items ?? []).map((p) => {
            // An affiliate's first payout waits for an approval before it can be completed.
            const held = p.heldForReview && p.approvedAt === null;
            return (
              <tr key={p.id}>
                <td>
                  {p.id}
                  {held && <div className="hint">First payout: approve before paying</div>}
                </td>
                <td>{p.affiliate.code}</td>
                <td>{money(p.amountMinor, "GBP")}</td>
                <td>{dateTime(p.createdAt)}</td>
                <td className="row">
                  {held ? (
                    <button type="button" onClick={() => approve.mutate(p.id)} disabled={approve.isPending}>
                      Approve
                    </button>
                  ) : (
                    <button
                      type="button"
                      onClick={() => {
                        const reference = window.prompt("Transfer reference");
                        if (reference) complete.mutate({ id: p.id, reference });
                      }}
                    >
                      Complete
                    </button>
                  )}
                  <button
                    type="button"
                    className="danger"
                    onClick={() => {
                      const reason = window.prompt("Why is this payout rejected?");
                      if (reason) reject.mutate({ id: p.id, reason });
                    }}
                  >
                    Reject
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {payouts.data?.items.length === 0 && <p>No payout waiting.</p>}
      {(approve.error ?? complete.error ?? reject.error) && (
        <p className="error">{(approve.error ?? complete.error ?? reject.error)?.message}</p>
      )}
    </>
  );
}

function FraudFlags() {
  const { api } = useConsole();
  const client = useQueryClient();
  const flags = useQuery({
    queryKey: ["flags"],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/admin/affiliates/flags", { params: { query: { status: "open", limit: 100 } } }),
      ),
  });
  const review = useMutation({
    mutationFn: ({ id, verdict }: { id: string; verdict: "clear" | "confirm" }) =>
      verdict === "clear"
        ? unwrap(
            api.POST("/api/v1/admin/affiliates/flags/{id}/clear", { params: { path: { id } }, body: {} }),
          )
        : unwrap(
            api.POST("/api/v1/admin/affiliates/flags/{id}/confirm", { params: { path: { id } }, body: {} }),
          ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["flags"] }),
  });
  return (
    <>
      <h2>Fraud flags</h2>
      <table>
        <tbody>
          {(flags.data?.items ?? []).map((f) => (
            <tr key={f.id}>
              <td>{f.affiliate.code}</td>
              <td>{f.reason.replace("_", " ")}</td>
              <td>{dateTime(f.createdAt)}</td>
              <td className="row">
                <button type="button" onClick={() => review.mutate({ id: f.id, verdict: "clear" })}>
                  Clear
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => review.mutate({ id: f.id, verdict: "confirm" })}
                >
                  Confirm fraud
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {flags.data?.items.length === 0 && <p>No open flag.</p>}
      {review.error && <p className="error">{review.error.message}</p>}
    </>
  );
}

export function AffiliatesPage() {
  return (
    <section>
      <h1>Affiliates</h1>
      <PayoutQueue />
      <FraudFlags />
    </section>
  );
}
