import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

const BOT = "signaldesk_landing_bot";

describe("GET /?ref=CODE (the affiliate's web link)", () => {
  const ctx = useTestApp({ env: { TELEGRAM_BOT_USERNAME: BOT } });

  async function affiliate() {
    const person = await createUser(ctx().deps);
    const res = await ctx().app.inject({
      method: "POST",
      url: "/api/v1/affiliates",
      headers: person.headers,
    });
    expect(res.statusCode).toBe(201);
    return { ...person, code: res.json().code as string, links: res.json().links };
  }

  const stats = async (headers: Record<string, string>) =>
    (await ctx().app.inject({ method: "GET", url: "/api/v1/affiliates/me", headers })).json().stats;

  describe("happy path", () => {
    it("counts the visit and sends the visitor to the bot with the code", async () => {
      const { code, links, headers } = await affiliate();
      const web = new URL(links.web);
      const res = await ctx().app.inject({ method: "GET", url: `${web.pathname}${web.search}` });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(`https://t.me/${BOT}?start=ref_${code}`);
      expect(res.headers.location).toBe(links.telegram);
      expect((await stats(headers)).visits).toBe(1);
      // Typed by hand in lower case: the same code.
      const typed = await ctx().app.inject({ method: "GET", url: `/?ref=${code.toLowerCase()}` });
      expect(typed.headers.location).toBe(links.telegram);
      expect((await stats(headers)).visits).toBe(2);
      // A visit is not a referral: attribution waits for the bot's /start.
      expect((await stats(headers)).referrals).toBe(0);
    });
  });

  describe("errors", () => {
    it("sends an unknown or malformed code to the bot plain and counts nothing", async () => {
      const { headers } = await affiliate();
      for (const url of ["/?ref=ZZZZZZZZ", "/?ref=%3Cb%3E", "/"]) {
        const res = await ctx().app.inject({ method: "GET", url });
        expect(res.statusCode, url).toBe(302);
        expect(res.headers.location).toBe(`https://t.me/${BOT}`);
      }
      expect((await stats(headers)).visits).toBe(0);
    });
  });
});

describe("GET / without a bot", () => {
  const ctx = useTestApp();

  it("answers a page instead of a redirect to nowhere", async () => {
    const res = await ctx().app.inject({ method: "GET", url: "/?ref=ABCDEFGH" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toContain("signaldesk");
  });
});
