import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { memoryRateLimiter } from "../../shared/rate-limit";
import { createPacer, MAX_429_RETRIES } from "./telegram.pacer";

/** What the Bot API answers when flood control applies (ResponseParameters.retry_after). */
const tooMany = (seconds: number) => ({
  ok: false as const,
  error_code: 429,
  description: `Too Many Requests: retry after ${seconds}`,
  parameters: { retry_after: seconds },
});
const sent = { ok: true as const, result: { message_id: 1 } };

/** A pacer on a clock that moves only when the pacer sleeps, so waits are counted, not timed. */
function pacerOnManualTime() {
  let clock = 1_000_000;
  const slept: number[] = [];
  const pacer = createPacer({
    rateLimiter: memoryRateLimiter(),
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  });
  return { pacer, slept, now: () => clock };
}

describe("the one pace of calls to Telegram", () => {
  describe("as the bot client's transformer", () => {
    it("a 429 pauses for its retry_after, then the call is made again and answered", async () => {
      const { pacer, slept, now } = pacerOnManualTime();
      const answers = [tooMany(3), sent];
      const made: number[] = [];
      const call = pacer.transformer();
      const result = await call(
        async () => {
          made.push(now());
          return answers.shift() as never;
        },
        "sendMessage",
        { chat_id: 1, text: "hi" },
      );
      expect(result).toEqual(sent);
      expect(made).toHaveLength(2);
      expect(made[1]! - made[0]!).toBeGreaterThanOrEqual(3_000);
      expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3_000);
    });

    it("a storm longer than the retries allowed returns the 429 to the caller", async () => {
      const { pacer } = pacerOnManualTime();
      let made = 0;
      const result = await pacer.transformer()(
        async () => {
          made++;
          return tooMany(1) as never;
        },
        "banChatMember",
        { chat_id: -100, user_id: 7 },
      );
      expect(result).toMatchObject({ ok: false, error_code: 429 });
      expect(made).toBe(MAX_429_RETRIES + 1);
    });

    it("the long poll for updates is not held by a pause (it sends nothing)", async () => {
      const { pacer, slept } = pacerOnManualTime();
      pacer.pause(30);
      const result = await pacer.transformer()(
        async () => ({ ok: true, result: [] }) as never,
        "getUpdates",
        {
          offset: 0,
        },
      );
      expect(result).toEqual({ ok: true, result: [] });
      expect(slept).toEqual([]);
    });

    it("replies to people skip the overall bucket that holds bulk sends to 25/s, and keep every pause", async () => {
      const { pacer, slept } = pacerOnManualTime();
      const answer = async () => sent as never;
      for (let i = 0; i < 50; i++)
        await pacer.transformer("reply")(answer, "sendMessage", { chat_id: i, text: "hi" });
      expect(slept).toEqual([]);
      // The same 50 as bulk sends wait for the bucket's slots: about 2 s of sleeping at 25/s.
      for (let i = 0; i < 50; i++)
        await pacer.transformer("bulk")(answer, "sendMessage", { chat_id: i, text: "hi" });
      expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_900);

      slept.length = 0;
      pacer.pause(2);
      await pacer.transformer("reply")(answer, "sendMessage", { chat_id: 1, text: "hi" });
      expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2_000);
    });

    it("other refusals are returned at once, untouched", async () => {
      const { pacer, slept } = pacerOnManualTime();
      const refused = { ok: false as const, error_code: 400, description: "Bad Request: chat not found" };
      let made = 0;
      const result = await pacer.transformer()(
        async () => {
          made++;
          return refused as never;
        },
        "sendMessage",
        { chat_id: 1, text: "x" },
      );
      expect(result).toEqual(refused);
      expect(made).toBe(1);
      expect(pacer.pausedUntil).toBe(0);
      expect(slept).toEqual([]);
    });
  });

  describe("through the fake Bot API", () => {
    const t = useTelegramApp();

    it("a reply that meets a 429 goes out once retry_after has passed, and queued messages wait for the same pause", async () => {
      const ada = person();
      t.api.failNext("sendMessage", 429, "Too Many Requests: retry after 2", { retry_after: 2 });
      const handled = t.send(updates.message(ada, "/help"));
      await expect.poll(() => t.callsTo(ada.id, "sendMessage").length).toBe(1);
      await expect.poll(() => t.telegram().pacer.pausedUntil).toBeGreaterThan(0);
      const pausedUntil = t.telegram().pacer.pausedUntil;

      // The outbox sender keeps the same rule: nothing queued is sent while the pause lasts.
      await t.telegram().outbox.enqueue([{ chatId: 4242, text: "queued meanwhile" }]);
      expect(await t.telegram().sender.runOnce()).toBe(0);
      expect(t.callsTo(4242)).toEqual([]);

      await handled;
      await t.telegram().sender.drain();
      const replies = t.callsTo(ada.id, "sendMessage");
      expect(replies).toHaveLength(2);
      expect(replies[1]!.params.text).toBe(replies[0]!.params.text);
      expect(replies[1]!.at).toBeGreaterThanOrEqual(pausedUntil);
      const queued = t.callsTo(4242, "sendMessage");
      expect(queued).toHaveLength(1);
      expect(queued[0]!.at).toBeGreaterThanOrEqual(pausedUntil);
    });

    it("a 429 met by a queued message holds the next reply to a person until retry_after has passed", async () => {
      const ada = person();
      t.api.failNext("sendMessage", 429, "Too Many Requests: retry after 1", { retry_after: 1 });
      await t.telegram().outbox.enqueue([{ chatId: 4343, text: "queued first" }]);
      await t.telegram().sender.runOnce();
      const pausedUntil = t.telegram().pacer.pausedUntil;
      expect(pausedUntil).toBeGreaterThan(t.callsTo(4343, "sendMessage")[0]!.at);

      await t.send(updates.message(ada, "/help"));
      const [reply] = t.callsTo(ada.id, "sendMessage");
      expect(reply!.at).toBeGreaterThanOrEqual(pausedUntil);
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
    });
  });
});
