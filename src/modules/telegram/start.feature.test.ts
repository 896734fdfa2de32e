import { describe, expect, it } from "vitest";
import { person, updates } from "../../../test/support/factories";
import { useTelegramApp } from "../../../test/support/telegram";

describe("/start opens the Mini App when the service has an https address", () => {
  const t = useTelegramApp({ PUBLIC_URL: "https://signals.example.com" });

  it("the main menu carries a web_app button to PUBLIC_URL/app", async () => {
    const someone = person();
    await t.send(updates.message(someone, "/start"));
    const sent = t.callsTo(someone.id, "sendMessage").at(-1)!;
    const rows = (
      sent.params.reply_markup as { inline_keyboard: { text: string; web_app?: { url: string } }[][] }
    ).inline_keyboard;
    expect(rows[0]).toEqual([
      { text: "📱 Open the app", web_app: { url: "https://signals.example.com/app" } },
    ]);
  });
});
