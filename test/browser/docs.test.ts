import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { launchBrowser, watchPage } from "./browser";

describe("the API docs (/docs) in chromium", () => {
  let browser: Browser;
  let ctx: TestApp;
  let url: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    await ctx.app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it("renders every operation under its CSP, with no violation and nothing fetched elsewhere", async () => {
    const page = await browser.newPage();
    const watch = watchPage(page);
    const elsewhere: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(url) && !req.url().startsWith("data:")) elsewhere.push(req.url());
    });
    await page.goto(`${url}/docs/`);
    await expect.poll(() => page.locator(".opblock").count(), { timeout: 30_000 }).toBeGreaterThan(50);
    await page.locator(".opblock-summary").first().click();
    await page.locator(".opblock-body").first().waitFor();
    expect(elsewhere).toEqual([]);
    watch.check();
  });
});
