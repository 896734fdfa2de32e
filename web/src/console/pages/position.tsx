import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../../api/client";
import { dateTime } from "../../shared/format";
import { Confirm } from "../confirm";
import { useConsole } from "../context";

type Action = "modify" | "close_partial" | "close";

interface Draft {
  action: Action;
  stopLoss: string;
  takeProfit: string;
  /** Percent of the position to close (close_partial). */
  percent: string;
}

const num = (s: string) => (s.trim() === "" ? null : Number(s));

const ACTION_NAMES: Record<Action, string> = {
  modify: "Move SL / TP",
  close_partial: "Close part",
  close: "Close position",
};

/** What the update will ask every device holding the position to do, in words. */
function describe(d: Draft, instrument: string): string {
  if (d.action === "close") return `Close the whole ${instrument} position`;
  if (d.action === "close_partial") return `Close ${d.percent}% of the ${instrument} position`;
  const parts = [
    num(d.stopLoss) !== null ? `stop loss to ${d.stopLoss}` : null,
    num(d.takeProfit) !== null ? `take profit to ${d.takeProfit}` : null,
  ].filter(Boolean);
  return `Move the ${instrument} ${parts.join(" and ")}`;
}

/**
 * Managing a published signal's position (API §10): move its stop loss / take profit, close part
 * or all of it. Each update is confirmed first, carries its own externalId (a retry of the same
 * confirmation cannot apply it twice), and its results per device are listed as they come in.
 */
export function Position({ id }: { id: string }) {
  const { api } = useConsole();
  const client = useQueryClient();
  const signal = useQuery({
    queryKey: ["signal", id],
    queryFn: () => unwrap(api.GET("/api/v1/signals/{id}", { params: { path: { id } } })),
    refetchInterval: 2_000,
  });
  const executions = useQuery({
    queryKey: ["executions", id],
    queryFn: () => unwrap(api.GET("/api/v1/signals/{id}/executions", { params: { path: { id } } })),
    refetchInterval: 2_000,
  });
  const [draft, setDraft] = useState<Draft>({
    action: "modify",
    stopLoss: "",
    takeProfit: "",
    percent: "50",
  });
  const [confirming, setConfirming] = useState<{ externalId: string } | null>(null);
  const send = useMutation({
    mutationFn: (externalId: string) =>
      unwrap(
        api.POST("/api/v1/signals/{id}/updates", {
          params: { path: { id } },
          body: {
            action: draft.action,
            stopLoss: draft.action === "modify" ? num(draft.stopLoss) : null,
            takeProfit: draft.action === "modify" ? num(draft.takeProfit) : null,
            fraction: draft.action === "close_partial" ? Number(draft.percent) / 100 : null,
            externalId,
          },
        }),
      ),
    onSuccess: () => {
      setConfirming(null);
      client.invalidateQueries({ queryKey: ["signal", id] });
      client.invalidateQueries({ queryKey: ["executions", id] });
      client.invalidateQueries({ queryKey: ["signals"] });
    },
  });
  const s = signal.data;
  if (!s) return null;
  const filled = executions.data?.summary.filled ?? 0;
  const summary = executions.data?.summary;
  const results = (executions.data?.items ?? []).flatMap((e) =>
    e.updates.map((u) => ({ ...u, deviceName: e.deviceName })),
  );
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => {
    setDraft({ ...draft, [key]: e.target.value });
    setConfirming(null);
  };
  const percent = Number(draft.percent);
  const ready =
    draft.action === "close" ||
    (draft.action === "close_partial" && percent > 0 && percent < 100) ||
    (draft.action === "modify" && (num(draft.stopLoss) !== null || num(draft.takeProfit) !== null));
  const open = s.positionStatus === "open" && s.status !== "cancelled";
  return (
    <div className="panel" data-testid="position">
      <h2>Position</h2>
      <p>
        <span className={open ? "badge ok" : "badge"} data-testid="position-status">
          {s.positionStatus}
        </span>{" "}
        SL {s.stopLoss ?? "—"} · TP {s.takeProfit ?? "—"} · filled on {filled} device(s)
      </p>
      {open && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (ready) setConfirming({ externalId: `console-${crypto.randomUUID()}` });
          }}
        >
          <div className="grid">
            <label>
              Update
              <select value={draft.action} onChange={set("action")} name="updateAction">
                {(Object.keys(ACTION_NAMES) as Action[]).map((a) => (
                  <option key={a} value={a}>
                    {ACTION_NAMES[a]}
                  </option>
                ))}
              </select>
            </label>
            {draft.action === "modify" && (
              <>
                <label>
                  New stop loss
                  <input
                    value={draft.stopLoss}
                    onChange={set("stopLoss")}
                    inputMode="decimal"
                    name="newStopLoss"
                  />
                </label>
                <label>
                  New take profit
                  <input
                    value={draft.takeProfit}
                    onChange={set("takeProfit")}
                    inputMode="decimal"
                    name="newTakeProfit"
                  />
                </label>
              </>
            )}
            {draft.action === "close_partial" && (
              <label>
                Close (%)
                <input value={draft.percent} onChange={set("percent")} inputMode="numeric" name="percent" />
              </label>
            )}
          </div>
          {!confirming && (
            <button type="submit" disabled={!ready}>
              Review update
            </button>
          )}
        </form>
      )}
      {confirming && (
        <Confirm
          confirmLabel={draft.action === "modify" ? "Send update" : "Close it"}
          busy={send.isPending}
          onConfirm={() => send.mutate(confirming.externalId)}
          onCancel={() => setConfirming(null)}
        >
          <strong data-testid="update-preview">{describe(draft, s.instrument)}</strong>
          <p className="hint">
            Sent to the {filled} device(s) that filled this signal
            {draft.action === "close" ? "; devices that have not received the entry never will" : ""}.
          </p>
        </Confirm>
      )}
      {send.error && <p className="error">{send.error.message}</p>}
      <h3>Updates</h3>
      {s.updates.length === 0 ? (
        <p className="hint">None yet.</p>
      ) : (
        <table data-testid="updates">
          <tbody>
            {s.updates.map((u) => (
              <tr key={u.id}>
                <td>#{u.seq}</td>
                <td>{u.action}</td>
                <td>
                  {u.action === "modify" && `SL ${u.stopLoss ?? "—"} · TP ${u.takeProfit ?? "—"}`}
                  {u.action === "close_partial" && `${Math.round((u.fraction ?? 0) * 100)}%`}
                </td>
                <td>{dateTime(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary && s.updates.length > 0 && (
        <p data-testid="update-results">
          Applied {summary.updatesApplied} · failed {summary.updatesFailed}
        </p>
      )}
      {results.length > 0 && (
        <table data-testid="update-devices">
          <thead>
            <tr>
              <th>Device</th>
              <th>Update</th>
              <th>Result</th>
              <th>Closed</th>
              <th>Reported</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={`${r.updateId}-${r.deviceName}`}>
                <td>{r.deviceName}</td>
                <td>
                  #{r.seq} {r.action}
                </td>
                <td>{r.status === "failed" ? `failed: ${r.errorMessage ?? r.errorCode ?? ""}` : r.status}</td>
                <td>{r.closedVolume !== null ? `${r.closedVolume} @ ${r.closePrice ?? "—"}` : ""}</td>
                <td>{dateTime(r.reportedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
