import type { FakeStripe } from "../../fakes/stripe";
import { signedWebhook } from "../../fakes/stripe";
import {
  call,
  type DeviceKey,
  login,
  mapLimit,
  ok,
  type Reply,
  shuffle,
  signedDeviceCall,
} from "./crash-http";

/**
 * What exists before the load: an admin, subscribers with devices, signals they approved, and
 * pending orders with Stripe Checkout sessions, all made over HTTP.
 */

export const ADMIN_TELEGRAM_ID = 7_000_001;
const USER_TELEGRAM_BASE = 7_100_000;
const MONTHS = [1, 3, 6, 12] as const;
const REGIONS = ["GB", "US", "EU", "ASIA"] as const;

export interface CrashUser {
  telegramId: number;
  userId: string;
  token: string;
  devices: DeviceKey[];
  /** Pending orders with a Checkout session, for the webhooks to pay. */
  payable: { orderId: string; sessionId: string }[];
}

export interface CrashWorld {
  admin: { token: string; userId: string };
  users: CrashUser[];
  signalIds: string[];
  tiers: { id: string; level: string }[];
}

export interface WorldSize {
  users: number;
  devicesPerUser: number;
  signals: number;
  payablePerUser: number;
}

export async function buildCrashWorld(base: string, size: WorldSize): Promise<CrashWorld> {
  const admin = await login(base, ADMIN_TELEGRAM_ID);
  const catalog = await ok<{ categories: { products: { tiers: { id: string; level: string }[] }[] }[] }>(
    base,
    "GET",
    "/api/v1/catalog",
    200,
  );
  const tiers = catalog.categories.flatMap((c) => c.products.flatMap((p) => p.tiers));
  const vip = tiers.find((t) => t.level === "vip");
  const premium = tiers.find((t) => t.level === "premium");
  if (!vip || !premium) throw new Error(`default catalog lacks vip/premium: ${JSON.stringify(tiers)}`);

  const users = await mapLimit(
    Array.from({ length: size.users }, (_, i) => i),
    4,
    async (i) => {
      const telegramId = USER_TELEGRAM_BASE + i;
      const { token, userId } = await login(base, telegramId);
      await ok(base, "POST", `/api/v1/admin/users/${userId}/entitlements`, 201, {
        token: admin.token,
        body: { tierId: vip.id, days: 30 },
      });
      const devices: DeviceKey[] = [];
      for (let d = 0; d < size.devicesPerUser; d++) {
        const dev = await ok<{ id: string; secret: string }>(base, "POST", "/api/v1/devices", 201, {
          token,
          body: { name: `terminal-${d}` },
        });
        devices.push({ id: dev.id, secret: dev.secret });
      }
      const payable: CrashUser["payable"] = [];
      for (let o = 0; o < size.payablePerUser; o++) {
        const order = await ok<{ id: string }>(base, "POST", "/api/v1/orders", 201, {
          token,
          body: { tierId: premium.id, months: 1, region: "GB" },
        });
        const checkout = await ok<{ sessionId: string }>(
          base,
          "POST",
          `/api/v1/orders/${order.id}/checkout`,
          200,
          {
            token,
            body: { provider: "stripe" },
          },
        );
        payable.push({ orderId: order.id, sessionId: checkout.sessionId });
      }
      return { telegramId, userId, token, devices, payable } satisfies CrashUser;
    },
  );

  const signalIds: string[] = [];
  for (let s = 0; s < size.signals; s++) {
    const signal = await ok<{ id: string; recipients: number }>(base, "POST", "/api/v1/signals", 201, {
      token: admin.token,
      body: { instrument: "EURUSD", side: "buy", orderType: "market", volume: 0.1, ttlSeconds: 3600 },
    });
    if (signal.recipients !== size.users) {
      throw new Error(`signal ${signal.id} reached ${signal.recipients} of ${size.users} subscribers`);
    }
    signalIds.push(signal.id);
  }
  const decisions = users.flatMap((u) => signalIds.map((signalId) => ({ u, signalId })));
  await mapLimit(decisions, 8, ({ u, signalId }) =>
    ok(base, "POST", `/api/v1/signals/${signalId}/decision`, 201, {
      token: u.token,
      body: { decision: "approve" },
    }),
  );
  return { admin, users, signalIds, tiers };
}

// ---------------------------------------------------------------------------------------------
// The load

export type Outcome =
  | { state: "answered"; status: number; body: unknown }
  | { state: "error"; message: string }
  | { state: "unsent" };

interface Base {
  /** A stable label for failure messages. */
  label: string;
  outcome: Outcome;
}

export interface FillRequest extends Base {
  kind: "fill";
  user: CrashUser;
  device: DeviceKey;
  body: { signalId: string; price: number; volume: number; brokerTicket: string };
}

export interface OrderRequest extends Base {
  kind: "order";
  user: CrashUser;
  key: string;
  body: { tierId: string; months: number; region: string };
}

export interface WebhookRequest extends Base {
  kind: "webhook";
  user: CrashUser;
  orderId: string;
  eventId: string;
  event: Record<string, unknown>;
}

export type LoadRequest = FillRequest | OrderRequest | WebhookRequest;

/** A fill per (signal, device), `ordersPerUser` orders per user, a paying webhook per payable order; shuffled. */
export function planLoad(
  world: CrashWorld,
  stripe: FakeStripe,
  opts: { ordersPerUser: number; random: () => number; runId: string },
): LoadRequest[] {
  const plan: LoadRequest[] = [];
  for (const [s, signalId] of world.signalIds.entries()) {
    for (const [u, user] of world.users.entries()) {
      for (const [d, device] of user.devices.entries()) {
        plan.push({
          kind: "fill",
          label: `fill s${s}/u${u}/d${d}`,
          outcome: { state: "unsent" },
          user,
          device,
          body: {
            signalId,
            price: Number((1.08 + (s * 1000 + u * 10 + d) / 1e6).toFixed(6)),
            volume: 0.1,
            brokerTicket: `T${s}-${u}-${d}`,
          },
        });
      }
    }
  }
  const combos = world.tiers.flatMap((t) =>
    MONTHS.flatMap((months) => REGIONS.map((region) => ({ tierId: t.id, months, region }))),
  );
  if (opts.ordersPerUser > combos.length)
    throw new Error(`at most ${combos.length} distinct orders per user`);
  for (const [u, user] of world.users.entries()) {
    // Distinct bodies per user, so every stored order can be traced back to the request that made it.
    for (const [o, body] of shuffle(combos, opts.random).slice(0, opts.ordersPerUser).entries()) {
      plan.push({
        kind: "order",
        label: `order u${u}/${o}`,
        outcome: { state: "unsent" },
        user,
        key: `crash-${opts.runId}-u${u}-o${o}`,
        body,
      });
    }
    for (const [p, { orderId, sessionId }] of user.payable.entries()) {
      const event = stripe.sessionEvent("checkout.session.completed", sessionId);
      plan.push({
        kind: "webhook",
        label: `webhook u${u}/${p}`,
        outcome: { state: "unsent" },
        user,
        orderId,
        eventId: String(event.id),
        event,
      });
    }
  }
  return shuffle(plan, opts.random);
}

/** Sends one planned request (also used to retry it after the restart). */
export function send(base: string, r: LoadRequest): Promise<Reply> {
  switch (r.kind) {
    case "fill":
      return signedDeviceCall(base, r.device, "/api/v1/device/fill", r.body);
    case "order":
      return call(base, "POST", "/api/v1/orders", {
        token: r.user.token,
        body: r.body,
        headers: { "idempotency-key": r.key },
      });
    case "webhook": {
      const { payload, headers } = signedWebhook(r.event);
      return call(base, "POST", "/api/v1/webhooks/stripe", { raw: payload, headers });
    }
  }
}

/**
 * Sends the plan with `concurrency` requests in flight and calls `kill` once `killAfter` of
 * them have answered; requests not yet started by then stay unsent.
 */
export async function runLoad(
  base: string,
  plan: LoadRequest[],
  opts: { concurrency: number; killAfter: number; kill: () => void },
): Promise<void> {
  let next = 0;
  let answered = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && next < plan.length) {
      const r = plan[next++]!;
      try {
        const reply = await send(base, r);
        r.outcome = { state: "answered", status: reply.status, body: reply.body };
        answered++;
      } catch (err) {
        r.outcome = { state: "error", message: String((err as Error).cause ?? err) };
      }
      if (!killed && answered >= opts.killAfter) {
        killed = true;
        opts.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  if (!killed) opts.kill();
}
