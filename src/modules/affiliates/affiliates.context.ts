import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Counter } from "../../shared/metrics";
import type { AuditService } from "../audit/audit.service";
import type { TierSchedule } from "./affiliates.models";

export interface AffiliateSettings {
  schedule: TierSchedule;
  holdDays: number;
  payoutMinimumMinor: number;
  /** One payout request per this many milliseconds per affiliate. */
  payoutIntervalMs: number;
  publicUrl: string;
  /** Read at call time: the bot's username may only be known once getMe has answered. */
  botUsername: () => string | undefined;
}

/** What every part of the affiliate program is built over. */
export interface AffiliateContext {
  db: Executor;
  clock: Clock;
  audit: Pick<AuditService, "record">;
  settings: AffiliateSettings;
  /**
   * affiliate_commissions_total{status}. Counted as entries are written, inside the caller's
   * transaction (the orders hooks offer no after-commit step), so a payment rolled back after
   * its commission was written is over-counted; the ledger, not the metric, is the record.
   */
  commissionsTotal: Pick<Counter<"status">, "inc">;
}

/** The part of an order the program reads; the orders module's row satisfies it. */
export interface AffiliateOrder {
  id: string;
  userId: string;
  totalMinor: number;
  currency: string;
  /** GBP → order currency, the exact decimal locked when the order was priced. */
  fxRate: string;
  paidAt: Date | null;
}
