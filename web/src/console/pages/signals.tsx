import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, type paths, unwrap } from "../../api/client";
import { ago, dateTime } from "../../shared/format";
import { useConsole } from "../context";
import { Position } from "./position";

type Side = "buy" | "sell";
type OrderType = "market" | "limit" | "stop";
type Tier = "premium" | "vip" | "enterprise";

interface Draft {
  instrument: string;
  side: Side;
  orderType: OrderType;
  entryPrice: string;
  stopLoss: string;
  takeProfit: string;
  volume: string;
  ttlSeconds: string;
  minTier: Tier;
  note: string;
}

const EMPTY: Draft = {
  instrument: "EURUSD",
  side: "buy",
  orderType: "market",
  entryPrice: "",
  stopLoss: "",
  takeProfit: "",
  volume: "",
  ttlSeconds: "300",
  minTier: "premium",
  note: "",
};

type PublishSignal = NonNullable<
  paths["/api/v1/signals"]["post"]["requestBody"]
>["content"]["application/json"];

const num = (s: string) => (s.trim() === "" ? null : Number(s));

/** The request the form describes; a limit or stop order without its entry price is none yet. */
function body(d: Draft): PublishSignal | undefined {
  const common = {
    instrument: d.instrument.trim().toUpperCase(),
    side: d.side,
    stopLoss: num(d.stopLoss),
    takeProfit: num(d.takeProfit),
    volume: num(d.volume),
    ttlSeconds: Number(d.ttlSeconds),
    minTier: d.minTier,
    note: d.note.trim() || null,
  };
  const entryPrice = num(d.entryPrice);
  if (d.orderType === "market") return { ...common, orderType: "market", entryPrice };
  return entryPrice === null ? undefined : { ...common, orderType: d.orderType, entryPrice };
}

function PublishForm() {
  const { api } = useConsole();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [previewing, setPreviewing] = useState(false);
  const publish = useMutation({
    mutationFn: (signal: PublishSignal) => unwrap(api.POST("/api/v1/signals", { body: signal })),
    onSuccess: () => {
      setPreviewing(false);
      setDraft(EMPTY);
      client.invalidateQueries({ queryKey: ["signals"] });
    },
  });
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setPreviewing(true);
  };
  const b = body(draft);
  return (
    <form onSubmit={submit} className="panel">
      <h2>Publish a signal</h2>
      <div className="grid">
        <label>
          Instrument
          <input value={draft.instrument} onChange={set("instrument")} required name="instrument" />
        </label>
        <label>
          Side
          <select value={draft.side} onChange={set("side")} name="side">
            <option value="buy">buy</option>
            <option value="sell">sell</option>
          </select>
        </label>
        <label>
          Order type
          <select value={draft.orderType} onChange={set("orderType")} name="orderType">
            <option value="market">market</option>
            <option value="limit">limit</option>
            <option value="stop">stop</option>
          </select>
        </label>
        <label>
          Entry
          <input
            value={draft.entryPrice}
            onChange={set("entryPrice")}
            inputMode="decimal"
            name="entryPrice"
            required={draft.orderType !== "market"}
          />
        </label>
        <label>
          Stop loss
          <input value={draft.stopLoss} onChange={set("stopLoss")} inputMode="decimal" name="stopLoss" />
        </label>
        <label>
          Take profit
          <input
            value={draft.takeProfit}
            onChange={set("takeProfit")}
            inputMode="decimal"
            name="takeProfit"
          />
        </label>
        <label>
          Volume (lots)
          <input value={draft.volume} onChange={set("volume")} inputMode="decimal" name="volume" />
        </label>
        <label>
          Valid for (s)
          <input
            value={draft.ttlSeconds}
            onChange={set("ttlSeconds")}
            inputMode="numeric"
            name="ttlSeconds"
          />
        </label>
        <label>
          Lowest tier
          <select value={draft.minTier} onChange={set("minTier")} name="minTier">
            <option value="premium">Premium</option>
            <option value="vip">VIP</option>
            <option value="enterprise">Enterprise</option>
          </select>
        </label>
      </div>
      <label>
        Note
        <input value={draft.note} onChange={set("note")} maxLength={500} name="note" />
      </label>
      {!previewing && <button type="submit">Preview</button>}
      {previewing && b && (
        <div className="preview" data-testid="signal-preview">
          <h3>Subscribers will see</h3>
          <p>
            <strong>
              {b.instrument} {b.side.toUpperCase()} {b.orderType}
            </strong>
            {b.entryPrice != null && ` @ ${b.entryPrice}`}
          </p>
          <p>
            SL {b.stopLoss ?? "—"} · TP {b.takeProfit ?? "—"} · {b.volume ?? "default"} lots · valid{" "}
            {b.ttlSeconds} s · {b.minTier} and above
          </p>
          {b.note && <p>{b.note}</p>}
          <div className="row">
            <button type="button" onClick={() => publish.mutate(b)} disabled={publish.isPending}>
              Publish
            </button>
            <button type="button" className="secondary" onClick={() => setPreviewing(false)}>
              Edit
            </button>
          </div>
        </div>
      )}
      {publish.error && <p className="error">{publish.error.message}</p>}
      {publish.data && (
        <p className="ok">
          Published {publish.data.instrument} to {publish.data.recipients} recipient(s).
        </p>
      )}
    </form>
  );
}

function Fanout({ id }: { id: string }) {
  const { api } = useConsole();
  const client = useQueryClient();
  const fanout = useQuery({
    queryKey: ["fanout", id],
    queryFn: () => unwrap(api.GET("/api/v1/admin/signals/{id}/fanout", { params: { path: { id } } })),
    refetchInterval: 2_000,
  });
  const executions = useQuery({
    queryKey: ["executions", id],
    queryFn: () => unwrap(api.GET("/api/v1/signals/{id}/executions", { params: { path: { id } } })),
    refetchInterval: 2_000,
  });
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/signals/{id}/cancel", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["signals"] }),
  });
  const f = fanout.data;
  if (fanout.error) return <p className="error">{fanout.error.message}</p>;
  if (!f) return <p>Loading…</p>;
  return (
    <div className="panel" data-testid="fanout">
      <h2>Fan-out</h2>
      <dl className="counts">
        {(
          [
            ["Recipients", f.recipients],
            ["Pending", f.pending],
            ["Approved", f.approved],
            ["Rejected", f.rejected],
            ["ACKed", f.acked],
            ["Filled", f.filled],
            ["Failed", f.failed],
            ["Silent devices", f.silentDevices.length],
          ] as const
        ).map(([label, n]) => (
          <div key={label} data-testid={`fanout-${label.toLowerCase().replace(" ", "-")}`}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      {f.silentDevices.length > 0 && (
        <>
          <h3>Silent devices (approved, nothing reported)</h3>
          <table>
            <tbody>
              {f.silentDevices.map((d) => (
                <tr key={d.id}>
                  <td>{d.name}</td>
                  <td>{d.online ? "online" : "offline"}</td>
                  <td>last seen {ago(d.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Executions</h3>
      <table>
        <thead>
          <tr>
            <th>Device</th>
            <th>Status</th>
            <th>Price</th>
            <th>Volume</th>
            <th>Error</th>
            <th>ACKed</th>
          </tr>
        </thead>
        <tbody>
          {(executions.data?.items ?? []).map((e) => (
            <tr key={e.id}>
              <td>{e.deviceName}</td>
              <td>{e.status}</td>
              <td>{e.price ?? "—"}</td>
              <td>{e.volume ?? "—"}</td>
              <td>{e.errorMessage ?? ""}</td>
              <td>{dateTime(e.ackedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
        Cancel signal
      </button>
      {cancel.error && (
        <p className="error">{cancel.error instanceof ApiError ? cancel.error.message : "failed"}</p>
      )}
    </div>
  );
}

export function SignalsPage() {
  const { api } = useConsole();
  const [selected, setSelected] = useState<string | null>(null);
  const signals = useQuery({
    queryKey: ["signals"],
    queryFn: () => unwrap(api.GET("/api/v1/signals", { params: { query: { limit: 50 } } })),
    refetchInterval: 5_000,
  });
  return (
    <section>
      <h1>Signals</h1>
      <PublishForm />
      <div className="split">
        <table className="list">
          <thead>
            <tr>
              <th>Signal</th>
              <th>Status</th>
              <th>Recipients</th>
              <th>Approved</th>
              <th>Published</th>
            </tr>
          </thead>
          <tbody>
            {(signals.data?.items ?? []).map((s) => (
              <tr
                key={s.id}
                className={s.id === selected ? "selected" : ""}
                onClick={() => setSelected(s.id)}
              >
                <td>
                  <button type="button" className="link" onClick={() => setSelected(s.id)}>
                    {s.instrument} {s.side} {s.orderType}
                  </button>
                </td>
                <td>{s.status}</td>
                <td>{s.recipients}</td>
                <td>{s.decisions?.approved ?? 0}</td>
                <td>{ago(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {selected && (
          <div>
            <Fanout id={selected} />
            <Position id={selected} />
          </div>
        )}
      </div>
    </section>
  );
}
