import { expect } from "vitest";
import { DAY_MS } from "../../src/modules/affiliates/affiliates.models";
import type { TestApp } from "./app";
import { affiliateWithSales, createUser, tierId } from "./factories";
import { type Signer, signedInject } from "./signed";

export interface World {
  /** Owns one of every user-scoped resource below. */
  alice: { userId: string; headers: Record<string, string> };
  /** A plain user with nothing of their own. */
  bob: { userId: string; headers: Record<string, string> };
  admin: { userId: string; headers: Record<string, string> };
  device: Signer;
  producer: Signer;
  ids: {
    order: string;
    device: string;
    signal: string;
    payout: string;
    tier: string;
    product: string;
    category: string;
    entitlement: string;
  };
}

/**
 * One of every resource a user can own, each made through the public routes by Alice (an
 * affiliate with cleared commission, a VIP subscriber with a device that has ACKed a signal).
 */
export async function buildWorld(ctx: TestApp): Promise<World> {
  const { app, deps, clock } = ctx;
  const affiliate = await affiliateWithSales(deps, 2);
  clock.advance(30 * DAY_MS);
  const aliceId = affiliate.user.id;
  const entitlement = await deps.entitlements.adminGrant(
    { id: "usr_world_admin" },
    aliceId,
    await tierId(deps, "vip"),
    30,
  );
  const alice = { userId: aliceId, headers: { authorization: `Bearer ${await deps.tokens.issue(aliceId)}` } };
  const bob = await createUser(deps);
  const admin = await createUser(deps, { admin: true });

  const ok = async (
    method: "GET" | "POST",
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => {
    const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json() as Record<string, unknown> & { id: string };
  };

  const device = await ok("POST", "/api/v1/devices", alice.headers, { name: "alice-terminal" });
  const signal = await ok("POST", "/api/v1/signals", admin.headers, {
    instrument: "EURUSD",
    side: "buy",
    orderType: "market",
    stopLoss: 1.05,
    takeProfit: 1.2,
  });
  await ok("POST", `/api/v1/signals/${signal.id}/decision`, alice.headers, { decision: "approve" });
  const signer = { id: device.id, secret: String(device.secret) };
  const ack = await signedInject(app, clock, signer, {
    method: "POST",
    url: "/api/v1/device/ack",
    body: { signalId: signal.id },
  });
  expect(ack.statusCode, ack.body).toBe(201);
  const order = await ok("POST", "/api/v1/orders", alice.headers, {
    tierId: await tierId(deps, "premium"),
    months: 1,
    region: "GB",
  });
  const payout = await ok("POST", "/api/v1/affiliates/me/payouts", alice.headers, { amountMinor: 5000 });
  const producer = await ok("POST", "/api/v1/admin/producers", admin.headers, { name: "world-producer" });

  const catalog = await deps.catalog.view();
  const category = catalog.categories[0]!;
  const product = category.products[0]!;
  return {
    alice,
    bob: { userId: bob.user.id, headers: bob.headers },
    admin: { userId: admin.user.id, headers: admin.headers },
    device: signer,
    producer: { id: producer.id, secret: String(producer.secret), idHeader: "x-producer-id" },
    ids: {
      order: order.id,
      device: device.id,
      signal: signal.id,
      payout: payout.id,
      tier: product.tiers[0]!.id,
      product: product.id,
      category: category.id,
      entitlement: entitlement.id,
    },
  };
}

/**
 * Columns background loops write whatever request happens to be running: devices' last-seen
 * (flushed in batches on a timer) and the Telegram outbox's delivery state (its sender loop).
 * Rows themselves, and every other column, still count.
 */
const BACKGROUND_COLUMNS = [
  "last_seen_at",
  "status",
  "attempts",
  "next_attempt_at",
  "locked_until",
  "last_error",
  "message_id",
  "sent_at",
];
const rowText = (table: string) =>
  table === "telegram_outbox"
    ? `(to_jsonb(r) - array[${BACKGROUND_COLUMNS.map((c) => `'${c}'`).join(",")}])::text`
    : "(to_jsonb(r) - 'last_seen_at')::text";

/**
 * A digest of every application table's full contents: stricter than row counts, it also
 * catches a refused request that updated a row in place.
 */
export async function tableDigests(ctx: TestApp): Promise<Record<string, string>> {
  const tables = await ctx.database.query<{ tablename: string }>(
    "select tablename from pg_tables where schemaname = 'public' order by tablename",
  );
  const sql = tables
    .map(
      (t) =>
        `select '${t.tablename}' as t, md5(coalesce(string_agg(${rowText(t.tablename)}, '|' order by ${rowText(t.tablename)}), '')) as d from "public"."${t.tablename}" r`,
    )
    .join(" union all ");
  const rows = await ctx.database.query<{ t: string; d: string }>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, r.d]));
}
