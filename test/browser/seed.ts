import { DAY_MS } from "../../src/modules/affiliates/affiliates.models";
import type { RegionCode } from "../../src/modules/pricing/pricing.models";
import type { TestApp } from "../support/app";
import { buy, createDeviceOwner, createUser, newAffiliate, signUpWith, tierId } from "../support/factories";

/**
 * A business with a history, as an operator would find it: 30 days of paid orders in several
 * currencies, an affiliate whose commissions matured into a requested payout, and a VIP
 * subscriber with auto-approve and an MT5 device. The clock ends at the real "now".
 */
export async function seedBusiness(ctx: TestApp) {
  const { deps, clock } = ctx;
  const now = Date.now();
  clock.set(new Date(now - 32 * DAY_MS));
  const affiliate = await newAffiliate(deps);
  for (let i = 0; i < 20; i++) {
    const referred = await signUpWith(deps, affiliate.code);
    await buy(deps, referred.user.id);
  }
  const regions: RegionCode[] = ["GB", "EU", "US", "GB", "ASIA"];
  const levels = ["premium", "vip", "enterprise", "premium"] as const;
  for (let d = 0; d < 30; d++) {
    clock.set(new Date(now - (30 - d) * DAY_MS + 3_600_000));
    for (let n = 0; n < 1 + (d % 3); n++) {
      const buyer = await createUser(deps);
      const order = await deps.orders.create(
        { id: buyer.user.id, region: null },
        {
          tierId: await tierId(deps, levels[(d + n) % levels.length]!),
          months: 1,
          region: regions[(d + n) % 5]!,
        },
      );
      await deps.orders.markPaidManually({ id: "usr_seed" }, order.id, `seed-${d}-${n}`);
    }
  }
  clock.set(new Date(now));
  const admin = await createUser(deps, { admin: true, username: "operator", firstName: "Olivia" });
  const payout = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/affiliates/me/payouts",
    headers: { authorization: `Bearer ${await deps.tokens.issue(affiliate.user.id)}` },
    payload: { amountMinor: 5000 },
  });
  if (payout.statusCode !== 201) throw new Error(`payout request: ${payout.body}`);
  await deps.users.ensureFromTelegram({ telegramId: 5550001, username: "alice_fx", firstName: "Alice" });
  const alice = await createDeviceOwner(deps, "vip", { autoApprove: true, deviceName: "alice-vps" });
  return { admin, alice, payoutId: payout.json().id as string };
}
