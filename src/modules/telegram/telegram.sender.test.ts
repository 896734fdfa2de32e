import { Api } from "grammy";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { TEST_BOT_TOKEN } from "../../../test/support/config";
import { useTelegramApp } from "../../../test/support/telegram";
import { memoryRateLimiter } from "../../shared/rate-limit";
import { outboxRepository } from "./telegram.outbox";
import { createOutboxSender, IDLE_POLL_MS } from "./telegram.sender";
import { telegramOutbox } from "./telegram.table";

describe("the outbox sender", () => {
  const t = useTelegramApp();
  const outbox = () => t.telegram().outbox;
  const sender = () => t.telegram().sender;
  const rows = () => t.ctx().deps.db.select().from(telegramOutbox).orderBy(telegramOutbox.seq);
  const sends = () => t.api.callsOf("sendMessage");

  describe("happy path", () => {
    it("sends a queued message once and remembers its message id", async () => {
      await outbox().enqueue([{ chatId: 42, text: "hello", dedupeKey: "k1" }]);
      await outbox().enqueue([{ chatId: 42, text: "hello again", dedupeKey: "k1" }]);
      await sender().drain();
      expect(sends()).toHaveLength(1);
      expect(sends()[0]!.params).toMatchObject({ chat_id: 42, text: "hello", parse_mode: "HTML" });
      const [row] = await rows();
      expect(row).toMatchObject({ status: "sent", attempts: 0 });
      expect(row!.messageId).toBeGreaterThan(0);
    });

    it("messages to one chat are spaced about a second apart, in order", async () => {
      await outbox().enqueue([1, 2, 3].map((n) => ({ chatId: 7, text: `m${n}` })));
      await sender().drain();
      const calls = sends();
      expect(calls.map((c) => c.params.text)).toEqual(["m1", "m2", "m3"]);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
      expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(900);
    });

    it("overall, no more than about 25 messages go out in any second", async () => {
      await outbox().enqueue(Array.from({ length: 60 }, (_, i) => ({ chatId: 1000 + i, text: "news" })));
      await sender().drain(20_000);
      const at = sends().map((c) => c.at);
      expect(at).toHaveLength(60);
      const busiest = Math.max(...at.map((start) => at.filter((x) => x >= start && x < start + 1000).length));
      expect(busiest).toBeLessThanOrEqual(26);
    });

    it("an edit waits until the message it edits has been sent, then uses its message id", async () => {
      await outbox().enqueueEdit({ chatId: 9, editOf: "orig", dedupeKey: "orig:edit", text: "edited" });
      await outbox().enqueue([{ chatId: 9, text: "original", dedupeKey: "orig" }]);
      await sender().drain();
      const original = await outbox().findByKey("orig");
      const [edit] = t.api.callsOf("editMessageText");
      expect(edit!.params).toMatchObject({ chat_id: 9, message_id: original!.messageId, text: "edited" });
    });
  });

  describe("errors", () => {
    it("a 429 pauses sending for retry_after seconds, then the message goes out once", async () => {
      t.api.failNext("sendMessage", 429, "Too Many Requests: retry after 1", { retry_after: 1 });
      await outbox().enqueue([{ chatId: 5, text: "paced" }]);
      await sender().drain();
      const calls = sends();
      expect(calls).toHaveLength(2);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
      expect((await rows())[0]!.status).toBe("sent");
      const metrics = await t.ctx().deps.metrics.registry.metrics();
      expect(metrics).toContain('telegram_messages_total{result="rate_limited"} 1');
    });

    it("a server error is retried with backoff", async () => {
      t.api.failNext("sendMessage", 502, "Bad Gateway");
      await outbox().enqueue([{ chatId: 6, text: "retry me" }]);
      await sender().drain();
      expect(sends()).toHaveLength(2);
      const [row] = await rows();
      expect(row).toMatchObject({ status: "sent", attempts: 1 });
    });

    it("a person who blocked the bot is not retried", async () => {
      t.api.failNext("sendMessage", 403, "Forbidden: bot was blocked by the user");
      await outbox().enqueue([{ chatId: 8, text: "hello?" }]);
      await sender().drain();
      expect(sends()).toHaveLength(1);
      expect((await rows())[0]).toMatchObject({
        status: "failed",
        lastError: "403 Forbidden: bot was blocked by the user",
      });
    });
  });

  describe("the sending loop", () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** A sender of its own with its loop running (the app's is not started in tests). */
    function loop(idleMs?: number) {
      const sender = createOutboxSender({
        db: t.ctx().deps.db,
        api: new Api(TEST_BOT_TOKEN, { apiRoot: t.api.url }),
        rateLimiter: memoryRateLimiter(),
        logger: pino({ level: "silent" }),
        messagesTotal: { inc: () => {} } as never,
        idleMs,
      });
      sender.start();
      return sender;
    }
    async function sentWithin(ms: number, count: number): Promise<boolean> {
      const deadline = Date.now() + ms;
      while (sends().length < count) {
        if (Date.now() > deadline) return false;
        await sleep(10);
      }
      return true;
    }

    it("a poke wakes the idle loop at once, whenever in its cycle it lands", async () => {
      const sender = loop(60_000);
      try {
        // Pokes at every moment of the loop's cycle: claiming, asking what is due, sleeping.
        for (let i = 0; i < 15; i++) {
          await sleep(i % 5);
          await outbox().enqueue([{ chatId: 3000 + i, text: `now ${i}` }]);
          sender.poke();
          expect(await sentWithin(3_000, i + 1)).toBe(true);
        }
      } finally {
        await sender.stop();
      }
    });

    it("idle, it polls every few seconds, not four times a second: unpoked work waits for the poll", async () => {
      expect(IDLE_POLL_MS).toBeGreaterThanOrEqual(2_000);
      const sender = loop();
      try {
        await sleep(100);
        // Queued by another instance: nobody pokes this loop.
        await outbox().enqueue([{ chatId: 41, text: "from elsewhere" }]);
        expect(await sentWithin(800, 1)).toBe(false);
        sender.poke();
        expect(await sentWithin(1_000, 1)).toBe(true);
      } finally {
        await sender.stop();
      }
    });

    it("still polls while idle: what another instance queued goes out at the next poll", async () => {
      const sender = loop(300);
      try {
        await sleep(100);
        await outbox().enqueue([{ chatId: 42, text: "from elsewhere" }]);
        expect(await sentWithin(2_000, 1)).toBe(true);
      } finally {
        await sender.stop();
      }
    });

    it("a retry that falls due while idle goes out on time, not at the next poll", async () => {
      t.api.failNext("sendMessage", 502, "Bad Gateway");
      const sender = loop(60_000);
      try {
        await outbox().enqueue([{ chatId: 43, text: "retry me" }]);
        sender.poke();
        expect(await sentWithin(1_000, 1)).toBe(true);
        // The backoff's first step is 1 s.
        expect(await sentWithin(3_000, 2)).toBe(true);
        expect(sends()[1]!.at - sends()[0]!.at).toBeGreaterThanOrEqual(900);
        // The fake API records the call before the sender marks the row: stopping lets it finish.
        await sender.stop();
        expect((await rows())[0]).toMatchObject({ status: "sent", attempts: 1 });
      } finally {
        await sender.stop();
      }
    });

    it("a lock left by a dead sender is waited for: the row goes out once it lapses", async () => {
      await outbox().enqueue([{ chatId: 44, text: "orphan" }]);
      expect(await outboxRepository(t.ctx().deps.db).claim(10, Date.now(), 500)).toHaveLength(1);
      const sender = loop(60_000);
      try {
        expect(await sentWithin(300, 1)).toBe(false);
        expect(await sentWithin(3_000, 1)).toBe(true);
      } finally {
        await sender.stop();
      }
    });

    it("stops at once while idle", async () => {
      const sender = loop(60_000);
      await sleep(50);
      const started = Date.now();
      await sender.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });

  describe("several senders and restarts", () => {
    it("two senders draining together never send one row twice", async () => {
      const second = createOutboxSender({
        db: t.ctx().deps.db,
        api: new Api(TEST_BOT_TOKEN, { apiRoot: t.api.url }),
        rateLimiter: memoryRateLimiter(),
        logger: pino({ level: "silent" }),
        messagesTotal: { inc: () => {} } as never,
      });
      await outbox().enqueue(Array.from({ length: 20 }, (_, i) => ({ chatId: 2000 + i, text: `n${i}` })));
      await Promise.all([sender().drain(), second.drain()]);
      const chats = sends().map((c) => Number(c.params.chat_id));
      expect(chats).toHaveLength(20);
      expect(new Set(chats).size).toBe(20);
    });

    it("a row claimed by a sender that died is sent by another once its lock lapses", async () => {
      await outbox().enqueue([{ chatId: 31, text: "survivor" }]);
      const claimed = await outboxRepository(t.ctx().deps.db).claim(10, Date.now(), 300);
      expect(claimed).toHaveLength(1);
      expect(await sender().runOnce()).toBe(0);
      await new Promise((r) => setTimeout(r, 350));
      await sender().drain();
      expect(sends().map((c) => c.params.text)).toEqual(["survivor"]);
    });
  });
});
