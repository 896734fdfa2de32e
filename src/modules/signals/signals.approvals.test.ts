import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createSubscriber, createUser } from "../../../test/support/factories";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market" };

/** What the delivery index of every instance is built from (signals.repository openApprovals). */
describe("open approvals", () => {
  const app = useTestApp();

  const publish = async () => {
    const { headers } = await createUser(app().deps, { admin: true });
    const res = await app().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: BUY });
    return res.json().id as string;
  };

  it("lists the approved recipients of open signals only, each row with its signal", async () => {
    const deps = app().deps;
    const auto = await Promise.all([1, 2, 3].map(() => createSubscriber(deps, "vip", { autoApprove: true })));
    const manual = await createSubscriber(deps, "vip");
    const first = await publish();
    const second = await publish();
    const cancelled = await publish();
    await deps.signals.cancel("usr_test_admin", cancelled);

    const rows = await deps.signals.openApprovals();
    const autoIds = auto.map((a) => a.user.id).sort();
    const of = (signalId: string) =>
      rows
        .filter((r) => r.signal.id === signalId)
        .map((r) => r.userId)
        .sort();
    expect(of(first)).toEqual(autoIds);
    expect(of(second)).toEqual(autoIds);
    expect(of(cancelled)).toEqual([]);
    expect(rows.map((r) => r.userId)).not.toContain(manual.user.id);
    for (const r of rows) expect(r.decidedAt).toBeInstanceOf(Date);

    const one = await deps.signals.openApprovals({
      signalId: first,
      userIds: [auto[1]!.user.id, manual.user.id],
    });
    expect(one.map((r) => [r.signal.id, r.userId])).toEqual([[first, auto[1]!.user.id]]);
    expect(await deps.signals.openApprovals({ signalId: cancelled })).toEqual([]);
  });

  it("gives each recipient the time of its own decision, whether approved together or one by one", async () => {
    const deps = app().deps;
    const auto = await Promise.all([1, 2].map(() => createSubscriber(deps, "vip", { autoApprove: true })));
    const manual = await Promise.all([1, 2].map(() => createSubscriber(deps, "vip")));
    const signalId = await publish();
    const publishedAt = deps.clock.now().getTime();
    app().clock.advance(60_000);
    await deps.signals.decide(manual[0]!.user.id, signalId, "approve");
    app().clock.advance(60_000);
    await deps.signals.decide(manual[1]!.user.id, signalId, "approve");

    const rows = await deps.signals.openApprovals({ signalId });
    const at = Object.fromEntries(rows.map((r) => [r.userId, r.decidedAt?.getTime()]));
    expect(at).toEqual({
      [auto[0]!.user.id]: publishedAt,
      [auto[1]!.user.id]: publishedAt,
      [manual[0]!.user.id]: publishedAt + 60_000,
      [manual[1]!.user.id]: publishedAt + 120_000,
    });
  });

  it("reads each signal once: its approvals share one signal object, not a copy per recipient", async () => {
    const deps = app().deps;
    await Promise.all([1, 2, 3].map(() => createSubscriber(deps, "vip", { autoApprove: true })));
    const signalId = await publish();
    const rows = await deps.signals.openApprovals({ signalId });
    expect(rows).toHaveLength(3);
    expect(rows[1]!.signal).toBe(rows[0]!.signal);
    expect(rows[2]!.signal).toBe(rows[0]!.signal);
    expect(rows[0]!.signal).toMatchObject({ id: signalId, instrument: "EURUSD", side: "buy" });
  });
});
