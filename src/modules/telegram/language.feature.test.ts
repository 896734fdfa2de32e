import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";

describe("the bot's languages", () => {
  const t = useTelegramApp();

  it("speaks the language of the person's Telegram app, English when it has no catalogue", async () => {
    const ana = person({ first_name: "Ana", language_code: "es" });
    const ivan = person({ first_name: "Иван", language_code: "ru" });
    const hans = person({ first_name: "Hans", language_code: "de" });
    await t.send(updates.message(ana, "/start"));
    await t.send(updates.message(ivan, "/start"));
    await t.send(updates.message(hans, "/start"));
    expect(t.lastText(ana.id)).toContain("¡Hola, Ana!");
    expect(t.lastButtons(ana.id).map((b) => b.text)).toContain("🛒 Planes");
    expect(t.lastText(ivan.id)).toContain("Здравствуйте, Иван!");
    expect(t.lastText(hans.id)).toContain("Welcome, Hans!");
  });

  it("/language offers buttons; the choice is stored and wins over the app's language from then on", async () => {
    const ana = person({ language_code: "es" });
    await t.send(updates.message(ana, "/language"));
    expect(t.lastText(ana.id)).toContain("Español");
    expect(t.lastButtons(ana.id).map((b) => b.callback_data)).toEqual(["lang:en", "lang:es", "lang:ru"]);
    await t.send(updates.callback(ana, "lang:ru"));
    expect((await t.ctx().deps.users.findByTelegramId(ana.id))!.locale).toBe("ru");
    expect(t.lastText(ana.id)).toContain("теперь бот говорит с вами");
    await t.send(updates.message(ana, "/help"));
    expect(t.lastText(ana.id)).toContain("<b>Команды</b>");
    expect(t.lastText(ana.id)).toContain("/shop, /plans — тарифы и цены");
  });

  it("messages composed outside an update (notifications) use the stored language", async () => {
    const ana = person({ language_code: "en" });
    await t.send(updates.message(ana, "/start"));
    await t.send(updates.callback(ana, "lang:es"));
    const user = await t.userOf(ana);
    await t.telegram().notifications.deviceOffline({
      deviceId: "dev_x",
      userId: user.id,
      deviceName: "VPS <1>",
      pending: 2,
    });
    await t.telegram().sender.drain();
    expect(t.lastText(ana.id)).toContain("Tu dispositivo <b>VPS &lt;1&gt;</b> se desconectó");
  });

  it("a refusal is told in the person's language", async () => {
    const ivan = person({ language_code: "ru" });
    await t.send(updates.callback(ivan, "dev:rot:dev_00000000000000000000000000"));
    expect(t.callbackAnswers().at(-1)).toBe("Такого устройства нет (или оно не ваше).");
  });
});
