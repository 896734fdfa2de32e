import { describe, expect, it } from "vitest";
import { type TestApp, useTestApp } from "../../../test/support/app";
import {
  buy,
  createUser,
  freshHeaders,
  newAffiliate,
  signUpWith,
  stats,
} from "../../../test/support/factories";
import { DAY_MS } from "./affiliates.models";

/** An affiliate whose 21st signup within the hour raised a velocity flag on that signup. */
async function velocityBurst(ctx: TestApp) {
  const { deps } = ctx;
  const affiliate = await newAffiliate(deps);
  for (let i = 0; i < 20; i++) await signUpWith(deps, affiliate.code);
  const suspect = await signUpWith(deps, affiliate.code);
  const [flag] = (await deps.affiliates.admin.listFlags({ limit: 100, cursor: null })).items;
  const admin = await createUser(deps, { admin: true });
  return { affiliate, suspect, flag: flag!, admin };
}

const review = (
  ctx: TestApp,
  flagId: string,
  verdict: "clear" | "confirm",
  headers: Record<string, string>,
) =>
  ctx.app.inject({
    method: "POST",
    url: `/api/v1/admin/affiliates/flags/${flagId}/${verdict}`,
    headers,
    payload: { note: `${verdict}ed after review` },
  });

describe("the fraud review queue", () => {
  const ctx = useTestApp();

  describe("happy path", () => {
    it("lists flags with their reason, affiliate, subject and status", async () => {
      const { flag, admin, affiliate, suspect } = await velocityBurst(ctx());
      const res = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/affiliates/flags?status=open",
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([
        {
          id: flag.id,
          reason: "velocity",
          status: "open",
          affiliate: { id: expect.any(String), code: affiliate.code, userId: affiliate.user.id },
          subject: { userId: suspect.user.id, referralId: expect.any(String) },
          details: { signupsInLastHour: 21 },
          note: null,
          reviewedBy: null,
          reviewedAt: null,
          createdAt: expect.any(String),
        },
      ]);
    });

    it("clearing a flag keeps the referral and its commissions, and is audited", async () => {
      const { flag, admin, affiliate, suspect } = await velocityBurst(ctx());
      await buy(ctx().deps, suspect.user.id, { months: 12 });
      const res = await review(ctx(), flag.id, "clear", admin.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: "cleared",
        note: "cleared after review",
        reviewedBy: admin.user.id,
      });
      expect(await ctx().deps.affiliates.isReferred(suspect.user.id)).toBe(true);
      expect((await stats(ctx().deps, affiliate.user.id)).pendingMinor).toBe(2506);
      const audit = await ctx().deps.audit.listForSubject("affiliate_flag", flag.id);
      expect(audit).toMatchObject([{ action: "affiliates.flag_cleared", actorId: admin.user.id }]);
    });

    it("confirming fraud reverses the referral's pending commission and claws back the paid one", async () => {
      const { deps, clock } = ctx();
      const { flag, affiliate, suspect } = await velocityBurst(ctx());
      await buy(deps, suspect.user.id, { months: 12 });
      clock.advance(30 * DAY_MS);
      const paidOut = await deps.affiliates.requestPayout(affiliate.user.id, 2506).catch((e) => e);
      expect(paidOut.code).toBe("affiliates.below_minimum");
      // A second, honest-looking referral lifts the balance over the minimum.
      const other = await signUpWith(deps, affiliate.code);
      await buy(deps, other.user.id, { months: 12 });
      clock.advance(30 * DAY_MS);
      const payout = await deps.affiliates.requestPayout(affiliate.user.id, 5012);
      const admin = await createUser(deps, { admin: true });
      await deps.affiliates.admin.approvePayout(admin.user, payout.id);
      await deps.affiliates.admin.completePayout(admin.user, payout.id, "bank");
      await buy(deps, suspect.user.id, { months: 12 });

      const res = await review(ctx(), flag.id, "confirm", admin.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: "confirmed", reviewedBy: admin.user.id });
      const entries = (await deps.affiliates.commissions(affiliate.user.id, { limit: 100, cursor: null }))
        .items;
      const mine = entries.filter((e) => e.kind === "clawback" || e.status === "reversed");
      expect(mine.map((e) => `${e.kind}:${e.amountMinor}:${e.status}`).sort()).toEqual([
        "clawback:-2506:available",
        "commission:2506:reversed",
      ]);
      expect(await stats(deps, affiliate.user.id)).toMatchObject({
        pendingMinor: 0,
        availableMinor: 0,
        owedMinor: 2506,
      });
      expect(await deps.affiliates.isReferred(suspect.user.id)).toBe(false);
      const audit = await deps.audit.listForSubject("affiliate_flag", flag.id);
      expect(audit).toMatchObject([{ action: "affiliates.flag_confirmed", actorId: admin.user.id }]);
    });

    it("a confirmed referral earns nothing more and loses the discount", async () => {
      const { flag, admin, affiliate, suspect } = await velocityBurst(ctx());
      await review(ctx(), flag.id, "confirm", admin.headers);
      const order = await buy(ctx().deps, suspect.user.id);
      expect(order.quote.lines.map((l) => l.code)).not.toContain("affiliate_discount");
      expect(await stats(ctx().deps, affiliate.user.id)).toMatchObject({ pendingMinor: 0, referrals: 20 });
    });
  });

  describe("errors", () => {
    it("answers 409 affiliates.flag_not_open to a second review", async () => {
      const { flag, admin } = await velocityBurst(ctx());
      await review(ctx(), flag.id, "clear", admin.headers);
      for (const verdict of ["clear", "confirm"] as const) {
        const res = await review(ctx(), flag.id, verdict, admin.headers);
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe("affiliates.flag_not_open");
      }
    });

    it("answers 404 affiliates.flag_not_found for an unknown flag", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const res = await review(ctx(), "afl_NOPE", "confirm", admin.headers);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("affiliates.flag_not_found");
    });

    it("answers 400 for an unknown status filter", async () => {
      const admin = await createUser(ctx().deps, { admin: true });
      const res = await ctx().app.inject({
        method: "GET",
        url: "/api/v1/admin/affiliates/flags?status=maybe",
        headers: admin.headers,
      });
      expect(res.statusCode).toBe(400);
    });
  });

  describe("security", () => {
    it("answers 401 without a token and 403 to the affiliate themselves, leaving the flag open", async () => {
      const { flag, affiliate } = await velocityBurst(ctx());
      expect(
        (await ctx().app.inject({ method: "GET", url: "/api/v1/admin/affiliates/flags" })).statusCode,
      ).toBe(401);
      const headers = await freshHeaders(ctx().deps, affiliate.user.id);
      const list = await ctx().app.inject({ method: "GET", url: "/api/v1/admin/affiliates/flags", headers });
      expect(list.statusCode).toBe(403);
      expect((await review(ctx(), flag.id, "clear", headers)).statusCode).toBe(403);
      const [still] = (await ctx().deps.affiliates.admin.listFlags({ limit: 1, cursor: null })).items;
      expect(still!.status).toBe("open");
    });
  });
});
