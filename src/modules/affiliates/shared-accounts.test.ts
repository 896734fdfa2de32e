import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser, newAffiliate, signUpWith, tierId } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import type { Deps } from "../../deps";

const ACCOUNT = { login: "51234567", server: "ICMarketsSC-Demo" };

describe("fraud flag shared_account (SPEC.md: Devices, settings and account)", () => {
  const ctx = useTestApp();

  /** A device for the user (with a plan that allows one), and its hello. */
  async function deviceOf(deps: Deps, userId: string, name = "EA") {
    await deps.entitlements.adminGrant({ id: "usr_test_admin" }, userId, await tierId(deps, "vip"), 30);
    const { device, secret } = await deps.devices.register(userId, name);
    return {
      id: device.id,
      hello: async (account: { login: string; server: string }) => {
        const res = await signedInject(
          ctx().app,
          ctx().clock,
          { id: device.id, secret },
          {
            method: "POST",
            url: "/api/v1/device/hello",
            body: { account, client: { name: "SignalDesk.mq5", version: "1.0.0" } },
          },
        );
        expect(res.statusCode, res.body).toBe(200);
      },
    };
  }
  const flags = async () => (await ctx().deps.affiliates.admin.listFlags({ limit: 100, cursor: null })).items;

  it("flags the referral when its EA reports the referrer's MT5 account, once, for the admin to review", async () => {
    const { deps } = ctx();
    const affiliate = await newAffiliate(deps);
    const referral = await signUpWith(deps, affiliate.code);
    const theirs = await deviceOf(deps, affiliate.user.id);
    const mine = await deviceOf(deps, referral.user.id);
    await theirs.hello(ACCOUNT);
    await mine.hello({ ...ACCOUNT, server: "icmarketssc-demo" });
    await mine.hello(ACCOUNT);
    expect(await flags()).toEqual([
      expect.objectContaining({
        reason: "shared_account",
        status: "open",
        affiliate: expect.objectContaining({ code: affiliate.code, userId: affiliate.user.id }),
        subject: { userId: referral.user.id, referralId: expect.any(String) },
        details: {
          ...ACCOUNT,
          server: "icmarketssc-demo",
          referralDeviceId: mine.id,
          affiliateDeviceId: theirs.id,
        },
      }),
    ]);
    const admin = await createUser(deps, { admin: true });
    const queue = await ctx().app.inject({
      method: "GET",
      url: "/api/v1/admin/affiliates/flags?status=open",
      headers: admin.headers,
    });
    expect(queue.json().items.map((f: { reason: string }) => f.reason)).toEqual(["shared_account"]);
  });

  it("flags it when the referrer's EA connects second", async () => {
    const { deps } = ctx();
    const affiliate = await newAffiliate(deps);
    const referral = await signUpWith(deps, affiliate.code);
    const mine = await deviceOf(deps, referral.user.id);
    const theirs = await deviceOf(deps, affiliate.user.id);
    await mine.hello(ACCOUNT);
    expect(await flags()).toEqual([]);
    await theirs.hello(ACCOUNT);
    expect(await flags()).toEqual([
      expect.objectContaining({
        reason: "shared_account",
        subject: { userId: referral.user.id, referralId: expect.any(String) },
        details: { ...ACCOUNT, referralDeviceId: mine.id, affiliateDeviceId: theirs.id },
      }),
    ]);
  });

  it("does not flag another account on the same server, an unrelated user, or a cleared account again", async () => {
    const { deps } = ctx();
    const affiliate = await newAffiliate(deps);
    const referral = await signUpWith(deps, affiliate.code);
    const stranger = await createUser(deps);
    const theirs = await deviceOf(deps, affiliate.user.id);
    await theirs.hello(ACCOUNT);
    await (await deviceOf(deps, referral.user.id)).hello({ ...ACCOUNT, login: "51234568" });
    await (await deviceOf(deps, stranger.user.id)).hello(ACCOUNT);
    await (await deviceOf(deps, referral.user.id, "second")).hello({
      ...ACCOUNT,
      server: "ICMarketsSC-Live",
    });
    expect(await flags()).toEqual([]);

    const shared = await deviceOf(deps, referral.user.id, "third");
    await shared.hello(ACCOUNT);
    const [flag] = await flags();
    const admin = await createUser(deps, { admin: true });
    await deps.affiliates.admin.clearFlag(admin.user, flag!.id, "family account, checked");
    await shared.hello(ACCOUNT);
    expect((await flags()).map((f) => f.status)).toEqual(["cleared"]);
  });
});
