/// <reference lib="dom" />

import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { TEST_BOT_TOKEN } from "../support/config";
import { resetDatabase, testDatabase } from "../support/db";
import { createUser, tierId } from "../support/factories";
import { launchBrowser, screenshot, watchPage } from "./browser";
import { launchFragment } from "./launch";

describe("the subscriber Mini App in chromium at 360 px", () => {
  let browser: Browser;
  let ctx: TestApp;
  let url: string;

  beforeAll(async () => {
    await resetDatabase(await testDatabase());
    ctx = await createTestApp({ env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_MODE: "off" } });
    await ctx.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it("signs in with initData, approves a signal and adds a device whose secret is shown once", async () => {
    const { deps } = ctx;
    const { user } = await deps.users.ensureFromTelegram({
      telegramId: 7001,
      username: "sam_trader",
      firstName: "Sam",
    });
    await deps.entitlements.adminGrant({ id: "usr_test_admin" }, user.id, await tierId(deps, "vip"), 30);
    await deps.affiliates.register(user.id);
    const admin = await createUser(deps, { admin: true });
    const published = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/signals",
      headers: admin.headers,
      payload: {
        instrument: "XAUUSD",
        side: "buy",
        orderType: "limit",
        entryPrice: 2400,
        stopLoss: 2380,
        takeProfit: 2450,
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const signalId = published.json().id as string;

    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const watch = watchPage(page);
    await page.goto(`${url}/app${launchFragment(7001, ctx.clock.now())}`);
    await expect.poll(() => page.getByTestId("tier").textContent()).toBe("vip");
    // Telegram's theme colours are applied.
    expect(await page.locator("nav.tabs").evaluate((nav) => getComputedStyle(nav).backgroundColor)).toBe(
      "rgb(23, 33, 43)",
    );
    // Nothing is wider than the phone.
    expect(await page.locator("html").evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(360);

    await page.getByRole("link", { name: "Signals" }).click();
    const card = page.getByTestId(`signal-${signalId}`);
    await card.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => card.getByTestId("decision").textContent()).toBe("approved");
    expect((await deps.signals.approvalOf(signalId, user.id))?.userId).toBe(user.id);

    await page.getByRole("link", { name: "Devices" }).click();
    await page.locator("input[name=deviceName]").fill("mt5-phone");
    await page.getByRole("button", { name: "Add device" }).click();
    const shown = page.getByTestId("device-secret");
    await shown.waitFor();
    const [device] = (await deps.devices.list(user.id)) as { id: string; name: string }[];
    expect(device?.name).toBe("mt5-phone");
    const secret = (await shown.locator("code").nth(1).textContent())!;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await screenshot(page, "miniapp-device-secret");
    await shown.getByRole("button", { name: "I have copied it" }).click();
    await page.getByText("mt5-phone").waitFor();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("link", { name: "Affiliate" }).click();
    await page.getByAltText("QR code of your referral link").waitFor();
    await screenshot(page, "miniapp-affiliate");
    await page.getByRole("link", { name: "Plan" }).click();
    await page.getByTestId("quote").waitFor();
    await screenshot(page, "miniapp-plan", { readme: true });
    watch.check();
  });

  it("opened outside Telegram, or with forged initData, it signs nobody in", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${url}/app`);
    await page.getByText("Open this page from the bot").waitFor();
    const forged = launchFragment(7002, ctx.clock.now()).replace(/hash%3D[0-9a-f]{8}/, "hash%3D00000000");
    await page.goto(`${url}/app${forged}`);
    await page.reload();
    await page.getByText("Sign-in failed").waitFor();
    await screenshot(page, "miniapp-forged");
    expect(await ctx.deps.users.findByTelegramId(7002)).toBeUndefined();
  });
});
