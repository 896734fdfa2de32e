import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { WEB_DIST } from "../../src/modules/console/console.pages";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Each test's screenshots: the folder CI keeps as the browser tests' output. */
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/browser");
/** The README's pictures, refreshed by `UPDATE_SCREENSHOTS=1 npm run test:browser`. */
const README_SHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");

/** Debian's chromium, headless, with nothing that phones home (this machine has no network). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync(path.join(WEB_DIST, "console/index.html"))) {
    throw new Error("web/dist is missing: run `npm run build:web` first");
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * Fails the test on any script error or Content-Security-Policy violation the page reports,
 * so the pages are proven to run under the CSP the server sends.
 */
export function watchPage(page: Page): { problems: string[]; check(): void } {
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/status of 4\d\d/.test(msg.text()))
      problems.push(`console: ${msg.text()}`);
  });
  page.on("dialog", (dialog) => dialog.accept(dialog.type() === "prompt" ? "wire-2026-12" : undefined));
  return { problems, check: () => expect(problems).toEqual([]) };
}

export async function screenshot(page: Page, name: string, opts: { readme?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (opts.readme && process.env.UPDATE_SCREENSHOTS === "1") {
    mkdirSync(README_SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(README_SHOTS, `${name}.png`) });
  }
}
