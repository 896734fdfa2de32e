import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { unwrap } from "../../api/client";
import { ago, dateTime, day, money } from "../../shared/format";
import { useConsole } from "../context";

export function UsersPage() {
  const { api } = useConsole();
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  const users = useQuery({
    queryKey: ["users", q],
    queryFn: () =>
      unwrap(api.GET("/api/v1/admin/users", { params: { query: { q: q || undefined, limit: 50 } } })),
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
  };
  return (
    <section>
      <h1>Users</h1>
      <form onSubmit={search} className="row">
        <input
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder="Telegram id, @username or usr_…"
          aria-label="Search users"
          name="q"
        />
        <button type="submit">Search</button>
      </form>
      {users.error && <p className="error">{users.error.message}</p>}
      <table className="list">
        <thead>
          <tr>
            <th>User</th>
            <th>Telegram id</th>
            <th>Plan</th>
            <th>Role</th>
            <th>Joined</th>
          </tr>
        </thead>
        <tbody>
          {(users.data?.items ?? []).map((u) => (
            <tr key={u.id}>
              <td>
                <Link href={`/users/${u.id}`}>{u.username ? `@${u.username}` : u.firstName || u.id}</Link>
              </td>
              <td>{u.telegramId}</td>
              <td>{u.tier}</td>
              <td>{u.role}</td>
              <td>{day(u.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {users.data?.items.length === 0 && <p>No user matches.</p>}
    </section>
  );
}

function GrantForm({ userId }: { userId: string }) {
  const { api } = useConsole();
  const client = useQueryClient();
  const catalog = useQuery({ queryKey: ["catalog"], queryFn: () => unwrap(api.GET("/api/v1/catalog")) });
  const tiers = (catalog.data?.categories ?? []).flatMap((c) => c.products.flatMap((p) => p.tiers));
  const [tierId, setTierId] = useState("");
  const [days, setDays] = useState("30");
  const grant = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/admin/users/{userId}/entitlements", {
          params: { path: { userId } },
          body: { tierId: tierId || tiers[0]!.id, days: Number(days) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["user", userId] }),
  });
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        grant.mutate();
      }}
    >
      <select value={tierId} onChange={(e) => setTierId(e.target.value)} aria-label="Tier">
        {tiers.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <input value={days} onChange={(e) => setDays(e.target.value)} inputMode="numeric" aria-label="Days" />
      <button type="submit" disabled={tiers.length === 0 || grant.isPending}>
        Grant period
      </button>
      {grant.error && <span className="error">{grant.error.message}</span>}
    </form>
  );
}

export function UserDetailPage({ id }: { id: string }) {
  const { api } = useConsole();
  const client = useQueryClient();
  const detail = useQuery({
    queryKey: ["user", id],
    queryFn: () => unwrap(api.GET("/api/v1/admin/users/{userId}", { params: { path: { userId: id } } })),
  });
  const revoke = useMutation({
    mutationFn: (entitlementId: string) =>
      unwrap(api.DELETE("/api/v1/admin/entitlements/{id}", { params: { path: { id: entitlementId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["user", id] }),
  });
  if (detail.error) return <p className="error">{detail.error.message}</p>;
  const d = detail.data;
  if (!d) return <p>Loading…</p>;
  return (
    <section>
      <h1>
        {d.user.username ? `@${d.user.username}` : d.user.firstName} <small>{d.user.telegramId}</small>
      </h1>
      <p>
        Plan <strong>{d.user.tier}</strong> · role {d.user.role} · region {d.user.region ?? "—"} ·
        auto-approve {d.user.autoApprove ? "on" : "off"} · referred by {d.user.referredBy ?? "—"} · joined{" "}
        {day(d.user.createdAt)}
      </p>
      <h2>Plan periods</h2>
      <GrantForm userId={id} />
      <table data-testid="periods">
        <thead>
          <tr>
            <th>Level</th>
            <th>From</th>
            <th>Until</th>
            <th>Source</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {d.periods.map((p) => (
            <tr key={p.id}>
              <td>{p.level}</td>
              <td>{dateTime(p.startsAt)}</td>
              <td>{dateTime(p.expiresAt)}</td>
              <td>
                {p.source === "order" ? `order ${p.orderId}` : p.source === "admin" ? "granted" : p.source}
              </td>
              <td>{p.revokedAt ? `revoked ${day(p.revokedAt)}` : p.active ? "active" : "not active"}</td>
              <td>
                {!p.revokedAt && (
                  <button
                    type="button"
                    className="danger"
                    disabled={revoke.isPending}
                    onClick={() => window.confirm(`Revoke this ${p.level} period?`) && revoke.mutate(p.id)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revoke.error && <p className="error">{revoke.error.message}</p>}
      <h2>Orders</h2>
      <table>
        <tbody>
          {d.orders.map((o) => (
            <tr key={o.id}>
              <td>{o.id}</td>
              <td>{o.status}</td>
              <td>{money(o.totalMinor, o.currency)}</td>
              <td>{o.provider ?? "—"}</td>
              <td>{dateTime(o.paidAt ?? o.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Devices</h2>
      <table data-testid="devices">
        <thead>
          <tr>
            <th>Device</th>
            <th>State</th>
            <th>MT5 account</th>
            <th>Client</th>
            <th>Last seen</th>
            <th>Added</th>
          </tr>
        </thead>
        <tbody>
          {d.devices.map((dev) => (
            <tr key={dev.id} data-testid={`device-${dev.id}`}>
              <td>{dev.name}</td>
              <td>
                <span className={dev.online ? "badge ok" : "badge"}>
                  {dev.revokedAt ? "removed" : dev.online ? "online" : "offline"}
                </span>
              </td>
              <td data-testid="account">
                {dev.account ? (
                  <>
                    {dev.account.login} · {dev.account.server}
                    <div className="hint">
                      {[
                        dev.account.company,
                        dev.account.currency,
                        dev.account.leverage ? `1:${dev.account.leverage}` : null,
                      ]
                        .filter(Boolean)
                        .join(" · ")}
                    </div>
                  </>
                ) : (
                  "no hello yet"
                )}
              </td>
              <td data-testid="client">{dev.client ? `${dev.client.name} ${dev.client.version}` : "—"}</td>
              <td>{ago(dev.lastSeenAt)}</td>
              <td>{day(dev.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Executions</h2>
      <table>
        <tbody>
          {d.executions.map((e) => (
            <tr key={e.id}>
              <td>
                {e.instrument} {e.side}
              </td>
              <td>{e.status}</td>
              <td>{e.price ?? "—"}</td>
              <td>{e.errorMessage ?? ""}</td>
              <td>{dateTime(e.filledAt ?? e.failedAt ?? e.ackedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
