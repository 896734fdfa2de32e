import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ADMIN_TG_ID } from "../../../test/support/config";
import { admin, type Person, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { auditLog } from "../audit/audit.table";
import { unappliedPayments } from "../payments/unapplied.table";

/** A Stars invoice for a pending premium order (3 months GB: 6199 stars). */
function useStars(env: Record<string, string> = {}) {
  const t = useTelegramApp(env);
  async function invoiced(p: Person) {
    const user = await t.userOf(p);
    const { premium } = await t.tiers();
    const order = await t
      .ctx()
      .deps.orders.create({ id: user.id, region: "GB" }, { tierId: premium.id, months: 3 });
    await t.send(updates.callback(p, `pay:stars:${order.id}`));
    return (await t.ctx().deps.orders.findById(order.id))!;
  }
  const held = () => t.ctx().deps.db.select().from(unappliedPayments);
  async function deliver() {
    await t.telegram().sender.drain();
  }
  return { ...t, invoiced, held, deliver };
}

describe("a Stars payment no order can take", () => {
  const t = useStars();

  async function cancelledAndPaid(p: Person, charge = "charge-late") {
    const order = await t.invoiced(p);
    await t.ctx().deps.orders.cancel(order.userId, order.id);
    await t.send(updates.payment(p, order.id, order.starsAmount!, charge));
    return order;
  }
  const refundButton = () =>
    t.lastButtons(ADMIN_TG_ID).find((b) => b.callback_data?.startsWith("stars:refund:"));

  describe("happy path", () => {
    it("is kept with its charge id, the buyer told the truth, and the admins alerted with a Refund button", async () => {
      const ada = person({ first_name: "Ada", username: "ada_l" });
      const order = await cancelledAndPaid(ada);
      expect((await t.ctx().deps.orders.findById(order.id))!.status).toBe("cancelled");
      const [row] = await t.held();
      expect(row).toMatchObject({
        provider: "stars",
        chargeId: "charge-late",
        telegramUserId: ada.id,
        orderRef: order.id,
        amount: 6199,
        currency: "XTR",
        reason: "not_payable",
        status: "held",
      });
      expect(t.lastText(ada.id)).toBe(
        `We received your ⭐ 6199 for order ${order.id}, but the order could not take them: it was cancelled. ` +
          "The operator has been told and can refund them to you. Payment id: <code>charge-late</code>",
      );
      await t.deliver();
      expect(t.lastText(ADMIN_TG_ID)).toContain(
        `Ada (@ada_l, ${ada.id}) paid ⭐ 6199 for order ${order.id}: it was cancelled.`,
      );
      expect(t.lastText(ADMIN_TG_ID)).toContain("Charge id: <code>charge-late</code>");
      expect(refundButton()).toEqual({ text: "↩️ Refund ⭐ 6199", callback_data: `stars:refund:${row!.id}` });
    });

    it("Refund gives the stars back once, however often it is tapped; recorded, audited, and the buyer told", async () => {
      const ada = person();
      await cancelledAndPaid(ada);
      await t.deliver();
      const data = refundButton()!.callback_data!;
      await Promise.all([
        t.send(updates.callback(admin(), data, 900)),
        t.send(updates.callback(admin(), data, 900)),
      ]);
      await t.send(updates.callback(admin(), data, 900));
      expect(t.api.callsOf("refundStarPayment").map((c) => c.params)).toEqual([
        { user_id: ada.id, telegram_payment_charge_id: "charge-late" },
      ]);
      const [row] = await t.held();
      expect(row).toMatchObject({ status: "refunded", refundedBy: expect.stringMatching(/^usr_/) });
      expect(row!.refundedAt).toBeInstanceOf(Date);
      const audit = await t.ctx().deps.db.select().from(auditLog).where(eq(auditLog.subjectId, row!.id));
      expect(audit.map((a) => a.action)).toEqual(["payments.unapplied_refunded"]);
      expect(t.callbackAnswers()).toContain("Already refunded.");
      expect(t.api.callsOf("editMessageReplyMarkup").length).toBeGreaterThanOrEqual(1);
      await t.deliver();
      expect(t.lastText(ada.id)).toContain("↩️ Your ⭐ 6199 for order");
    });

    it("a payment for an order already paid (another charge) or of another amount is held too", async () => {
      const ada = person();
      const order = await t.invoiced(ada);
      await t.send(updates.payment(ada, order.id, order.starsAmount!, "charge-first"));
      await t.send(updates.payment(ada, order.id, order.starsAmount!, "charge-second"));
      expect(t.lastText(ada.id)).toContain("it was already paid");
      const bob = person();
      const other = await t.invoiced(bob);
      await t.send(updates.payment(bob, other.id, 10, "charge-short"));
      expect(t.lastText(bob.id)).toContain("the amount differs from the order's price");
      const rows = await t.held();
      expect(rows.map((r) => [r.chargeId, r.reason, r.amount]).sort()).toEqual([
        ["charge-second", "not_payable", 6199],
        ["charge-short", "mismatch", 10],
      ]);
    });

    it("speaks the buyer's language", async () => {
      const ana = person({ language_code: "es" });
      await cancelledAndPaid(ana);
      expect(t.lastText(ana.id)).toMatch(
        /^Recibimos tus ⭐ 6199 para el pedido .*: fue cancelado\. El operador ha sido avisado/,
      );
    });
  });

  describe("errors", () => {
    it("the same payment reported twice is held once and alerts once", async () => {
      const ada = person();
      const order = await cancelledAndPaid(ada);
      await t.send(updates.payment(ada, order.id, order.starsAmount!, "charge-late"));
      expect(await t.held()).toHaveLength(1);
      await t.deliver();
      expect(t.callsTo(ADMIN_TG_ID, "sendMessage")).toHaveLength(1);
    });

    it("a refund Telegram refuses leaves the payment held, and a second try refunds it", async () => {
      const ada = person();
      await cancelledAndPaid(ada);
      await t.deliver();
      const data = refundButton()!.callback_data!;
      t.api.failNext("refundStarPayment", 400, "Bad Request: PAYMENT_REFUND_FAILED");
      await t.send(updates.callback(admin(), data, 901));
      expect((await t.held())[0]).toMatchObject({
        status: "held",
        lastError: expect.stringContaining("REFUND_FAILED"),
      });
      expect(t.callbackAnswers().at(-1)).toContain("Telegram did not refund it");
      await t.send(updates.callback(admin(), data, 901));
      expect((await t.held())[0]!.status).toBe("refunded");
      expect(t.api.callsOf("refundStarPayment")).toHaveLength(2);
    });

    it("a charge Telegram had already refunded is recorded as refunded", async () => {
      const ada = person();
      await cancelledAndPaid(ada);
      await t.deliver();
      t.api.refundedCharges.add("charge-late");
      await t.send(updates.callback(admin(), refundButton()!.callback_data!, 902));
      expect((await t.held())[0]!.status).toBe("refunded");
    });
  });

  describe("security", () => {
    it("only an admin can refund", async () => {
      const ada = person();
      await cancelledAndPaid(ada);
      const [row] = await t.held();
      await t.send(updates.callback(ada, `stars:refund:${row!.id}`));
      expect(t.callbackAnswers().at(-1)).toBe("Only admins can refund payments.");
      expect(t.api.callsOf("refundStarPayment")).toHaveLength(0);
      expect((await t.held())[0]!.status).toBe("held");
    });
  });
});

describe("a Stars payment no order can take, with no admin configured", () => {
  const t = useStars({ ADMIN_TELEGRAM_IDS: "" });

  it("the buyer is not told an operator was alerted: they get the payment id and /support", async () => {
    const ada = person();
    const order = await t.invoiced(ada);
    await t.ctx().deps.orders.cancel(order.userId, order.id);
    await t.send(updates.payment(ada, order.id, order.starsAmount!, "charge-alone"));
    expect(t.lastText(ada.id)).not.toContain("operator has been told");
    expect(t.lastText(ada.id)).toContain(
      "write to the operator (see /support) with this payment id: <code>charge-alone</code>",
    );
    expect(await t.held()).toEqual([expect.objectContaining({ chargeId: "charge-alone", status: "held" })]);
    await t.deliver();
    expect(t.api.callsOf("sendMessage").filter((c) => Number(c.params.chat_id) !== ada.id)).toHaveLength(0);
  });
});
