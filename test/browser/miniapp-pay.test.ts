/// <reference lib="dom" />

import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramApi } from "../fakes/telegram-api";
import { createTestApp, type TestApp } from "../support/app";
import { BOT_USERNAME, TEST_BOT_TOKEN, TEST_WEBHOOK_SECRET } from "../support/config";
import { resetDatabase, testDatabase } from "../support/db";
import { type Person, updates } from "../support/factories";
import { signedInject } from "../support/signed";
import { launchBrowser, screenshot, watchPage } from "./browser";
import { launchFragment, TELEGRAM_PROXY } from "./launch";

declare global {
  interface Window {
    __telegramEvents: { type: string; data: Record<string, unknown> | null }[];
    Telegram: { WebView: { receiveEvent(type: string, data: unknown): void } };
  }
}

/** The Mini App inside a (simulated) Telegram: Stars payments and device settings. */
describe("the Mini App pays with Stars and edits device settings, in chromium at 360 px", () => {
  const api = new FakeTelegramApi();
  let browser: Browser;
  let ctx: TestApp;
  let url: string;

  beforeAll(async () => {
    await resetDatabase(await testDatabase());
    await api.start();
    api.botUsername = BOT_USERNAME;
    ctx = await createTestApp({
      env: {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_BOT_USERNAME: BOT_USERNAME,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_API_ROOT: api.url,
      },
    });
    await ctx.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    await ctx.deps.catalog.seedDefaultCatalog();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
    await api.stop();
  });

  /** Telegram delivering an update to the bot's webhook, handled before this returns. */
  async function deliver(update: object) {
    const res = await ctx.app.inject({
      method: "POST",
      url: "/telegram/webhook",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET },
      payload: JSON.stringify(update),
    });
    expect(res.statusCode).toBe(200);
    await ctx.deps.telegram!.intake.settled();
  }

  async function openApp(telegramId: number) {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    await page.addInitScript(TELEGRAM_PROXY);
    const watch = watchPage(page);
    await page.goto(`${url}/app${launchFragment(telegramId, ctx.clock.now())}`);
    return { page, watch };
  }

  it("Pay with Stars opens Telegram's invoice sheet; once the bot has the payment the plan is active", async () => {
    const sam: Person = { id: 7201, first_name: "Sam", username: "sam_trader", language_code: "en" };
    const { page, watch } = await openApp(sam.id);
    await expect.poll(() => page.getByTestId("tier").textContent()).toBe("free");
    await page.getByTestId("quote").waitFor();

    // A first sheet the buyer closes without paying.
    await page.getByRole("button", { name: "Pay with Stars" }).click();
    const opened = () =>
      page.evaluate(() => window.__telegramEvents.filter((e) => e.type === "web_app_open_invoice"));
    await expect.poll(async () => (await opened()).length).toBe(1);
    const first = (await opened())[0]!.data as { slug: string };
    await page.evaluate(
      (slug) => window.Telegram.WebView.receiveEvent("invoice_closed", { slug, status: "cancelled" }),
      first.slug,
    );
    await expect
      .poll(() => page.getByTestId("stars-result").textContent())
      .toBe("Payment cancelled; nothing was charged.");

    // The second sheet is paid: Telegram asks the bot (pre-checkout), pays, and tells the app.
    await page.getByRole("button", { name: "Pay with Stars" }).click();
    await expect.poll(async () => (await opened()).length).toBe(2);
    const { slug } = (await opened())[1]!.data as { slug: string };
    const invoice = api.invoiceLinks.get(slug)!;
    const orderId = String(invoice.payload);
    const [price] = invoice.prices as { label: string; amount: number }[];
    expect(invoice).toMatchObject({ currency: "XTR" });
    expect(price!.amount).toBe((await ctx.deps.orders.findById(orderId))!.starsAmount);
    await deliver(updates.preCheckout(sam, orderId, price!.amount));
    expect(api.callsOf("answerPreCheckoutQuery").at(-1)!.params).toMatchObject({ ok: true });
    await deliver(updates.payment(sam, orderId, price!.amount, `charge-${orderId}`));
    await page.evaluate(
      (s) => window.Telegram.WebView.receiveEvent("invoice_closed", { slug: s, status: "paid" }),
      slug,
    );

    await expect
      .poll(() => page.getByTestId("stars-result").textContent())
      .toBe("Paid with Stars: your plan is active.");
    await expect.poll(() => page.getByTestId("tier").textContent()).toBe("premium");
    expect((await ctx.deps.orders.findById(orderId))!).toMatchObject({ status: "paid", provider: "stars" });
    await screenshot(page, "miniapp-stars-paid");
    watch.check();
  });

  it("a device's settings: sizing, cap, symbols and pause, refused outside the EA's ranges, saved as a new version", async () => {
    const { user } = await ctx.deps.users.ensureFromTelegram({
      telegramId: 7202,
      username: "dee",
      firstName: "Dee",
    });
    const { device, secret } = await ctx.deps.devices.register(user.id, "mt5-vps");
    const hello = await signedInject(
      ctx.app,
      ctx.clock,
      { id: device.id, secret },
      {
        method: "POST",
        url: "/api/v1/device/hello",
        body: {
          account: { login: "5012345", server: "ICMarkets-Live07" },
          client: { name: "signaldesk-ea", version: "1.4.2" },
        },
      },
    );
    expect(hello.statusCode, hello.body).toBe(200);
    const { page, watch } = await openApp(7202);
    await page.getByRole("link", { name: "Devices" }).click();
    const card = page.getByTestId(`device-${device.id}`);
    await expect
      .poll(() => card.textContent())
      .toContain("MT5 5012345 · ICMarkets-Live07 · signaldesk-ea 1.4.2");
    await card.getByRole("button", { name: "Settings" }).click();
    const form = card.getByTestId("device-settings");
    await expect.poll(() => form.locator("input[name=sizingValue]").inputValue()).toBe("0.01");

    // 50% of equity at risk is beyond what the EA trades with: the server says why, nothing saved.
    await form.locator("select[name=sizingMode]").selectOption("risk_percent");
    await form.locator("input[name=sizingValue]").fill("50");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => form.locator(".error").textContent()).toMatch(/^sizing\.value: /);

    await form.locator("input[name=sizingValue]").fill("1.5");
    await form.locator("input[name=maxLots]").fill("2");
    await form.locator("input[name=symbolSuffix]").fill(".m");
    await form.locator("textarea[name=symbolMap]").fill("xauusd=GOLD.m");
    await form.locator("input[name=paused]").check();
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => form.getByTestId("settings-saved").textContent()).toContain("version 2");
    const saved = await ctx.app.inject({
      method: "GET",
      url: `/api/v1/devices/${device.id}/settings`,
      headers: { authorization: `Bearer ${await ctx.deps.tokens.issue(user.id)}` },
    });
    expect(saved.json()).toEqual({
      version: 2,
      sizing: { mode: "risk_percent", value: 1.5 },
      maxLots: 2,
      symbolMap: { XAUUSD: "GOLD.m" },
      symbolSuffix: ".m",
      maxSlippagePoints: 30,
      maxEntryDeviationPct: null,
      paused: true,
    });
    expect(await page.content()).not.toContain(secret);
    await screenshot(page, "miniapp-device-settings");
    watch.check();
  });
});
