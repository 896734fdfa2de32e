import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError, type AppApi, type paths, unwrap } from "../../api/client";

type Settings =
  paths["/api/v1/devices/{id}/settings"]["get"]["responses"]["200"]["content"]["application/json"];
type Mode = Settings["sizing"]["mode"];

const MODES: { mode: Mode; label: string; unit: string }[] = [
  { mode: "fixed", label: "Fixed lots", unit: "lots" },
  { mode: "risk_percent", label: "% of equity at risk", unit: "%" },
  { mode: "multiplier", label: "× signal volume", unit: "×" },
];

/** The form's fields as typed (numbers stay text until saved, so a half-typed "0." is kept). */
interface Draft {
  mode: Mode;
  value: string;
  maxLots: string;
  symbolSuffix: string;
  /** One "SIGNAL=BROKER" pair a line. */
  symbolMap: string;
  maxSlippagePoints: string;
  maxEntryDeviationPct: string;
  paused: boolean;
}

const draftOf = (s: Settings): Draft => ({
  mode: s.sizing.mode,
  value: String(s.sizing.value),
  maxLots: s.maxLots === null ? "" : String(s.maxLots),
  symbolSuffix: s.symbolSuffix,
  symbolMap: Object.entries(s.symbolMap)
    .map(([from, to]) => `${from}=${to}`)
    .join("\n"),
  maxSlippagePoints: String(s.maxSlippagePoints),
  maxEntryDeviationPct: s.maxEntryDeviationPct === null ? "" : String(s.maxEntryDeviationPct),
  paused: s.paused,
});

const orNull = (text: string) => (text.trim() === "" ? null : Number(text));

function bodyOf(d: Draft) {
  const symbolMap: Record<string, string> = {};
  for (const line of d.symbolMap.split("\n")) {
    const [from, to] = line.split("=").map((part) => part.trim());
    if (from && to) symbolMap[from.toUpperCase()] = to;
  }
  return {
    sizing: { mode: d.mode, value: Number(d.value) },
    maxLots: orNull(d.maxLots),
    symbolMap,
    symbolSuffix: d.symbolSuffix.trim(),
    maxSlippagePoints: Number(d.maxSlippagePoints),
    maxEntryDeviationPct: orNull(d.maxEntryDeviationPct),
    paused: d.paused,
  };
}

/** The server's reasons for a 400, one line per field ("sizing.value: at most 10%"). */
function problemsOf(error: Error): string[] {
  if (error instanceof ApiError && error.errors.length)
    return error.errors.map((e) => `${e.path}: ${e.message}`);
  return [error.message];
}

/**
 * How this device's Expert Advisor trades (API §11): lot sizing, a lot cap, broker symbols,
 * slippage and entry-deviation limits, pause. Saved as a whole; the EA gets them on its next poll.
 */
export function DeviceSettingsForm({
  api,
  deviceId,
  onClose,
}: {
  api: AppApi;
  deviceId: string;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const key = ["device-settings", deviceId];
  const settings = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/v1/devices/{id}/settings", { params: { path: { id: deviceId } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (settings.data && draft === null) setDraft(draftOf(settings.data));
  }, [settings.data, draft]);
  const save = useMutation({
    mutationFn: (d: Draft) =>
      unwrap(
        api.PUT("/api/v1/devices/{id}/settings", { params: { path: { id: deviceId } }, body: bodyOf(d) }),
      ),
    onSuccess: (saved) => {
      client.setQueryData(key, saved);
      setDraft(draftOf(saved));
    },
  });
  if (settings.error) return <p className="error">{settings.error.message}</p>;
  if (!draft) return <p className="hint">Loading settings…</p>;
  const set = (field: keyof Draft) => (e: { target: { value: string } }) => {
    save.reset();
    setDraft({ ...draft, [field]: e.target.value });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const unit = MODES.find((m) => m.mode === draft.mode)?.unit ?? "";
  return (
    <form className="card settings" onSubmit={submit} data-testid="device-settings">
      <label>
        Lot size
        <select value={draft.mode} onChange={set("mode")} name="sizingMode">
          {MODES.map((m) => (
            <option key={m.mode} value={m.mode}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Value ({unit})
        <input value={draft.value} onChange={set("value")} inputMode="decimal" name="sizingValue" />
      </label>
      <label>
        Lot cap (empty: none)
        <input value={draft.maxLots} onChange={set("maxLots")} inputMode="decimal" name="maxLots" />
      </label>
      <label>
        Broker symbol suffix
        <input value={draft.symbolSuffix} onChange={set("symbolSuffix")} maxLength={12} name="symbolSuffix" />
      </label>
      <label>
        Symbol map (one SIGNAL=BROKER a line)
        <textarea value={draft.symbolMap} onChange={set("symbolMap")} rows={3} name="symbolMap" />
      </label>
      <label>
        Max slippage (points)
        <input
          value={draft.maxSlippagePoints}
          onChange={set("maxSlippagePoints")}
          inputMode="numeric"
          name="maxSlippagePoints"
        />
      </label>
      <label>
        Max entry deviation % (empty: none)
        <input
          value={draft.maxEntryDeviationPct}
          onChange={set("maxEntryDeviationPct")}
          inputMode="decimal"
          name="maxEntryDeviationPct"
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.paused}
          onChange={(e) => {
            save.reset();
            setDraft({ ...draft, paused: e.target.checked });
          }}
          name="paused"
        />
        Paused (take no new trades)
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save settings
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {save.isSuccess && (
        <p className="ok" data-testid="settings-saved">
          Saved (version {save.data.version}); the EA applies them on its next poll.
        </p>
      )}
      {save.error && (
        <ul className="error">
          {problemsOf(save.error).map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
