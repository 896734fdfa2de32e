import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { resetDatabase, testDatabase } from "../support/db";
import { signedInject } from "../support/signed";
import { launchBrowser, screenshot, watchPage } from "./browser";
import { seedBusiness } from "./seed";

/** The operator's console in a real browser, against a real listening app with seeded data. */
describe("the operator console in chromium", () => {
  let browser: Browser;
  let ctx: TestApp;
  let url: string;
  let seeded: Awaited<ReturnType<typeof seedBusiness>>;

  beforeAll(async () => {
    await resetDatabase(await testDatabase());
    ctx = await createTestApp({
      env: { RATE_LIMIT_USER_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" },
    });
    await ctx.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    seeded = await seedBusiness(ctx);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  async function signIn() {
    const made = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/admin/console-links",
      headers: seeded.admin.headers,
    });
    const link = new URL(made.json().url);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(`${url}${link.pathname}${link.search}`);
    return { page, watch, link: `${url}${link.pathname}${link.search}`, context };
  }

  it("signs in by link, shows the overview for 7/30/90 days; the link does not work twice", async () => {
    const { page, watch, link, context } = await signIn();
    await page.waitForURL(`${url}/console`);
    await expect.poll(() => page.getByTestId("revenue-gbp").textContent()).toMatch(/£[\d,]+\.\d\d/);
    await page.locator(".chart canvas").waitFor();
    await screenshot(page, "console-overview", { readme: true });
    await page.getByRole("button", { name: "7 days" }).click();
    await expect.poll(() => page.getByTestId("active-subscribers").textContent()).toContain("Premium");
    await page.getByRole("button", { name: "90 days" }).click();
    await screenshot(page, "console-overview-90");
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: "sd_console", httpOnly: true, sameSite: "Strict" }),
    ]);
    const again = await (await browser.newPage()).goto(link);
    expect(again?.status()).toBe(401);
    watch.check();
  });

  it("publishes a signal with a preview and watches its fan-out change as the device fills", async () => {
    const { page, watch } = await signIn();
    await page.getByRole("link", { name: "Signals" }).click();
    await page.locator("input[name=instrument]").fill("GBPUSD");
    await page.locator("select[name=side]").selectOption("sell");
    await page.locator("input[name=stopLoss]").fill("1.29");
    await page.locator("input[name=takeProfit]").fill("1.25");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect.poll(() => page.getByTestId("signal-preview").textContent()).toContain("GBPUSD SELL market");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.locator(".ok, .error").first().waitFor();
    // Every paying subscriber is a recipient; only Alice (auto-approve) approves at once.
    expect(await page.locator(".ok, .error").first().textContent()).toMatch(
      /^Published GBPUSD to \d+ recipient\(s\)\.$/,
    );
    await page.getByRole("button", { name: "GBPUSD sell market" }).click();
    await expect.poll(() => page.getByTestId("fanout-approved").textContent()).toBe("Approved1");
    expect(await page.getByTestId("fanout-silent-devices").textContent()).toBe("Silent devices1");
    const signals = await ctx.app.inject({
      method: "GET",
      url: "/api/v1/signals",
      headers: seeded.admin.headers,
    });
    const signalId = signals.json().items[0].id;
    const fill = await signedInject(ctx.app, ctx.clock, seeded.alice.signer, {
      method: "POST",
      url: "/api/v1/device/fill",
      body: { signalId, price: 1.2741, volume: 0.2, brokerTicket: "9001" },
    });
    expect(fill.statusCode, fill.body).toBe(201);
    await expect
      .poll(() => page.getByTestId("fanout-filled").textContent(), { timeout: 10_000 })
      .toBe("Filled1");
    expect(await page.getByTestId("fanout-silent-devices").textContent()).toBe("Silent devices0");
    expect(await page.content()).not.toContain(seeded.alice.signer.secret);
    await screenshot(page, "console-signal-fanout");
    watch.check();
  });

  it("approves an affiliate's first payout, then completes it from the queue", async () => {
    const { page, watch } = await signIn();
    await page.getByRole("link", { name: "Affiliates" }).click();
    const row = page.getByTestId("payouts").locator("tr", { hasText: seeded.payoutId });
    await expect.poll(() => row.textContent()).toContain("First payout: approve before paying");
    await row.getByRole("button", { name: "Approve" }).click();
    await row.getByRole("button", { name: "Complete" }).click();
    await row.waitFor({ state: "detached" });
    const payouts = await ctx.app.inject({
      method: "GET",
      url: "/api/v1/admin/payouts?status=paid",
      headers: seeded.admin.headers,
    });
    expect(payouts.json().items).toEqual([expect.objectContaining({ id: seeded.payoutId, status: "paid" })]);
    await screenshot(page, "console-payouts");
    watch.check();
  });

  it("moves a position's stop loss and closes it, each after a confirmation, and shows each device's result", async () => {
    const published = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/signals",
      headers: seeded.admin.headers,
      payload: { instrument: "USDJPY", side: "buy", orderType: "market", stopLoss: 148, takeProfit: 152 },
    });
    expect(published.statusCode, published.body).toBe(201);
    const signalId = published.json().id as string;
    const device = seeded.alice.signer;
    const fill = await signedInject(ctx.app, ctx.clock, device, {
      method: "POST",
      url: "/api/v1/device/fill",
      body: { signalId, price: 150.12, volume: 0.5, brokerTicket: "7001" },
    });
    expect(fill.statusCode, fill.body).toBe(201);
    /** The device's side: the update its poll carries, reported back. */
    async function deviceApplies(result: Record<string, unknown>) {
      const poll = await signedInject(ctx.app, ctx.clock, device, {
        method: "GET",
        url: "/api/v1/device/poll",
      });
      const [update] = poll.json().updates as { updateId: string }[];
      const report = await signedInject(ctx.app, ctx.clock, device, {
        method: "POST",
        url: "/api/v1/device/update-result",
        body: { updateId: update!.updateId, ...result },
      });
      expect(report.statusCode, report.body).toBe(201);
    }

    const { page, watch } = await signIn();
    await page.getByRole("link", { name: "Signals" }).click();
    await page.getByRole("button", { name: "USDJPY buy market" }).click();
    const position = page.getByTestId("position");
    await expect.poll(() => position.textContent(), { timeout: 10_000 }).toContain("filled on 1 device(s)");

    await position.locator("input[name=newStopLoss]").fill("149.5");
    await position.getByRole("button", { name: "Review update" }).click();
    await expect
      .poll(() => position.getByTestId("update-preview").textContent())
      .toBe("Move the USDJPY stop loss to 149.5");
    // Nothing is sent before the confirmation.
    expect(
      (await ctx.deps.signals.get({ id: seeded.admin.user.id, role: "admin" }, signalId)).updates,
    ).toEqual([]);
    await position.getByRole("button", { name: "Send update" }).click();
    await expect.poll(() => position.getByTestId("updates").textContent()).toContain("#1modify");
    await deviceApplies({ status: "applied" });
    await expect
      .poll(() => position.getByTestId("update-results").textContent(), { timeout: 10_000 })
      .toBe("Applied 1 · failed 0");

    await position.locator("select[name=updateAction]").selectOption("close");
    await position.getByRole("button", { name: "Review update" }).click();
    await expect
      .poll(() => position.getByTestId("update-preview").textContent())
      .toBe("Close the whole USDJPY position");
    await position.getByRole("button", { name: "Close it" }).click();
    await expect.poll(() => position.getByTestId("position-status").textContent()).toBe("closed");
    await deviceApplies({ status: "failed", errorCode: 10018, errorMessage: "Market is closed" });
    await expect
      .poll(() => position.getByTestId("update-results").textContent(), { timeout: 10_000 })
      .toBe("Applied 1 · failed 1");
    expect(await position.getByTestId("update-devices").textContent()).toContain("failed: Market is closed");
    expect(await position.getByRole("button", { name: "Review update" }).count()).toBe(0);
    await screenshot(page, "console-position-closed");
    watch.check();
  });

  it("refunds a paid order after a confirmation: the order is refunded and the period it paid for revoked", async () => {
    const paid = await ctx.app.inject({
      method: "GET",
      url: "/api/v1/admin/orders?status=paid&limit=1",
      headers: seeded.admin.headers,
    });
    const order = paid.json().items[0] as { id: string; userId: string };
    expect(await ctx.deps.entitlements.tierOf(order.userId)).not.toBe("free");
    const { page, watch } = await signIn();
    await page.getByRole("link", { name: "Orders" }).click();
    const row = page.getByTestId(`order-${order.id}`);
    await row.getByRole("button", { name: "Refund" }).click();
    await expect
      .poll(() => page.getByTestId("refund-preview").textContent())
      .toMatch(new RegExp(`^Refund .+ of order ${order.id}\\?$`));
    expect((await ctx.deps.orders.findById(order.id))!.status).toBe("paid");
    await page.getByRole("alertdialog").getByRole("button", { name: "Refund" }).click();
    await expect.poll(() => row.getByTestId("status").textContent()).toBe("refunded");
    expect((await ctx.deps.orders.findById(order.id))!.status).toBe("refunded");
    expect(await ctx.deps.entitlements.tierOf(order.userId)).toBe("free");
    await screenshot(page, "console-order-refunded");
    watch.check();
  });

  it("searches a user and revokes a period", async () => {
    const { page, watch } = await signIn();
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByLabel("Search users").fill(String(seeded.alice.user.telegramId));
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: `@${seeded.alice.user.username}` }).click();
    const periods = page.getByTestId("periods");
    await periods.getByText("active").waitFor();
    await periods.getByRole("button", { name: "Revoke" }).click();
    await periods.getByText(/^revoked/).waitFor();
    expect(await ctx.deps.entitlements.tierOf(seeded.alice.user.id)).toBe("free");
    expect(await page.content()).not.toContain(seeded.alice.signer.secret);
    await screenshot(page, "console-user-revoked");
    watch.check();
  });
});
