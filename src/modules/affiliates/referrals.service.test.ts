import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { TEST_BOT_TOKEN } from "../../../test/support/config";
import { newAffiliate, signUpWith } from "../../../test/support/factories";
import { signInitData } from "../auth/auth.models";

describe("attribution at signup", () => {
  const ctx = useTestApp({ env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN } });
  const flags = () => ctx().deps.affiliates.admin.listFlags({ limit: 100, cursor: null });

  let launch = 0;
  // Each Mini App launch carries its own initData (its query_id differs); one initData signs in once.
  const signIn = (telegramId: number, ref?: string) =>
    ctx().app.inject({
      method: "POST",
      url: "/api/v1/auth/telegram",
      payload: {
        initData: signInitData(
          {
            user: JSON.stringify({ id: telegramId, first_name: "Vic" }),
            auth_date: String(Math.floor(ctx().clock.now().getTime() / 1000)),
            query_id: `AAH-launch-${++launch}`,
          },
          TEST_BOT_TOKEN,
        ),
        ...(ref === undefined ? {} : { ref }),
      },
    });

  describe("happy path", () => {
    it("a new user arriving with a code is attributed to its affiliate, and their User shows the code", async () => {
      const { code } = await newAffiliate(ctx().deps);
      const res = await signIn(91_001, code);
      expect(res.statusCode).toBe(200);
      expect(res.json().user.referredBy).toBe(code);
      const me = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: `Bearer ${res.json().accessToken}` },
      });
      expect(me.json().referredBy).toBe(code);
      expect(await ctx().deps.affiliates.isReferred(res.json().user.id)).toBe(true);
    });

    it("a code typed in lower case still attributes", async () => {
      const { code } = await newAffiliate(ctx().deps);
      expect((await signIn(91_002, code.toLowerCase())).json().user.referredBy).toBe(code);
    });

    it("a user who arrives through the bot's /start ref_CODE is attributed the same way", async () => {
      const { code } = await newAffiliate(ctx().deps);
      const { user } = await signUpWith(ctx().deps, code);
      expect(await ctx().deps.affiliates.referredBy(user.id)).toBe(code);
    });

    it("first touch wins: a later sign-in with another affiliate's code changes nothing", async () => {
      const first = await newAffiliate(ctx().deps);
      const second = await newAffiliate(ctx().deps);
      await signIn(91_003, first.code);
      const again = await signIn(91_003, second.code);
      expect(again.json().user.referredBy).toBe(first.code);
      expect((await ctx().deps.affiliates.view(second.user.id)).stats.referrals).toBe(0);
    });

    it("a user who arrived without a code is not referred and pays full price", async () => {
      const res = await signIn(91_004);
      expect(res.json().user.referredBy).toBeNull();
      expect(await ctx().deps.affiliates.isReferred(res.json().user.id)).toBe(false);
    });
  });

  describe("bad codes", () => {
    it("an unknown code signs the user in, unattributed and unflagged", async () => {
      const res = await signIn(91_010, "ZZZZ2222");
      expect(res.statusCode).toBe(200);
      expect(res.json().user.referredBy).toBeNull();
      expect((await flags()).items).toEqual([]);
    });

    it.each(["ABC'; DROP TABLE affiliates; --", "ÄBCDEFGH", "ABCD🙂EF", "0OIL1234", "%00%0A", "<script>"])(
      "a code with odd characters (%s) is ignored without an error",
      async (ref) => {
        await newAffiliate(ctx().deps);
        const res = await signIn(91_020, ref);
        expect(res.statusCode).toBe(200);
        expect(res.json().user.referredBy).toBeNull();
      },
    );
  });

  describe("self-referral and loops", () => {
    it("an affiliate signing in again with their own code is not attributed and sees no error", async () => {
      const first = await signIn(91_030);
      const { code } = await ctx().deps.affiliates.register(first.json().user.id);
      const again = await signIn(91_030, code);
      expect(again.statusCode).toBe(200);
      expect(again.json().user.referredBy).toBeNull();
    });

    it("a signup carrying the user's own code is refused and flagged self_referral", async () => {
      const { deps } = ctx();
      const owner = await newAffiliate(deps);
      await deps.db.transaction((tx) =>
        deps.affiliates.attributeSignup({ ...owner.user, referralCode: owner.code }, tx),
      );
      expect(await deps.affiliates.isReferred(owner.user.id)).toBe(false);
      expect((await flags()).items).toMatchObject([
        { reason: "self_referral", status: "open", subject: { userId: owner.user.id, referralId: null } },
      ]);
    });

    it("A referred B; B's code used for A is refused and flagged loop", async () => {
      const { deps } = ctx();
      const a = await newAffiliate(deps);
      const b = await signUpWith(deps, a.code);
      const bCode = (await deps.affiliates.register(b.user.id)).code;
      await deps.db.transaction((tx) =>
        deps.affiliates.attributeSignup({ ...a.user, referralCode: bCode }, tx),
      );
      expect(await deps.affiliates.referredBy(a.user.id)).toBeNull();
      expect((await flags()).items).toMatchObject([
        { reason: "loop", affiliate: { code: bCode, userId: b.user.id }, subject: { userId: a.user.id } },
      ]);
    });

    it("a loop through several affiliates (A → B → C, C's code used for A) is refused too", async () => {
      const { deps } = ctx();
      const a = await newAffiliate(deps);
      const b = await signUpWith(deps, a.code);
      const bCode = (await deps.affiliates.register(b.user.id)).code;
      const c = await signUpWith(deps, bCode);
      const cCode = (await deps.affiliates.register(c.user.id)).code;
      await deps.db.transaction((tx) =>
        deps.affiliates.attributeSignup({ ...a.user, referralCode: cCode }, tx),
      );
      expect(await deps.affiliates.referredBy(a.user.id)).toBeNull();
      expect((await flags()).items.map((f) => f.reason)).toEqual(["loop"]);
    });
  });

  describe("velocity", () => {
    it("the 21st attributed signup within an hour is flagged velocity and still attributed", async () => {
      const { deps, clock } = ctx();
      const { code, user } = await newAffiliate(deps);
      for (let i = 0; i < 20; i++) {
        await signUpWith(deps, code);
        clock.advance(60_000);
      }
      expect((await flags()).items).toEqual([]);
      const burst = await signUpWith(deps, code);
      const [flag] = (await flags()).items;
      expect(flag).toMatchObject({
        reason: "velocity",
        status: "open",
        affiliate: { code, userId: user.id },
        subject: { userId: burst.user.id },
        details: { signupsInLastHour: 21 },
      });
      expect(flag!.subject.referralId).not.toBeNull();
      expect(await deps.affiliates.referredBy(burst.user.id)).toBe(code);
    });

    it("21 signups spread over more than an hour raise no flag", async () => {
      const { deps, clock } = ctx();
      const { code } = await newAffiliate(deps);
      for (let i = 0; i < 21; i++) {
        await signUpWith(deps, code);
        clock.advance(3 * 60_000 + 1);
      }
      expect((await flags()).items).toEqual([]);
    });
  });
});
