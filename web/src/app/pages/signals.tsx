import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../../api/client";
import { ago, dateTime } from "../../shared/format";
import { useApp } from "../context";

function Executions({ id }: { id: string }) {
  const { api } = useApp();
  const history = useQuery({
    queryKey: ["executions", id],
    queryFn: () => unwrap(api.GET("/api/v1/signals/{id}/executions", { params: { path: { id } } })),
  });
  const items = history.data?.items ?? [];
  if (history.isPending) return <p className="hint">Loading…</p>;
  if (items.length === 0) return <p className="hint">No device has reported on this signal yet.</p>;
  return (
    <ul className="sub">
      {items.map((e) => (
        <li key={e.id}>
          {e.deviceName}: {e.status}
          {e.price !== null && ` @ ${e.price}`} · {dateTime(e.ackedAt)}
        </li>
      ))}
    </ul>
  );
}

export function SignalsPage() {
  const { api } = useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const signals = useQuery({
    queryKey: ["signals"],
    queryFn: () => unwrap(api.GET("/api/v1/signals", { params: { query: { limit: 50 } } })),
    refetchInterval: 10_000,
  });
  const decide = useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: "approve" | "reject" }) =>
      unwrap(api.POST("/api/v1/signals/{id}/decision", { params: { path: { id } }, body: { decision } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["signals"] }),
  });
  return (
    <section>
      {decide.error && <p className="error">{decide.error.message}</p>}
      <ul className="items">
        {(signals.data?.items ?? []).map((s) => (
          <li key={s.id} data-testid={`signal-${s.id}`}>
            <div>
              <button type="button" className="link" onClick={() => setOpen(open === s.id ? null : s.id)}>
                <strong>
                  {s.instrument} {s.side.toUpperCase()} {s.orderType}
                </strong>
              </button>
              <div className="hint">
                {s.entryPrice !== null && `entry ${s.entryPrice} · `}SL {s.stopLoss ?? "—"} · TP{" "}
                {s.takeProfit ?? "—"} · {ago(s.createdAt)}
              </div>
              {s.note && <div className="hint">{s.note}</div>}
              <div className="decision" data-testid="decision">
                {s.decision === "pending" && s.status === "open" ? "waiting for you" : s.decision}
              </div>
              {open === s.id && <Executions id={s.id} />}
            </div>
            {s.decision === "pending" && s.status === "open" && (
              <div className="row">
                <button
                  type="button"
                  className="primary"
                  onClick={() => decide.mutate({ id: s.id, decision: "approve" })}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => decide.mutate({ id: s.id, decision: "reject" })}
                >
                  Reject
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {signals.data?.items.length === 0 && <p className="hint">No signal yet.</p>}
    </section>
  );
}
