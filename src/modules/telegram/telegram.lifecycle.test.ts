import { describe, expect, it } from "vitest";
import { ADMIN_TG_ID, TEST_WEBHOOK_SECRET } from "../../../test/support/config";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";
import { telegramUpdates } from "./telegram.table";

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("webhook mode", () => {
  const t = useTelegramApp({ PUBLIC_URL: "https://bot.example.com" });

  it("registers the webhook with the secret at start and stops cleanly", async () => {
    t.telegram().start();
    await t.telegram().stop();
    const [call] = t.api.callsOf("setWebhook");
    expect(call!.params).toMatchObject({
      url: "https://bot.example.com/telegram/webhook",
      secret_token: TEST_WEBHOOK_SECRET,
      // chat_member must be asked for by name; join requests and the bot's own membership drive channels.
      allowed_updates: [
        "message",
        "callback_query",
        "pre_checkout_query",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
      ],
    });
    expect(t.api.callsOf("getUpdates")).toHaveLength(0);
  });

  it("publishes the command menu: subscribers' commands for all, admin commands in admins' chats", async () => {
    t.telegram().start();
    await t.telegram().stop();
    const calls = t.api.callsOf("setMyCommands");
    const everyone = calls.find((c) => !c.params.scope && !c.params.language_code);
    const admins = calls.find((c) => c.params.scope);
    const names = (call: typeof everyone) =>
      (call!.params.commands as { command: string }[]).map((c) => c.command);
    expect(names(everyone)).toContain("shop");
    expect(names(everyone)).not.toContain("stats");
    expect(names(admins)).toContain("stats");
    expect(admins!.params.scope).toEqual({ type: "chat", chat_id: ADMIN_TG_ID });
  });

  it("publishes the menu in every language, described in that language", async () => {
    t.telegram().start();
    await t.telegram().stop();
    const calls = t.api.callsOf("setMyCommands");
    const describe = (code?: string) =>
      (
        calls.find((c) => !c.params.scope && c.params.language_code === code)!.params.commands as {
          command: string;
          description: string;
        }[]
      ).find((c) => c.command === "shop")!.description;
    expect(describe(undefined)).toBe("plans and prices; buy or renew");
    expect(describe("es")).toMatch(/planes/i);
    expect(describe("ru")).toMatch(/тариф/i);
  });

  it("a failing setWebhook is logged and the service keeps running", async () => {
    t.api.failNext("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook");
    t.telegram().start();
    await t.telegram().stop();
    expect(t.ctx().logs.join("\n")).toContain("could not register the telegram webhook");
    const res = await t.send(updates.message(person(), "/help"));
    expect(res.statusCode).toBe(200);
  });
});

describe("polling mode", () => {
  const t = useTelegramApp({ TELEGRAM_MODE: "polling" });

  it("clears any webhook, takes updates with getUpdates and advances the offset", async () => {
    const ada = person();
    const first = updates.message(ada, "/start");
    const second = updates.message(ada, "/help");
    t.api.pushUpdates(first, second);
    t.telegram().start();
    await until(() => t.callsTo(ada.id, "sendMessage").length === 2);
    await t.telegram().stop();
    const methods = t.api.calls.map((c) => c.method);
    expect(methods.indexOf("deleteWebhook")).toBeLessThan(methods.indexOf("getUpdates"));
    const offsets = t.api.callsOf("getUpdates").map((c) => Number(c.params.offset ?? 0));
    expect(offsets).toContain(second.update_id + 1);
    const rows = await t.ctx().deps.db.select().from(telegramUpdates);
    expect(rows.map((r) => r.status)).toEqual(["handled", "handled"]);
  });

  it("an update fetched again after a restart has no effect", async () => {
    const ada = person();
    const update = updates.message(ada, "/help");
    t.api.pushUpdates(update);
    t.telegram().start();
    await until(() => t.callsTo(ada.id, "sendMessage").length === 1);
    await t.telegram().stop();
    const before = t.api.callsOf("getUpdates").length;
    t.api.pushUpdates(update);
    t.telegram().start();
    await until(() =>
      t.api
        .callsOf("getUpdates")
        .slice(before)
        .some((c) => Number(c.params.offset) === update.update_id + 1),
    );
    await t.telegram().stop();
    expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(1);
    expect((await t.ctx().deps.db.select().from(telegramUpdates))[0]!.deliveries).toBe(2);
  });

  it("the webhook endpoint refuses updates while polling", async () => {
    const res = await t.post(updates.message(person(), "/start"));
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe("telegram.bot_off");
  });
});
