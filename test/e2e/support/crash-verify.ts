import { expect } from "vitest";
import { listAll, mapLimit, ok } from "./crash-http";
import {
  type CrashWorld,
  type FillRequest,
  type LoadRequest,
  type OrderRequest,
  send,
  type WebhookRequest,
} from "./crash-world";

/**
 * What the restarted server must show: every acknowledged write exactly once, every request
 * whose answer was lost (the kill) at most once, and the requests never sent not at all.
 */

export interface Tally {
  sent: number;
  ok2xx: number;
  refused: number;
  unknown: number;
  unsent: number;
  byKind: Record<string, { ok2xx: number; unknown: number; unsent: number }>;
}

export function tally(plan: LoadRequest[]): Tally {
  const t: Tally = { sent: 0, ok2xx: 0, refused: 0, unknown: 0, unsent: 0, byKind: {} };
  for (const r of plan) {
    t.byKind[r.kind] ??= { ok2xx: 0, unknown: 0, unsent: 0 };
    const k = t.byKind[r.kind]!;
    if (r.outcome.state === "unsent") {
      t.unsent++;
      k.unsent++;
      continue;
    }
    t.sent++;
    if (r.outcome.state === "error") {
      t.unknown++;
      k.unknown++;
    } else if (r.outcome.status >= 200 && r.outcome.status < 300) {
      t.ok2xx++;
      k.ok2xx++;
    } else t.refused++;
  }
  return t;
}

const acknowledged = (r: LoadRequest) =>
  r.outcome.state === "answered" && r.outcome.status >= 200 && r.outcome.status < 300;
const describeOutcome = (r: LoadRequest) =>
  `${r.label} (${r.outcome.state === "answered" ? r.outcome.status : r.outcome.state})`;

interface Execution {
  id: string;
  signalId: string;
  deviceId: string;
  status: string;
  price: number | null;
  brokerTicket: string | null;
}

interface Order {
  id: string;
  status: string;
  tierId: string;
  months: number;
  quote: { region: string };
}

export interface Stored {
  /** `${signalId}|${deviceId}` → executions stored for that pair. */
  executions: Map<string, Execution[]>;
  /** userId → that user's orders. */
  orders: Map<string, Order[]>;
  /** orderId → entitlement periods granted from it. */
  periods: Map<string, number>;
}

const pairKey = (signalId: string, deviceId: string) => `${signalId}|${deviceId}`;
const comboKey = (o: { tierId: string; months: number; region: string }) =>
  `${o.tierId}|${o.months}|${o.region}`;

/** Everything the checks need, read over HTTP: executions per signal, orders and periods per user. */
export async function readStored(base: string, world: CrashWorld): Promise<Stored> {
  const executions = new Map<string, Execution[]>();
  await mapLimit(world.signalIds, 4, async (signalId) => {
    const view = await ok<{ items: Execution[] }>(
      base,
      "GET",
      `/api/v1/signals/${signalId}/executions`,
      200,
      {
        token: world.admin.token,
      },
    );
    for (const e of view.items) {
      const key = pairKey(e.signalId, e.deviceId);
      executions.set(key, [...(executions.get(key) ?? []), e]);
    }
  });
  const orders = new Map<string, Order[]>();
  const periods = new Map<string, number>();
  await mapLimit(world.users, 4, async (user) => {
    orders.set(user.userId, await listAll<Order>(base, "/api/v1/orders", user.token));
    const ents = await ok<{ items: { source: { orderId?: string } }[] }>(
      base,
      "GET",
      "/api/v1/me/entitlements",
      200,
      {
        token: user.token,
      },
    );
    for (const item of ents.items) {
      const orderId = item.source.orderId;
      if (orderId) periods.set(orderId, (periods.get(orderId) ?? 0) + 1);
    }
  });
  return { executions, orders, periods };
}

/** How many stored rows each request left: checked against its outcome. `final` = after the retries. */
export function checkStored(world: CrashWorld, plan: LoadRequest[], stored: Stored, final: boolean): void {
  const failures: string[] = [];
  const fills = plan.filter((r): r is FillRequest => r.kind === "fill");
  for (const r of fills) {
    const rows = stored.executions.get(pairKey(r.body.signalId, r.device.id)) ?? [];
    const expected = final || acknowledged(r) ? [1] : r.outcome.state === "error" ? [0, 1] : [0];
    if (!expected.includes(rows.length)) failures.push(`${describeOutcome(r)}: ${rows.length} executions`);
    for (const e of rows) {
      if (e.status !== "filled" || e.brokerTicket !== r.body.brokerTicket || e.price !== r.body.price)
        failures.push(`${describeOutcome(r)}: stored as ${JSON.stringify(e)}`);
    }
  }
  const planned = new Set(fills.map((r) => pairKey(r.body.signalId, r.device.id)));
  for (const key of stored.executions.keys())
    if (!planned.has(key)) failures.push(`an execution nobody reported: ${key}`);

  const payable = new Set(world.users.flatMap((u) => u.payable.map((p) => p.orderId)));
  for (const user of world.users) {
    const requests = plan.filter((r): r is OrderRequest => r.kind === "order" && r.user === user);
    const byCombo = new Map<string, Order[]>();
    for (const o of stored.orders.get(user.userId) ?? []) {
      if (payable.has(o.id)) continue;
      const key = comboKey({ tierId: o.tierId, months: o.months, region: o.quote.region });
      byCombo.set(key, [...(byCombo.get(key) ?? []), o]);
    }
    for (const r of requests) {
      const rows = byCombo.get(comboKey(r.body)) ?? [];
      byCombo.delete(comboKey(r.body));
      const expected = final || acknowledged(r) ? [1] : r.outcome.state === "error" ? [0, 1] : [0];
      if (!expected.includes(rows.length)) failures.push(`${describeOutcome(r)}: ${rows.length} orders`);
      if (
        acknowledged(r) &&
        rows.length === 1 &&
        rows[0]!.id !== (r.outcome as { body: { id: string } }).body.id
      )
        failures.push(
          `${describeOutcome(r)}: answered ${JSON.stringify(r.outcome)} but stored ${rows[0]!.id}`,
        );
    }
    for (const [key, rows] of byCombo) failures.push(`orders nobody asked for: ${key} × ${rows.length}`);
    for (const p of user.payable) {
      const order = (stored.orders.get(user.userId) ?? []).find((o) => o.id === p.orderId);
      const hook = plan.find((r): r is WebhookRequest => r.kind === "webhook" && r.orderId === p.orderId)!;
      const periods = stored.periods.get(p.orderId) ?? 0;
      const paid = order?.status === "paid";
      const allowed =
        final || acknowledged(hook)
          ? paid && periods === 1
          : hook.outcome.state === "error"
            ? (paid && periods === 1) || (order?.status === "pending" && periods === 0)
            : order?.status === "pending" && periods === 0;
      if (!allowed)
        failures.push(`${describeOutcome(hook)}: order ${order?.status ?? "missing"}, ${periods} periods`);
    }
  }
  expect(failures, failures.slice(0, 20).join("\n")).toEqual([]);
}

/**
 * What a client does after the outage: sends every request again (same Idempotency-Key, same
 * event id, a new signature). Each must answer as a repeat when its first attempt had been
 * stored, and take effect once when it had not.
 */
export async function retryAll(base: string, plan: LoadRequest[], before: Stored): Promise<string[]> {
  const failures: string[] = [];
  await mapLimit(plan, 8, async (r) => {
    const reply = await send(base, r);
    const body = reply.body as Record<string, unknown>;
    if (r.kind === "fill") {
      const present = (before.executions.get(pairKey(r.body.signalId, r.device.id)) ?? []).length > 0;
      const want = present ? 200 : 201;
      if (reply.status !== want || body.status !== "filled")
        failures.push(`retry ${describeOutcome(r)}: ${reply.status} ${JSON.stringify(body)}, wanted ${want}`);
    } else if (r.kind === "order") {
      if (reply.status !== 201)
        failures.push(`retry ${describeOutcome(r)}: ${reply.status} ${JSON.stringify(body)}`);
      const existing = [...before.orders.get(r.user.userId)!].find(
        (o) =>
          comboKey({ tierId: o.tierId, months: o.months, region: o.quote.region }) === comboKey(r.body) &&
          !r.user.payable.some((p) => p.orderId === o.id),
      );
      if (reply.status === 201 && existing && body.id !== existing.id)
        failures.push(`retry ${describeOutcome(r)}: a new order ${String(body.id)} beside ${existing.id}`);
    } else {
      const paidBefore = (before.periods.get(r.orderId) ?? 0) > 0;
      const want = paidBefore ? "duplicate" : "paid";
      if (reply.status !== 200 || body.result !== want)
        failures.push(`retry ${describeOutcome(r)}: ${reply.status} ${JSON.stringify(body)}, wanted ${want}`);
    }
  });
  return failures;
}
