import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PaidLevel } from "../catalog/catalog.models";
import { DAY_MS } from "../entitlements/entitlements.models";
import {
  chainsOf,
  daysOf,
  dueNotice,
  ENDED_NOTICE_WINDOW_MS,
  NOTICE_KINDS,
  noticesDue,
  type PlanPeriod,
  REMINDER_DAYS,
  reminderKind,
} from "./renewals.models";

const at = new Date("2026-11-21T10:00:00Z");
const days = (n: number) => new Date(at.getTime() + n * DAY_MS);
let seq = 0;
const period = (tierId: string, from: number, to: number, level: PaidLevel = "premium"): PlanPeriod => ({
  id: `ent_${++seq}`,
  tierId,
  level,
  startsAt: days(from),
  expiresAt: days(to),
});
const plan = (from: number, to: number) => ({ startsAt: days(from), endsAt: days(to) });

describe("which notice a plan is due", () => {
  it("a 30-day plan gets the 7, 3 and 1 day reminders as each threshold is crossed, then ended", () => {
    expect(dueNotice(plan(-20, 10), at)).toBeNull();
    expect(dueNotice(plan(-23, 7), at)).toBe("ends_in_7d");
    expect(dueNotice(plan(-26, 4), at)).toBe("ends_in_7d");
    expect(dueNotice(plan(-27, 3), at)).toBe("ends_in_3d");
    expect(dueNotice(plan(-28.5, 1.5), at)).toBe("ends_in_3d");
    expect(dueNotice(plan(-29, 1), at)).toBe("ends_in_1d");
    expect(dueNotice(plan(-29.99, 0.01), at)).toBe("ends_in_1d");
    expect(dueNotice(plan(-30, 0), at)).toBe("ended");
  });

  it("'ended' is news only within the window after the end (not for old history on a first run)", () => {
    expect(dueNotice(plan(-31, -1), at)).toBe("ended");
    expect(
      dueNotice({ startsAt: days(-40), endsAt: new Date(at.getTime() - ENDED_NOTICE_WINDOW_MS) }, at),
    ).toBe("ended");
    expect(
      dueNotice({ startsAt: days(-40), endsAt: new Date(at.getTime() - ENDED_NOTICE_WINDOW_MS - 1) }, at),
    ).toBeNull();
  });

  it("a reminder is only for a plan longer than its threshold (a 3-day trial hears only '1 day left')", () => {
    expect(dueNotice(plan(0, 3), at)).toBeNull();
    expect(dueNotice(plan(-1, 2), at)).toBeNull();
    expect(dueNotice(plan(-2, 1), at)).toBe("ends_in_1d");
    expect(dueNotice(plan(0, 7), at)).toBeNull();
    expect(dueNotice(plan(0, 5), at)).toBeNull();
    expect(dueNotice(plan(-1, 5), at)).toBeNull();
    expect(dueNotice(plan(-3, 5), at)).toBe("ends_in_7d");
    expect(dueNotice(plan(0, 1), at)).toBeNull();
    expect(dueNotice(plan(0, 1), days(1))).toBe("ended");
  });

  it("the kinds name their days", () => {
    expect(REMINDER_DAYS.map(reminderKind)).toEqual(["ends_in_7d", "ends_in_3d", "ends_in_1d"]);
    expect(NOTICE_KINDS.map(daysOf)).toEqual([7, 3, 1, null]);
  });

  it("as time passes, the reminders due never go back to a less urgent one", () => {
    const rank = (k: string | null) => (k === null ? -1 : NOTICE_KINDS.indexOf(k as never));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 * 24 }),
        fc.array(fc.integer({ min: 0, max: 24 * 9 })),
        (hours, steps) => {
          const chain = { startsAt: at, endsAt: new Date(at.getTime() + hours * 3_600_000) };
          let now = new Date(chain.endsAt.getTime() - 8 * DAY_MS);
          let best = -1;
          for (const s of [...steps].sort((a, b) => a - b)) {
            const kind = dueNotice(chain, new Date(now.getTime() + s * 3_600_000));
            if (kind === null) continue;
            expect(rank(kind)).toBeGreaterThanOrEqual(best);
            best = rank(kind);
          }
          now = chain.endsAt;
          expect(dueNotice(chain, now)).toBe("ended");
        },
      ),
    );
  });
});

describe("a user's plans", () => {
  it("periods of a tier chained end to end are one plan, from the first start to the last end", () => {
    const first = period("t_prem", -50, -20);
    const second = period("t_prem", -20, 10);
    const third = period("t_prem", 10, 40);
    const [chain] = chainsOf([second, third, first]);
    expect(chain).toMatchObject({ tierId: "t_prem", startsAt: days(-50), endsAt: days(40), last: third });
  });

  it("a gap starts a new plan: only the run that leads to the last end counts", () => {
    const old = period("t_prem", -100, -70);
    const current = period("t_prem", -3, 4);
    const [chain] = chainsOf([old, current]);
    expect(chain).toMatchObject({ startsAt: days(-3), endsAt: days(4), last: current });
  });

  it("each tier is its own plan", () => {
    const chains = chainsOf([period("t_prem", -20, 10), period("t_vip", -5, 2, "vip")]);
    expect(chains.map((c) => [c.tierId, c.endsAt])).toEqual([
      ["t_prem", days(10)],
      ["t_vip", days(2)],
    ]);
  });

  it("a renewal moves the notice to the new last period", () => {
    const ending = period("t_prem", -27, 3);
    expect(noticesDue([ending], at)).toEqual([
      { kind: "ends_in_3d", chain: expect.objectContaining({ last: ending }) },
    ]);
    expect(noticesDue([ending, period("t_prem", 3, 33)], at)).toEqual([]);
  });

  it("an end covered by a plan of the same level or higher is not announced; a lower one does not cover", () => {
    const premium = period("t_prem", -27, 3);
    expect(noticesDue([premium, period("t_vip", -1, 29, "vip")], at)).toEqual([]);
    expect(noticesDue([premium, period("t_prem_b", -1, 29, "premium")], at)).toEqual([]);
    const vip = period("t_vip", -27, 3, "vip");
    expect(noticesDue([vip, period("t_prem", -1, 29)], at).map((n) => n.chain.last)).toEqual([vip]);
  });

  it("a higher plan that ends before this one does not cover it", () => {
    const premium = period("t_prem", -27, 3);
    const vip = period("t_vip", -10, 2.5, "vip");
    expect(noticesDue([premium, vip], at).map((n) => [n.chain.tierId, n.kind])).toEqual([
      ["t_prem", "ends_in_3d"],
      ["t_vip", "ends_in_3d"],
    ]);
  });
});
