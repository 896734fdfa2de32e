import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { AffiliateContext } from "./affiliates.context";
import { createOverlapFlagger, lockReferralSides, rowsOf } from "./referrer-overlap";

/** The part of an EA's hello this check reads (the `devices.hello` event). */
export interface ReportedAccount {
  deviceId: string;
  userId: string;
  account: { login: string; server: string };
}

interface Match {
  referral_id: string;
  affiliate_id: string;
  referral_user_id: string;
  referral_device_id: string;
  affiliate_device_id: string;
}

/** One MT5 account, however the terminal capitalises its server. */
export const accountEvidence = (account: { login: string; server: string }) =>
  `${account.login}@${account.server.toLowerCase()}`;

/**
 * SPEC.md "Devices: settings and account": a referral whose device reports the same MT5 account
 * (login + server) as a device of the referrer is flagged `shared_account` for review.
 * Checked on every hello, from both sides (the referral's EA may connect before or after the
 * referrer's), inside the hello's transaction.
 */
export function createSharedAccountCheck(ctx: Pick<AffiliateContext, "clock">) {
  const flagOverlaps = createOverlapFlagger(ctx);
  return async function checkSharedAccount(tx: Executor, hello: ReportedAccount): Promise<number> {
    const { userId, deviceId } = hello;
    const { login, server } = hello.account;
    await lockReferralSides(tx, userId);
    const same = (d: string) =>
      sql`${sql.raw(d)}.account->>'login' = ${login} and lower(${sql.raw(d)}.account->>'server') = lower(${server})`;
    const matches = rowsOf<Match>(
      await tx.execute(sql`
        select r.id as referral_id, r.affiliate_id, r.user_id as referral_user_id,
               ${deviceId} as referral_device_id, d.id as affiliate_device_id
          from affiliate_referrals r
          join affiliates a on a.id = r.affiliate_id
          join devices d on d.user_id = a.user_id
         where r.user_id = ${userId} and r.status = 'active' and ${same("d")}
        union all
        select r.id, r.affiliate_id, r.user_id, d.id, ${deviceId}
          from affiliates a
          join affiliate_referrals r on r.affiliate_id = a.id
          join devices d on d.user_id = r.user_id
         where a.user_id = ${userId} and r.status = 'active' and ${same("d")}`),
    );
    return flagOverlaps(
      tx,
      "shared_account",
      accountEvidence(hello.account),
      matches.map((m) => ({
        referralId: m.referral_id,
        affiliateId: m.affiliate_id,
        referralUserId: m.referral_user_id,
        details: {
          login,
          server,
          referralDeviceId: m.referral_device_id,
          affiliateDeviceId: m.affiliate_device_id,
        },
      })),
    );
  };
}
