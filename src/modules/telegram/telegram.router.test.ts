import { describe, expect, it } from "vitest";
import { BOT_USERNAME } from "../../../test/support/config";
import { admin, person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";

describe("bot router and roles", () => {
  const t = useTelegramApp();

  describe("happy path", () => {
    it("/start creates the person on first contact and shows the main menu", async () => {
      const ada = person({ first_name: "Ada" });
      await t.send(updates.message(ada, "/start"));
      const user = await t.ctx().deps.users.findByTelegramId(ada.id);
      expect(user).toMatchObject({ firstName: "Ada", username: ada.username });
      expect(t.lastText(ada.id)).toContain("Welcome, Ada");
      const menu = t.lastButtons(ada.id).map((b) => b.callback_data);
      expect(menu).toEqual(expect.arrayContaining(["menu:shop", "menu:status", "menu:help"]));
    });

    it("/start ref_CODE records the referral code on first contact only", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/start ref_FRIEND42"));
      expect((await t.ctx().deps.users.findByTelegramId(ada.id))!.referralCode).toBe("FRIEND42");
      await t.send(updates.message(ada, "/start ref_OTHER"));
      expect((await t.ctx().deps.users.findByTelegramId(ada.id))!.referralCode).toBe("FRIEND42");
    });

    it("a person who never sent /start is created by their first command", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/help"));
      expect(await t.ctx().deps.users.findByTelegramId(ada.id)).toBeDefined();
    });

    it("/help lists the commands of a subscriber, without admin commands", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/help"));
      const text = t.lastText(ada.id);
      expect(text).toContain("/status");
      expect(text).toContain("/region");
      expect(text).not.toContain("Admin");
    });

    it("/help shows admins their admin commands too", async () => {
      const root = admin();
      await t.send(updates.message(root, "/help"));
      expect(t.lastText(root.id)).toContain("<b>Admin</b>");
    });

    it("/cmd@botname works like /cmd; a command for another bot is not ours", async () => {
      const ada = person();
      await t.send(updates.message(ada, `/help@${BOT_USERNAME}`));
      expect(t.lastText(ada.id)).toContain("<b>Commands</b>");
      const before = t.callsTo(ada.id, "sendMessage").length;
      await t.send(updates.message(ada, "/help@some_other_bot"));
      await t.send(updates.message(ada, "/frobnicate@some_other_bot"));
      // Not addressed to this bot: no answer at all (neither the help nor "unknown command").
      expect(t.callsTo(ada.id, "sendMessage")).toHaveLength(before);
    });

    it("commands are case-insensitive: /SHOP is /shop, /Help@BotName is /help", async () => {
      const ada = person();
      await t.tiers();
      await t.send(updates.message(ada, "/SHOP"));
      expect(t.lastText(ada.id)).toContain("/month");
      await t.send(updates.message(ada, `/Help@${BOT_USERNAME.toUpperCase()}`));
      expect(t.lastText(ada.id)).toContain("<b>Commands</b>");
    });

    it("a menu button runs its command", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "menu:help"));
      expect(t.lastText(ada.id)).toContain("<b>Commands</b>");
      expect(t.api.callsOf("answerCallbackQuery")).toHaveLength(1);
    });

    it("/region offers the four regions and a button saves the choice", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/region"));
      expect(t.lastButtons(ada.id).map((b) => b.callback_data)).toEqual([
        "region:GB",
        "region:US",
        "region:EU",
        "region:ASIA",
      ]);
      await t.send(updates.callback(ada, "region:EU"));
      expect((await t.ctx().deps.users.findByTelegramId(ada.id))!.region).toBe("EU");
      expect(t.lastText(ada.id)).toContain("Europe");
    });

    it("/autoapprove on works for a plan that includes it", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/start"));
      const user = (await t.ctx().deps.users.findByTelegramId(ada.id))!;
      await t.ctx().deps.catalog.seedDefaultCatalog();
      const vip = (await t.ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers[1]!;
      await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, vip.id, 30);
      await t.send(updates.message(ada, "/autoapprove on"));
      expect((await t.ctx().deps.users.findById(user.id))!.autoApprove).toBe(true);
      expect(t.lastText(ada.id)).toContain("<b>on</b>");
      await t.send(updates.callback(ada, "auto:off"));
      expect((await t.ctx().deps.users.findById(user.id))!.autoApprove).toBe(false);
    });

    it("/status shows the plan, its features and each period's expiry with a renew button", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/status"));
      expect(t.lastText(ada.id)).toContain("Your plan: <b>Free</b>");
      const user = (await t.ctx().deps.users.findByTelegramId(ada.id))!;
      await t.ctx().deps.catalog.seedDefaultCatalog();
      const premium = (await t.ctx().deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
      await t.ctx().deps.entitlements.adminGrant({ id: user.id }, user.id, premium.id, 30);
      await t.send(updates.message(ada, "/status"));
      const text = t.lastText(ada.id);
      expect(text).toContain("Your plan: <b>Premium</b>");
      expect(text).toContain("Signals: yes");
      expect(text).toMatch(/Premium: until \d+ \w+ \d{4}/);
      expect(t.lastButtons(ada.id)[0]).toEqual({
        text: "Renew Premium",
        callback_data: `shop:t:${premium.id}`,
      });
    });
  });

  describe("errors", () => {
    it("an unknown command gets a short help", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/frobnicate"));
      expect(t.lastText(ada.id)).toContain("I do not know that command");
    });

    it("plain text outside a conversation gets a short help", async () => {
      const ada = person();
      await t.send(updates.message(ada, "hello?"));
      expect(t.lastText(ada.id)).toContain("I did not understand that");
    });

    it("/autoapprove on without the feature is refused with a pointer to /shop", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/autoapprove on"));
      expect(t.lastText(ada.id)).toContain("/shop");
      expect((await t.ctx().deps.users.findByTelegramId(ada.id))!.autoApprove).toBe(false);
    });

    it("a button with unknown data gets a friendly stale-button answer", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "zz:unknown"));
      expect(t.callbackAnswers()).toEqual([expect.stringContaining("no longer valid")]);
    });

    it("a region button with a region that does not exist is refused", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "region:MARS"));
      expect(t.callbackAnswers()).toEqual([expect.stringContaining("no longer valid")]);
      expect((await t.ctx().deps.users.findByTelegramId(ada.id))!.region).toBeNull();
    });
  });

  describe("security", () => {
    it("admin commands are refused to subscribers", async () => {
      const ada = person();
      await t.send(updates.message(ada, "/stats"));
      expect(t.lastText(ada.id)).toContain("only for admins");
    });

    it("an admin menu button is refused to subscribers", async () => {
      const ada = person();
      await t.send(updates.callback(ada, "menu:stats"));
      expect(t.lastText(ada.id)).toContain("only for admins");
    });
  });
});
