import type { Executor } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import type { Counter } from "../../shared/metrics";
import type { AuditService } from "../audit/audit.service";
import type { AffiliateContext, AffiliateSettings } from "./affiliates.context";
import { AffiliateErrors } from "./affiliates.errors";
import { generateCode, tierFor } from "./affiliates.models";
import { affiliateNews } from "./affiliates.news";
import { affiliatesRepository } from "./affiliates.repository";
import { type AffiliateRow, affiliates, affiliateVisits, type PayoutRow } from "./affiliates.table";
import { createCommissionsService } from "./commissions.service";
import { createFraudService } from "./fraud.service";
import { createPayoutsService } from "./payouts.service";
import { createReferralsService } from "./referrals.service";
import { createSharedAccountCheck } from "./shared-accounts";
import { createSharedCardCheck } from "./shared-cards";

// A clash among 31^8 codes is already rare; five in a row means something else is wrong.
const CODE_ATTEMPTS = 5;

export type AffiliatesService = ReturnType<typeof createAffiliatesService>;

/**
 * The affiliate program: registration and links, attribution at signup, the commission ledger
 * fed by the orders hooks, payouts and the fraud review queue. The bot's /affiliate calls the
 * same functions as the HTTP routes: register, view, commissions, requestPayout.
 */
export function createAffiliatesService(deps: {
  db: Executor;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  settings: AffiliateSettings;
  commissionsTotal: Pick<Counter<"status">, "inc">;
  /** Announces the payout decisions (affiliates.payout_decided), committed by the payouts service. */
  events: Pick<Events, "committed">;
  /** Injected by tests to force code collisions. */
  newCode?: () => string;
}) {
  const ctx: AffiliateContext = deps;
  const { db, clock, settings } = deps;
  const newCode = deps.newCode ?? (() => generateCode());
  const referrals = createReferralsService(ctx);
  const commissions = createCommissionsService(ctx);
  const payouts = createPayoutsService(ctx, commissions);
  const fraud = createFraudService(ctx, commissions);
  const checkSharedAccount = createSharedAccountCheck(ctx);
  const checkSharedCard = createSharedCardCheck(ctx);
  const repo = affiliatesRepository(db);
  const news = affiliateNews(db);

  /** A payout decision has committed (one statement's transaction): the affiliate is told. */
  async function announced(payout: PayoutRow): Promise<PayoutRow> {
    deps.events.committed("affiliates.payout_decided", {
      affiliateUserId: await news.affiliateUserOf(payout),
      payout,
    });
    return payout;
  }

  function links(code: string) {
    const bot = settings.botUsername();
    return {
      web: `${settings.publicUrl}/?ref=${code}`,
      // Without the bot's username there is no honest t.me link to give; null says so.
      telegram: bot ? `https://t.me/${bot}?start=ref_${code}` : null,
    };
  }

  function present(row: AffiliateRow, conversions: number) {
    return {
      code: row.code,
      ...tierFor(conversions, settings.schedule),
      links: links(row.code),
      createdAt: row.createdAt.toISOString(),
    };
  }

  async function mine(userId: string): Promise<AffiliateRow> {
    const row = await repo.findByUserId(userId);
    if (!row) throw AffiliateErrors.notRegistered();
    return row;
  }

  async function register(userId: string) {
    for (let attempt = 1; ; attempt++) {
      const now = clock.now();
      try {
        const row = await db.transaction(async (tx) => {
          const [created] = await tx
            .insert(affiliates)
            .values({ id: newId("aff", now.getTime()), userId, code: newCode(), createdAt: now })
            .returning();
          await deps.audit.record(
            {
              actorId: userId,
              actorKind: "user",
              action: "affiliates.registered",
              subjectType: "affiliate",
              subjectId: created!.id,
              data: { code: created!.code },
            },
            tx,
          );
          return created!;
        });
        return present(row, 0);
      } catch (err) {
        if (isUniqueViolation(err, "affiliates_user_key")) throw AffiliateErrors.alreadyRegistered();
        if (!isUniqueViolation(err, "affiliates_code_key") || attempt >= CODE_ATTEMPTS) throw err;
      }
    }
  }

  async function view(userId: string) {
    const row = await mine(userId);
    const [conversions, balances, referralCount, visits] = await Promise.all([
      repo.conversions(row.id),
      repo.balances(row.id, clock.now()),
      repo.referralCount(row.id),
      repo.visitCount(row.id),
    ]);
    return {
      ...present(row, conversions),
      stats: {
        referrals: referralCount,
        /** Visits to the web link (`/?ref=`); attribution happens when a visitor reaches the bot. */
        visits,
        conversions,
        pendingMinor: balances.pendingMinor,
        // A clawback larger than what is available is a debt, shown apart: no balance reads below zero.
        availableMinor: Math.max(0, balances.availableMinor),
        paidMinor: balances.paidMinor,
        requestedMinor: balances.requestedMinor,
        owedMinor: Math.max(0, -balances.availableMinor),
        currency: "GBP" as const,
      },
    };
  }

  /**
   * A web visitor arrived with `?ref=CODE`: counts the visit and answers where to send them
   * (the bot, carrying the code). An unknown code counts nothing and sends them to the bot plain.
   */
  async function recordVisit(code: string): Promise<{ code: string } | undefined> {
    const row = await repo.findByCode(code);
    if (!row) return undefined;
    const now = clock.now();
    await db
      .insert(affiliateVisits)
      .values({ id: newId("vis", now.getTime()), affiliateId: row.id, createdAt: now });
    return { code: row.code };
  }

  return {
    register,
    view,
    links,
    recordVisit,
    attributeSignup: referrals.attributeSignup,
    referredBy: referrals.referredBy,
    isReferred: referrals.isReferred,
    recordCommission: commissions.recordCommission,
    reverseForRefund: commissions.reverseForRefund,
    checkSharedAccount,
    checkSharedCard,
    async commissions(userId: string, page: Parameters<typeof commissions.list>[1]) {
      return commissions.list((await mine(userId)).id, page);
    },
    requestPayout: payouts.request,
    payouts: { listOwn: payouts.listOwn, findOwn: payouts.findOwn },
    /** Commissions whose hold has just ended, for the bot's timer (see affiliates.news.ts). */
    news: { becameAvailable: news.becameAvailable },
    admin: {
      listPayouts: payouts.listAll,
      approvePayout: payouts.approve,
      async completePayout(...args: Parameters<typeof payouts.complete>) {
        return announced(await payouts.complete(...args));
      },
      async rejectPayout(...args: Parameters<typeof payouts.reject>) {
        return announced(await payouts.reject(...args));
      },
      listFlags: fraud.list,
      clearFlag: fraud.clear,
      confirmFlag: fraud.confirm,
    },
  };
}
