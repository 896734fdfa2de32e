import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { newId } from "../../shared/ids";
import type { AffiliateContext } from "./affiliates.context";
import { affiliateFlags } from "./affiliates.table";

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

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/**
 * SPEC.md "Devices: settings and account": a referral whose device reports the same MT5
 * account (login + server) as a device of the referrer is flagged `shared_account` for review.
 * Checked on every hello, from both sides (the referral's EA may connect before or after the
 * referrer's), inside the hello's transaction.
 */
export function createSharedAccountCheck(ctx: Pick<AffiliateContext, "clock">) {
  return async function checkSharedAccount(tx: Executor, hello: ReportedAccount): Promise<number> {
    const { userId, deviceId } = hello;
    const { login, server } = hello.account;
    // The affiliate rows on either side, locked in id order: two hellos of one shared account
    // (the referral's and the referrer's) run one after the other, so the second sees the first.
    await tx.execute(sql`
      select id from affiliates
       where user_id = ${userId}
          or id = (select affiliate_id from affiliate_referrals where user_id = ${userId})
       order by id for update`);
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
    let flagged = 0;
    const seen = new Set<string>();
    for (const m of matches) {
      if (seen.has(m.referral_id)) continue;
      seen.add(m.referral_id);
      // One flag per referral and account: a cleared flag stays cleared for the same account.
      const existing = rowsOf(
        await tx.execute(sql`
          select 1 from affiliate_flags
           where referral_id = ${m.referral_id} and reason = 'shared_account'
             and details->>'login' = ${login} and lower(details->>'server') = lower(${server})
           limit 1`),
      );
      if (existing.length > 0) continue;
      const now = ctx.clock.now();
      await tx.insert(affiliateFlags).values({
        id: newId("afl", now.getTime()),
        affiliateId: m.affiliate_id,
        reason: "shared_account",
        subjectUserId: m.referral_user_id,
        referralId: m.referral_id,
        details: {
          login,
          server,
          referralDeviceId: m.referral_device_id,
          affiliateDeviceId: m.affiliate_device_id,
        },
        createdAt: now,
      });
      flagged++;
    }
    return flagged;
  };
}
