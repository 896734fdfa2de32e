import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { telegramUpdates } from "./telegram.table";

const rowsOf = async (t: ReturnType<typeof useTelegramApp>) =>
  t.ctx().deps.db.select().from(telegramUpdates).orderBy(telegramUpdates.updateId);

describe("POST /telegram/webhook", () => {
  const t = useTelegramApp();

  describe("happy path", () => {
    it("acknowledges an update at once, handles it, and logs it once with kind, command and timing", async () => {
      const ada = person();
      const res = await t.send(updates.message(ada, "/start"));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true });
      expect(t.lastText(ada.id)).toContain("Welcome");
      const [row] = await rowsOf(t);
      expect(row).toMatchObject({
        telegramUserId: ada.id,
        kind: "message",
        command: "start",
        status: "handled",
        error: null,
        deliveries: 1,
      });
      expect(row!.durationMs).toBeGreaterThanOrEqual(0);
      const metrics = await t.ctx().deps.metrics.registry.metrics();
      expect(metrics).toContain('telegram_updates_total{kind="message",status="handled"} 1');
    });

    it("a redelivered update has no effect: one reply, one row, the redelivery counted", async () => {
      const ada = person();
      const update = updates.message(ada, "/help");
      await t.send(update);
      const again = await t.send(update);
      expect(again.statusCode).toBe(200);
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
      const rows = await rowsOf(t);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.deliveries).toBe(2);
    });

    it("the same update delivered three times at the same moment is handled once, every delivery counted", async () => {
      const ada = person();
      const update = updates.message(ada, "/help");
      const results = await Promise.all([t.post(update), t.post(update), t.post(update)]);
      await t.telegram().intake.settled();
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
      const rows = await rowsOf(t);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.deliveries).toBe(3);
    });
  });

  describe("the body as it arrived", () => {
    it("is what the log keeps: pretty-printed or starting with a BOM, the update is recorded and handled", async () => {
      const ada = person();
      const pretty = updates.message(ada, "/help");
      const withBom = updates.message(ada, "/start");
      for (const body of [JSON.stringify(pretty, null, 2), `\ufeff${JSON.stringify(withBom)}`]) {
        const res = await t.post(body);
        expect(res.statusCode, body.slice(0, 20)).toBe(200);
      }
      await t.telegram().intake.settled();
      const rows = await rowsOf(t);
      expect(rows.map((r) => [r.updateId, r.status])).toEqual([
        [pretty.update_id, "handled"],
        [withBom.update_id, "handled"],
      ]);
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(2);
    });

    it("is parsed with the usual prototype-poisoning rule: a __proto__ key is a 400 and nothing is recorded", async () => {
      const body = JSON.stringify(updates.message(person(), "/help")).replace(
        /^\{/,
        '{"__proto__":{"polluted":true},',
      );
      const res = await t.post(body);
      expect(res.statusCode).toBe(400);
      expect(await rowsOf(t)).toHaveLength(0);
    });
  });

  describe("errors", () => {
    it("malformed JSON is a 400 problem and nothing is recorded", async () => {
      const res = await t.post("{not json");
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().code).toBe("request.invalid");
      expect(await rowsOf(t)).toHaveLength(0);
    });

    it("JSON that is not an update is a 400 problem", async () => {
      for (const body of [{}, [], { update_id: "7" }, { update_id: -1 }]) {
        const res = await t.post(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().errors[0].path).toBe("update_id");
      }
    });

    it("an update from a bot is acknowledged, recorded as dropped and not answered", async () => {
      const robot = person({ is_bot: true });
      const res = await t.send(updates.message(robot, "/start"));
      expect(res.statusCode).toBe(200);
      expect(t.api.calls).toHaveLength(0);
      const [row] = await rowsOf(t);
      expect(row).toMatchObject({ status: "dropped", error: "from_bot" });
      expect(await t.ctx().deps.users.findByTelegramId(robot.id)).toBeUndefined();
    });

    it("a failing handler is recorded as failed and the endpoint keeps answering 200", async () => {
      const ada = person();
      t.api.failNext("sendMessage", 400, "Bad Request: chat not found");
      const res = await t.send(updates.message(ada, "/help"));
      expect(res.statusCode).toBe(200);
      const [row] = await rowsOf(t);
      expect(row!.status).toBe("failed");
      expect(row!.error).toContain("chat not found");
      const next = await t.send(updates.message(ada, "/help"));
      expect(next.statusCode).toBe(200);
      expect((await rowsOf(t))[1]!.status).toBe("handled");
    });

    it("an update kind the bot does not use is recorded as handled", async () => {
      const res = await t.send({ update_id: 424242, poll: { id: "p" } } as never);
      expect(res.statusCode).toBe(200);
      expect((await rowsOf(t))[0]).toMatchObject({ kind: "poll", status: "handled", telegramUserId: null });
    });
  });

  describe("security", () => {
    it("a missing or wrong secret token is a 401 problem and nothing is processed", async () => {
      const ada = person();
      for (const secret of [null, "wrong", "test-webhook-secret-but-longer", ""]) {
        const res = await t.post(updates.message(ada, "/start"), secret);
        expect(res.statusCode, String(secret)).toBe(401);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        expect(res.json().code).toBe("telegram.secret_invalid");
      }
      await t.telegram().intake.settled();
      expect(await rowsOf(t)).toHaveLength(0);
      expect(t.api.calls).toHaveLength(0);
      expect(await t.ctx().deps.users.findByTelegramId(ada.id)).toBeUndefined();
    });

    it("a wrong secret is refused before the body is read, even when the body is malformed", async () => {
      const res = await t.post("{not json", "wrong");
      expect(res.statusCode).toBe(401);
    });

    it("the secret token never appears in the logs", async () => {
      await t.post(updates.message(person(), "/start"), "wrong-secret-value");
      await t.send(updates.message(person(), "/start"));
      const logs = t.ctx().logs.join("\n");
      expect(logs).not.toContain("test-webhook-secret");
      expect(logs).not.toContain("wrong-secret-value");
    });

    it("100 updates in a second from one person: 5 handled, the rest dropped, one slow-down reply", async () => {
      const flooder = person();
      const burst = Array.from({ length: 100 }, () => updates.message(flooder, "/help"));
      const results = await Promise.all(burst.map((u) => t.post(u)));
      await t.telegram().intake.settled();
      expect(results.every((r) => r.statusCode === 200)).toBe(true);
      const rows = await rowsOf(t);
      expect(rows).toHaveLength(100);
      expect(rows.filter((r) => r.status === "handled")).toHaveLength(5);
      expect(rows.filter((r) => r.status === "dropped" && r.error === "rate_limited")).toHaveLength(95);
      await t.telegram().sender.drain();
      const replies = t.callsTo(flooder.id, "sendMessage").map((c) => String(c.params.text));
      expect(replies.filter((text) => text.includes("slow down"))).toHaveLength(1);
      expect(replies).toHaveLength(6);
      const other = person();
      await t.send(updates.message(other, "/help"));
      expect(t.callsTo(other.id, "sendMessage")).toHaveLength(1);
    });
  });
});
