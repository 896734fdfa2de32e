import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { unwrap } from "../../api/client";
import { ago } from "../../shared/format";
import { useApp } from "../context";
import { DeviceSettingsForm } from "./device-settings";

interface Revealed {
  id: string;
  name: string;
  secret: string;
}

/** A device's secret, shown once right after it is made (add or rotate) and never again. */
function SecretOnce({ device, onDone }: { device: Revealed; onDone: () => void }) {
  return (
    <div className="card warn" data-testid="device-secret">
      <strong>Copy these into the Expert Advisor now. The secret is not shown again.</strong>
      <div className="hint">Device id</div>
      <code>{device.id}</code>
      <div className="hint">Secret</div>
      <code>{device.secret}</code>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}

export function DevicesPage() {
  const { api } = useApp();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const devices = useQuery({ queryKey: ["devices"], queryFn: () => unwrap(api.GET("/api/v1/devices")) });
  const refresh = () => client.invalidateQueries({ queryKey: ["devices"] });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/devices", { body: { name: name.trim() } })),
    onSuccess: (d) => {
      setRevealed({ id: d.id, name: d.name, secret: d.secret });
      setName("");
      refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: (device: { id: string; name: string }) =>
      unwrap(api.POST("/api/v1/devices/{id}/secret", { params: { path: { id: device.id } } })).then((r) => ({
        ...r,
        name: device.name,
      })),
    onSuccess: (d) => {
      setRevealed({ id: d.id, name: d.name, secret: d.secret });
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/devices/{id}", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) add.mutate();
  };
  const error = add.error ?? rotate.error ?? remove.error;
  return (
    <section>
      {revealed && <SecretOnce device={revealed} onDone={() => setRevealed(null)} />}
      <form onSubmit={submit} className="row">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Name, e.g. mt5-vps"
          maxLength={64}
          name="deviceName"
        />
        <button type="submit" className="primary" disabled={add.isPending}>
          Add device
        </button>
      </form>
      {error && <p className="error">{error.message}</p>}
      <ul className="items">
        {(devices.data?.items ?? []).map((d) => (
          <li key={d.id} data-testid={`device-${d.id}`}>
            <div>
              <strong>{d.name}</strong>
              <div className="hint">
                {d.online ? "online" : "offline"} · last seen {ago(d.lastSeenAt)}
              </div>
              {d.account && (
                <div className="hint">
                  MT5 {d.account.login} · {d.account.server}
                  {d.client ? ` · ${d.client.name} ${d.client.version}` : ""}
                </div>
              )}
            </div>
            <div className="row">
              <button
                type="button"
                className="secondary"
                onClick={() => setEditing(editing === d.id ? null : d.id)}
              >
                Settings
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  window.confirm(`New secret for ${d.name}? The old one stops working.`) && rotate.mutate(d)
                }
              >
                New secret
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => window.confirm(`Remove ${d.name}?`) && remove.mutate(d.id)}
              >
                Remove
              </button>
            </div>
            {editing === d.id && (
              <DeviceSettingsForm api={api} deviceId={d.id} onClose={() => setEditing(null)} />
            )}
          </li>
        ))}
      </ul>
      {devices.data?.items.length === 0 && (
        <p className="hint">No device yet. Add one per MetaTrader terminal.</p>
      )}
    </section>
  );
}
