import { levelRank, type PaidLevel } from "../catalog/catalog.models";
import { DAY_MS } from "../entitlements/entitlements.models";

/**
 * What a plan that does not renew by itself is told (SPEC.md "Subscriptions, renewals and
 * offers"): reminders 7, 3 and 1 days before it ends, then that it has ended. Each once per
 * period: the notice is keyed by the last period of the plan and its kind.
 */
export const REMINDER_DAYS = [7, 3, 1] as const;
export type ReminderDays = (typeof REMINDER_DAYS)[number];
export const NOTICE_KINDS = ["ends_in_7d", "ends_in_3d", "ends_in_1d", "ended"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const reminderKind = (days: ReminderDays): NoticeKind => `ends_in_${days}d`;
export const daysOf = (kind: NoticeKind): ReminderDays | null =>
  kind === "ended" ? null : (Number(kind.slice("ends_in_".length, -1)) as ReminderDays);

/**
 * How late an "access ended" message may still go out (a process down for a while catches up);
 * older ends are history, not news, and are never announced (nor on the first deployment).
 */
export const ENDED_NOTICE_WINDOW_MS = 2 * DAY_MS;

/** A period as these rules need it (an unrevoked entitlement row). */
export interface PlanPeriod {
  id: string;
  tierId: string;
  level: PaidLevel;
  startsAt: Date;
  expiresAt: Date;
}

/** A user's periods of one tier joined end to end: what the user sees as "my plan". */
export interface PlanChain {
  tierId: string;
  level: PaidLevel;
  startsAt: Date;
  endsAt: Date;
  /** The period that ends the plan: a notice belongs to it, so a renewal earns new ones. */
  last: PlanPeriod;
}

/**
 * The plan each tier's unrevoked periods make: the latest end, and the start of the run of
 * periods leading to it without a gap (renewals chain end to end, see `nextPeriodStart`).
 */
export function chainsOf(periods: PlanPeriod[]): PlanChain[] {
  const byTier = new Map<string, PlanPeriod[]>();
  for (const p of periods) byTier.set(p.tierId, [...(byTier.get(p.tierId) ?? []), p]);
  const chains: PlanChain[] = [];
  for (const list of byTier.values()) {
    const sorted = [...list].sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
    const last = sorted[0]!;
    let startsAt = last.startsAt.getTime();
    for (const p of sorted.slice(1)) {
      if (p.expiresAt.getTime() >= startsAt) startsAt = Math.min(startsAt, p.startsAt.getTime());
    }
    chains.push({
      tierId: last.tierId,
      level: last.level,
      startsAt: new Date(startsAt),
      endsAt: last.expiresAt,
      last,
    });
  }
  return chains;
}

/**
 * Whether access at this level or better goes on past the plan's end through another tier (an
 * upgrade bought while the plan ran): then its end changes nothing the user would notice.
 */
export function coveredAtEnd(chain: PlanChain, others: PlanChain[]): boolean {
  const end = chain.endsAt.getTime();
  return others.some(
    (o) =>
      o.tierId !== chain.tierId &&
      levelRank(o.level) >= levelRank(chain.level) &&
      o.startsAt.getTime() <= end &&
      o.endsAt.getTime() > end,
  );
}

/**
 * The one notice a plan is due at `now`, if any: "ended" within the window after its end, else
 * the most urgent reminder whose threshold it has crossed. A reminder is only for a plan longer
 * than its threshold (a 3-day trial is not told "3 days left" as it starts). Which ones went out
 * already is the caller's record; a reminder missed while the process was down is skipped for
 * the more urgent one, never sent late.
 */
export function dueNotice(chain: Pick<PlanChain, "startsAt" | "endsAt">, now: Date): NoticeKind | null {
  const left = chain.endsAt.getTime() - now.getTime();
  if (left <= 0) return -left <= ENDED_NOTICE_WINDOW_MS ? "ended" : null;
  const length = chain.endsAt.getTime() - chain.startsAt.getTime();
  for (const days of [...REMINDER_DAYS].reverse()) {
    const threshold = days * DAY_MS;
    if (left <= threshold) return length > threshold ? reminderKind(days) : null;
  }
  return null;
}

/** The notices due for one user's periods: one per plan at most, none for a covered end. */
export function noticesDue(periods: PlanPeriod[], now: Date): { chain: PlanChain; kind: NoticeKind }[] {
  const chains = chainsOf(periods);
  const due: { chain: PlanChain; kind: NoticeKind }[] = [];
  for (const chain of chains) {
    const kind = dueNotice(chain, now);
    if (kind && !coveredAtEnd(chain, chains)) due.push({ chain, kind });
  }
  return due;
}
