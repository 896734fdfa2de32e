import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FakeStripe,
  signedWebhook,
  TEST_STRIPE_SECRET_KEY,
  TEST_STRIPE_WEBHOOK_SECRET,
} from "../fakes/stripe";
import { FakeTelegramApi, type RecordedCall } from "../fakes/telegram-api";
import { TEST_BOT_TOKEN } from "../support/config";
import { freshServerDatabase } from "../support/db";
import { chatUpdates, person, updates } from "../support/factories";
import { freePort, type GroupServerProcess, startServerProcess } from "../support/process";
import { type PythonRun, runPythonDevice } from "../support/python";
import { describeLeaks, leaksInProcessOutput } from "../support/secrets";
import { buttonsOf, eventually, http, initDataFor, roundDiv, signedHttp } from "./support/journey-http";

/**
 * The whole business in one pass, against the service as an operator runs it (`npm start`),
 * driven over HTTP only: the catalog edited by an admin, an affiliate's referral arriving through
 * the bot, a Stripe purchase, a device, a producer's signal approved in the bot, executed by the
 * Python reference client, and everything still there after a graceful restart.
 */

const EXIT_RECORDER = path.join(import.meta.dirname, "support/journey-exit-recorder.mjs");
const WEBHOOK_SECRET = "e2e-journey-webhook-secret-0123456789";
const BOT_USERNAME = "signaldesk_journey_bot";
const ADMIN = { id: 7_700_001, first_name: "Olga", username: "olga_admin" };
/** The operator's private channel, sold with the Premium plan. */
const CHANNEL = { id: -1001770000001, type: "channel" as const, title: "Journey VIP" };

/** The edited Premium price (GBP minor units) and the order the journey buys with it. */
const PREMIUM_PRICE = 3450;
const ORDER = { months: 1, region: "EU" as const };

/** SPEC §Pricing for one month in the EU, referred: FX 1.17, markup 2 %, affiliate 10 %. */
function expectedEuTotal(priceGbp: number): number {
  const base = roundDiv(BigInt(priceGbp) * 117n, 100n);
  const markup = roundDiv(base * 2n, 100n);
  const s1 = base + markup;
  const affiliate = roundDiv(s1 * 10n, 100n);
  return Number(s1 - affiliate);
}
/** SPEC §Affiliates: the total back in GBP at the locked rate (1.17), then bronze 10 %. */
function expectedCommission(totalEur: number): number {
  const baseGbp = roundDiv(BigInt(totalEur) * 100n, 117n);
  return Number(roundDiv(baseGbp * 1000n, 10_000n));
}

interface Variant {
  name: string;
  embedded: boolean;
  /** Environment for the server and a clean-up once the variant is done. */
  setup: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;
}

const variants: Variant[] = [
  { name: "embedded PGlite", embedded: true, setup: async () => ({ env: {}, cleanup: async () => {} }) },
];
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
if (TEST_DATABASE_URL) {
  variants.push({
    name: "PostgreSQL",
    embedded: false,
    setup: async () => {
      const db = await freshServerDatabase(TEST_DATABASE_URL, "e2e_journey");
      return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
    },
  });
}

for (const variant of variants) {
  describe(`the journey through npm start (${variant.name})`, () => {
    const telegram = new FakeTelegramApi();
    const stripe = new FakeStripe();
    const dataDir = mkdtempSync(path.join(tmpdir(), "sd-e2e-journey-"));
    const exitLog = path.join(mkdtempSync(path.join(tmpdir(), "sd-e2e-journey-exits-")), "exits.jsonl");
    /** Every server process this variant started: each is killed (group) in afterAll. */
    const servers: GroupServerProcess[] = [];
    const pythonPids: number[] = [];
    let server: GroupServerProcess;
    let env: Record<string, string>;
    let port: number;
    let cleanup = async () => {};
    let base = "";

    // What the journey learns along the way, checked again after the restart.
    const secrets: Record<string, string> = {};
    const affiliatePerson = person({ first_name: "Aff" });
    const buyer = person({ first_name: "Bea" });
    let adminToken = "";
    let affiliateToken = "";
    let buyerToken = "";
    let premiumTierId = "";
    let affiliateCode = "";
    let buyerUserId = "";
    let orderId = "";
    let sessionId = "";
    let orderTotal = 0;
    let device = { id: "", secret: "" };
    let producer = { id: "", secret: "" };
    let signalId = "";
    let commission = 0;
    // The Python client's open positions, kept across its runs as a terminal keeps them.
    const deviceState = path.join(mkdtempSync(path.join(tmpdir(), "sd-e2e-device-")), "positions.json");

    const start = async () => {
      server = await startServerProcess(env, 120_000, { command: ["npm", "start"], detached: true, port });
      servers.push(server);
      base = server.url;
    };
    /**
     * Ctrl-C in a terminal: the signal goes to the whole process group (npm, sh, node). npm's own
     * status is the shell's (dash dies of the signal, npm re-raises it), so the server's exit code
     * comes from the exit recorder; the server must exit 0 and leave no process behind.
     */
    const stopGracefully = async () => {
      const before = serverExits().length;
      server.stop("SIGTERM");
      const npm = await server.exitedWith;
      await server.groupGone(60_000);
      expect(npm.code === 0 || (npm.code === null && npm.signal === "SIGTERM"), JSON.stringify(npm)).toBe(
        true,
      );
      const exits = serverExits();
      expect(exits).toHaveLength(before + 1);
      expect(exits.at(-1)!.code).toBe(0);
      const lines = server.output().split("\n");
      expect(lines.some((l) => l.includes('"msg":"signaldesk stopped"'))).toBe(true);
      expect(lines.some((l) => l.includes("shutdown failed"))).toBe(false);
      // The embedded database's DATA_DIR lock is released (PostgreSQL takes none).
      if (variant.embedded) expect(existsSync(path.join(dataDir, "signaldesk.lock"))).toBe(false);
    };
    /** Exits of the server process itself (node bin/signaldesk.js start), oldest first. */
    const serverExits = (): { pid: number; code: number }[] =>
      (existsSync(exitLog) ? readFileSync(exitLog, "utf8") : "")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { pid: number; argv: string[]; code: number })
        .filter((e) => e.argv.some((a) => a.endsWith("bin/signaldesk.js")) && e.argv.includes("start"));
    const sendUpdate = async (update: unknown) => {
      const res = await http(base, "POST", "/telegram/webhook", {
        body: update,
        headers: { "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
      });
      expect(res.status).toBe(200);
    };
    const sentTo = (chatId: number, method = "sendMessage"): RecordedCall[] =>
      telegram.calls.filter((c) => c.method === method && Number(c.params.chat_id) === chatId);
    const messageTo = (chatId: number, what: string, match: (text: string) => boolean) =>
      eventually(what, () => sentTo(chatId).find((c) => match(String(c.params.text ?? ""))), 60_000);
    const signIn = async (who: { id: number; first_name: string; username?: string }) => {
      const res = await http(base, "POST", "/api/v1/auth/telegram", {
        body: { initData: initDataFor(who, TEST_BOT_TOKEN) },
      });
      expect(res.status).toBe(200);
      expect(res.body.tokenType).toBe("Bearer");
      return res.body as {
        accessToken: string;
        user: { id: string; role: string; referredBy: string | null };
      };
    };

    beforeAll(async () => {
      await telegram.start();
      telegram.botUsername = BOT_USERNAME;
      telegram.botId = Number(TEST_BOT_TOKEN.split(":")[0]);
      telegram.addChat(CHANNEL.id, { title: CHANNEL.title });
      await stripe.start();
      const prepared = await variant.setup();
      cleanup = prepared.cleanup;
      port = await freePort();
      env = {
        ...prepared.env,
        DATA_DIR: dataDir,
        HOST: "127.0.0.1",
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: "info",
        ADMIN_TELEGRAM_IDS: String(ADMIN.id),
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_BOT_USERNAME: BOT_USERNAME,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        TELEGRAM_API_ROOT: telegram.url,
        ...stripe.env(),
        RATE_LIMIT_IP_PER_MINUTE: "100000",
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${EXIT_RECORDER}`.trim(),
        SIGNALDESK_E2E_EXIT_LOG: exitLog,
      };
      await start();
    });

    afterAll(async () => {
      for (const pid of pythonPids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      for (const s of servers) {
        s.stop("SIGKILL");
        if (s.child.exitCode === null && s.child.signalCode === null) await s.exited;
      }
      await telegram.stop();
      await stripe.stop();
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(path.dirname(exitLog), { recursive: true, force: true });
    });

    it("the admin signs in with Mini App initData and edits a price; the catalog shows it", async () => {
      const admin = await signIn(ADMIN);
      expect(admin.user.role).toBe("admin");
      adminToken = admin.accessToken;

      const before = await http(base, "GET", "/api/v1/catalog");
      expect(before.status).toBe(200);
      const premium = before.body.categories[0].products[0].tiers.find(
        (t: { level: string }) => t.level === "premium",
      );
      expect(premium.monthlyPriceMinor).toBe(2900);
      premiumTierId = premium.id;

      const patched = await http(base, "PATCH", `/api/v1/admin/catalog/tiers/${premiumTierId}`, {
        token: adminToken,
        body: { monthlyPriceMinor: PREMIUM_PRICE },
      });
      expect(patched.status).toBe(200);
      const after = await http(base, "GET", "/api/v1/catalog");
      const tiers = after.body.categories[0].products[0].tiers;
      expect(tiers.find((t: { id: string }) => t.id === premiumTierId).monthlyPriceMinor).toBe(PREMIUM_PRICE);

      // Someone else cannot do the same.
      const stranger = await signIn(person({ first_name: "Eve" }));
      const refused = await http(base, "PATCH", `/api/v1/admin/catalog/tiers/${premiumTierId}`, {
        token: stranger.accessToken,
        body: { monthlyPriceMinor: 1 },
      });
      expect(refused.status).toBe(403);
    });

    it("an affiliate signs in and registers, and gets a code and a bot link", async () => {
      const signed = await signIn(affiliatePerson);
      affiliateToken = signed.accessToken;
      const res = await http(base, "POST", "/api/v1/affiliates", { token: affiliateToken });
      expect(res.status).toBe(201);
      affiliateCode = res.body.code;
      expect(affiliateCode).toMatch(/\S+/);
      expect(res.body).toMatchObject({ tier: "bronze", rateBps: 1000 });
      expect(res.body.links.telegram).toBe(`https://t.me/${BOT_USERNAME}?start=ref_${affiliateCode}`);
    });

    it("the admin links the private channel to the Premium plan, with signal posts", async () => {
      const res = await http(base, "POST", "/api/v1/admin/channels", {
        token: adminToken,
        body: { chatId: String(CHANNEL.id), minTier: "premium", postSignals: true },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: CHANNEL.title, type: "channel", active: true });
    });

    it("a user arrives through the bot with /start ref_<code>: created, attributed, greeted", async () => {
      const start = updates.message(buyer, `/start ref_${affiliateCode}`);
      const forged = await http(base, "POST", "/telegram/webhook", {
        body: start,
        headers: { "x-telegram-bot-api-secret-token": `${WEBHOOK_SECRET}x` },
      });
      expect(forged.status).toBe(401);
      await sendUpdate(start);
      const greeting = await messageTo(buyer.id, "the /start reply", (t) => t.includes("Welcome"));
      expect(String(greeting.params.text)).toContain(buyer.first_name);
      expect(greeting.token).toBe(TEST_BOT_TOKEN);

      const signed = await signIn(buyer);
      buyerToken = signed.accessToken;
      buyerUserId = signed.user.id;
      expect(signed.user.referredBy).toBe(affiliateCode);
      const me = await http(base, "GET", "/api/v1/me", { token: buyerToken });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ telegramId: buyer.id, referredBy: affiliateCode, tier: "free" });
      const stats = await http(base, "GET", "/api/v1/affiliates/me", { token: affiliateToken });
      expect(stats.body.stats).toMatchObject({ referrals: 1, conversions: 0 });
    });

    it("the user buys the edited tier through Stripe; the webhook pays it and the bot says so", async () => {
      const order = await http(base, "POST", "/api/v1/orders", {
        token: buyerToken,
        body: { tierId: premiumTierId, ...ORDER },
      });
      expect(order.status).toBe(201);
      orderId = order.body.id;
      orderTotal = expectedEuTotal(PREMIUM_PRICE);
      expect(order.body).toMatchObject({ status: "pending", currency: "EUR", totalMinor: orderTotal });
      expect(order.body.quote.lines.map((l: { code: string }) => l.code)).toContain("affiliate_discount");

      const checkout = await http(base, "POST", `/api/v1/orders/${orderId}/checkout`, {
        token: buyerToken,
        body: { provider: "stripe" },
      });
      expect(checkout.status).toBe(200);
      expect(checkout.body.provider).toBe("stripe");
      sessionId = checkout.body.sessionId as string;
      const created = stripe.callsTo("/v1/checkout/sessions");
      expect(created).toHaveLength(1);
      expect(created[0]!.authorization).toBe(`Bearer ${TEST_STRIPE_SECRET_KEY}`);
      expect(created[0]!.params).toMatchObject({
        mode: "payment",
        client_reference_id: orderId,
        "metadata[orderId]": orderId,
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": String(orderTotal),
      });
      expect(checkout.body.url).toBe(stripe.sessions.get(sessionId)!.url);

      const { payload, headers } = signedWebhook(
        stripe.sessionEvent("checkout.session.completed", sessionId),
      );
      const forged = await http(base, "POST", "/api/v1/webhooks/stripe", {
        raw: payload,
        headers: { ...headers, "stripe-signature": "t=1,v1=00" },
      });
      expect(forged.status).toBe(400);
      const hook = await http(base, "POST", "/api/v1/webhooks/stripe", { raw: payload, headers });
      expect(hook.status).toBe(200);

      const paid = await http(base, "GET", `/api/v1/orders/${orderId}`, { token: buyerToken });
      expect(paid.body).toMatchObject({ status: "paid", provider: "stripe" });
      const ent = await http(base, "GET", "/api/v1/me/entitlements", { token: buyerToken });
      expect(ent.body.tier).toBe("premium");
      expect(ent.body.features).toMatchObject({ signals: true, maxDevices: 1 });
      expect(ent.body.items).toEqual([
        expect.objectContaining({ tierId: premiumTierId, source: { orderId }, active: true }),
      ]);
      const note = await messageTo(buyer.id, "the payment notification", (t) =>
        t.includes("Payment received"),
      );
      expect(String(note.params.text)).toContain(orderId);
    });

    it("after paying, the buyer gets a personal join link; their join request is approved", async () => {
      const links = await messageTo(buyer.id, "the channel links after payment", (t) =>
        t.includes("Your channels"),
      );
      const join = buttonsOf(links).find((b) => b.url);
      expect(join?.url).toBe(telegram.chats.get(CHANNEL.id)!.links[0]);
      expect(telegram.callsOf("createChatInviteLink")[0]!.params).toMatchObject({
        creates_join_request: true,
      });

      telegram.requestJoin(CHANNEL.id, buyer.id);
      await sendUpdate(chatUpdates.joinRequest(CHANNEL, buyer));
      await eventually(
        "the join request approved",
        () => telegram.statusIn(CHANNEL.id, buyer.id) === "member" || undefined,
      );
      expect(telegram.callsOf("approveChatJoinRequest").map((c) => Number(c.params.user_id))).toEqual([
        buyer.id,
      ]);
      const mine = await http(base, "GET", "/api/v1/me/channels", { token: buyerToken });
      expect(mine.body.items).toEqual([expect.objectContaining({ title: CHANNEL.title, access: "member" })]);
    });

    it("the user registers a device; its secret is shown once", async () => {
      const res = await http(base, "POST", "/api/v1/devices", {
        token: buyerToken,
        body: { name: "mt5-main" },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: "mt5-main", online: false, lastSeenAt: null });
      device = { id: res.body.id, secret: res.body.secret };
      expect(device.secret.length).toBeGreaterThanOrEqual(32);
      secrets.device = device.secret;
      const listed = await http(base, "GET", "/api/v1/devices", { token: buyerToken });
      expect(listed.body.items).toHaveLength(1);
      expect(JSON.stringify(listed.body)).not.toContain(device.secret);
    });

    it("the admin creates a producer, which publishes a signed signal; the user is asked in the bot", async () => {
      const created = await http(base, "POST", "/api/v1/admin/producers", {
        token: adminToken,
        body: { name: "journey-strategy" },
      });
      expect(created.status).toBe(201);
      producer = { id: created.body.id, secret: created.body.secret };
      secrets.producer = producer.secret;

      const signal = {
        externalId: "journey-1",
        instrument: "EURUSD",
        side: "buy",
        orderType: "limit",
        entryPrice: 1.085,
        stopLoss: 1.08,
        takeProfit: 1.1,
        volume: 0.2,
        ttlSeconds: 3600,
      };
      const forged = await signedHttp(
        base,
        { ...producer, secret: `${producer.secret}x`, idHeader: "x-producer-id" },
        "POST",
        "/api/v1/signals",
        signal,
      );
      expect(forged.status).toBe(401);
      const published = await signedHttp(
        base,
        { ...producer, idHeader: "x-producer-id" },
        "POST",
        "/api/v1/signals",
        signal,
      );
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({ status: "open", recipients: 1, instrument: "EURUSD" });
      signalId = published.body.id;

      const asked = await messageTo(buyer.id, "the new-signal message", (t) => t.includes("New signal"));
      const labels = buttonsOf(asked).map((b) => b.text);
      expect(labels.some((l) => l.includes("Approve"))).toBe(true);
      expect(labels.some((l) => l.includes("Reject"))).toBe(true);
      // Nobody else was addressed: not the admin, not the affiliate.
      expect(sentTo(ADMIN.id).some((c) => String(c.params.text).includes("New signal"))).toBe(false);
      expect(sentTo(affiliatePerson.id).some((c) => String(c.params.text).includes("New signal"))).toBe(
        false,
      );
      const listed = await http(base, "GET", "/api/v1/signals", { token: buyerToken });
      expect(listed.body.items[0]).toMatchObject({ id: signalId, decision: "pending" });

      const post = await eventually(
        "the signal's channel post",
        () => [...telegram.chats.get(CHANNEL.id)!.messages.values()][0],
      );
      expect(post.text).toBe("🟢 <b>EURUSD</b> BUY LIMIT\nEntry: 1.085\nSL: 1.08\nTP: 1.1");
    });

    it("the user approves in the bot; the Python client is woken, ACKs and fills; the bot reports the fill", async () => {
      const asked = sentTo(buyer.id).find((c) => String(c.params.text).includes("New signal"))!;
      const approve = buttonsOf(asked).find((b) => b.text.includes("Approve"))!;
      expect(approve.callback_data).toContain(signalId);

      // The device long-polls first, so the approval has to wake it.
      const python = runPythonDevice(
        [
          ...["--url", base, "--device-id", device.id, `--secret=${device.secret}`],
          ...["--wait", "30", "--once", "--state", deviceState],
        ],
        (pid) => pythonPids.push(pid),
      );
      await eventually("the device's first signed poll", async () => {
        const d = await http(base, "GET", `/api/v1/devices/${device.id}`, { token: buyerToken });
        return d.body.lastSeenAt ? d.body : undefined;
      });

      // The fake numbers the messages it sends 1, 2, 3…: this is the id Telegram gave the question.
      const messageId =
        1 +
        telegram.calls
          .slice(0, telegram.calls.indexOf(asked))
          .filter((c) => c.method === "sendMessage" || c.method === "sendInvoice").length;
      await sendUpdate(updates.callback(buyer, approve.callback_data!, messageId));
      const answered = await eventually("the callback answer", () =>
        telegram.callsOf("answerCallbackQuery").find((c) => String(c.params.text ?? "").includes("Approved")),
      );
      expect(answered.token).toBe(TEST_BOT_TOKEN);

      const run: PythonRun = await python;
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.lines.map((l) => l.event)).toEqual(["poll", "ack", "fill"]);
      expect(run.lines[0]).toMatchObject({ count: 1 });
      expect(run.lines[2]).toMatchObject({
        signalId,
        execution: { status: "filled", price: 1.085, volume: 0.2, deviceId: device.id },
      });

      const filled = await messageTo(buyer.id, "the fill notification", (t) => t.includes("filled"));
      expect(String(filled.params.text)).toContain("mt5-main");
      expect(String(filled.params.text)).toContain("EURUSD BUY");

      const decided = await http(base, "GET", "/api/v1/signals", { token: buyerToken });
      expect(decided.body.items[0]).toMatchObject({ id: signalId, decision: "approved" });
    });

    it("executions and the affiliate's commission add up", async () => {
      const report = await http(base, "GET", `/api/v1/signals/${signalId}/executions`, { token: adminToken });
      expect(report.status).toBe(200);
      expect(report.body.summary).toEqual({
        recipients: 1,
        approved: 1,
        acked: 1,
        filled: 1,
        failed: 0,
        updatesApplied: 0,
        updatesFailed: 0,
      });
      expect(report.body.items).toHaveLength(1);
      expect(report.body.items[0]).toMatchObject({
        deviceId: device.id,
        deviceName: "mt5-main",
        status: "filled",
        price: 1.085,
        volume: 0.2,
      });
      expect(report.body.items[0].events.map((e: { type: string }) => e.type)).toEqual(["ack", "fill"]);
      const own = await http(base, "GET", `/api/v1/signals/${signalId}/executions`, { token: buyerToken });
      expect(own.body.summary).toMatchObject({ filled: 1 });

      commission = expectedCommission(orderTotal);
      const me = await http(base, "GET", "/api/v1/affiliates/me", { token: affiliateToken });
      expect(me.status).toBe(200);
      expect(me.body.stats).toMatchObject({
        referrals: 1,
        conversions: 1,
        pendingMinor: commission,
        availableMinor: 0,
        paidMinor: 0,
        currency: "GBP",
      });
      const list = await http(base, "GET", "/api/v1/affiliates/me/commissions", { token: affiliateToken });
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({
        orderId,
        amountMinor: commission,
        rateBps: 1000,
        status: "pending",
      });
      const availableAt = Date.parse(list.body.items[0].availableAt);
      const paidAt = Date.parse(
        (await http(base, "GET", `/api/v1/orders/${orderId}`, { token: buyerToken })).body.paidAt,
      );
      expect(availableAt - paidAt).toBe(30 * 24 * 3600 * 1000);
    });

    it("the producer moves the stop to breakeven, closes half, then all; the Python client applies each and the record shows it", async () => {
      const manage = (body: object) =>
        signedHttp(
          base,
          { ...producer, idHeader: "x-producer-id" },
          "POST",
          `/api/v1/signals/${signalId}/updates`,
          body,
        );
      // The terminal applies what arrives and closes 42 pips (0.0042) above its 1.085 fill.
      const applyOnDevice = async () => {
        const run = await runPythonDevice(
          [
            ...["--url", base, "--device-id", device.id, `--secret=${device.secret}`],
            ...["--wait", "10", "--once", "--state", deviceState, "--close-offset", "0.0042"],
          ],
          (pid) => pythonPids.push(pid),
        );
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        return run.lines;
      };

      const breakeven = await manage({ action: "modify", stopLoss: 1.085, externalId: "be-1" });
      expect(breakeven.status).toBe(201);
      expect((await manage({ action: "modify", stopLoss: 1.085, externalId: "be-1" })).status).toBe(200);
      expect((await applyOnDevice()).map((l) => l.event)).toEqual(["poll", "update"]);
      // Two messages mention the move: the summary ("… on 1 device") and the device's own result
      // ("… on mt5-main"). They arrive in either order, so each is waited for by its own words.
      const moved = await messageTo(buyer.id, "the stop-moved summary", (t) =>
        t.includes("SL moved to 1.085 (breakeven) on 1 device"),
      );
      expect(String(moved.params.text)).toContain("<b>EURUSD</b> BUY");
      const applied = await messageTo(buyer.id, "the device's stop-moved result", (t) =>
        t.includes("SL moved to 1.085 (breakeven) on <b>mt5-main</b>"),
      );
      expect(String(applied.params.text)).toMatch(/^✅ /);

      const half = await manage({ action: "close_partial", fraction: 0.5 });
      expect(half.status).toBe(201);
      expect((await applyOnDevice()).map((l) => l.event)).toEqual(["poll", "update"]);

      const close = await manage({ action: "close" });
      expect(close.status).toBe(201);
      const again = await manage({ action: "close" });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("signals.closed");
      expect((await applyOnDevice()).map((l) => l.event)).toEqual(["poll", "update", "trade"]);
      const closed = await messageTo(buyer.id, "the device's close result", (t) =>
        t.includes(" BUY closed on <b>mt5-main</b> at "),
      );
      expect(String(closed.params.text)).toContain("closed on <b>mt5-main</b> at 1.0892, +42 pips");

      const shown = await http(base, "GET", `/api/v1/signals/${signalId}`, { token: buyerToken });
      expect(shown.body).toMatchObject({ positionStatus: "closed", stopLoss: 1.085 });
      expect(shown.body.updates.map((u: { action: string }) => u.action)).toEqual([
        "modify",
        "close_partial",
        "close",
      ]);
      const report = await http(base, "GET", `/api/v1/signals/${signalId}/executions`, { token: adminToken });
      expect(report.body.summary).toMatchObject({ updatesApplied: 3, updatesFailed: 0 });
      expect(report.body.items[0].updates.map((u: { status: string }) => u.status)).toEqual([
        "applied",
        "applied",
        "applied",
      ]);
      // One signal, from the 1.085 fill to 1.0892 on both closes: +42 pips; R = 0.0042 / 0.0050 = 0.84.
      const posts = telegram.chats.get(CHANNEL.id)!.messages;
      const [entryId, entry] = [...posts.entries()][0]!;
      await eventually("the outcome edited into the channel post", () =>
        entry.edits > 0 ? entry : undefined,
      );
      expect(entry.text).toContain("🏁 <b>Closed</b>");
      const replies = [...posts.values()].slice(1);
      expect(replies.map((r) => r.text)).toEqual([
        "🔧 SL moved to 1.085 (breakeven)",
        "✂️ 50% of the position closed",
        "🏁 Position closed",
      ]);
      expect(replies.every((r) => r.replyTo === entryId)).toBe(true);

      const record = await http(base, "GET", "/api/v1/track-record?days=30");
      expect(record.status).toBe(200);
      expect(record.body).toMatchObject({ signals: 1, wins: 1, winRate: 1, totalPips: 42, averageR: 0.84 });
    });

    it("stops gracefully on SIGTERM to its process group and keeps everything across a restart", async () => {
      await stopGracefully();
      expect(
        await fetch(`${base}/healthz`).then(
          () => "answered",
          () => "refused",
        ),
      ).toBe("refused");
      await start();

      const catalog = await http(base, "GET", "/api/v1/catalog");
      const tiers = catalog.body.categories[0].products[0].tiers;
      expect(tiers.find((t: { id: string }) => t.id === premiumTierId).monthlyPriceMinor).toBe(PREMIUM_PRICE);

      // Tokens issued before the restart stay valid (the JWT secret lives in DATA_DIR).
      const me = await http(base, "GET", "/api/v1/me", { token: buyerToken });
      expect(me.body).toMatchObject({ id: buyerUserId, referredBy: affiliateCode, tier: "premium" });
      const order = await http(base, "GET", `/api/v1/orders/${orderId}`, { token: buyerToken });
      expect(order.body).toMatchObject({ status: "paid", totalMinor: orderTotal });
      const ent = await http(base, "GET", "/api/v1/me/entitlements", { token: buyerToken });
      expect(ent.body.items).toEqual([expect.objectContaining({ source: { orderId }, active: true })]);
      const devices = await http(base, "GET", "/api/v1/devices", { token: buyerToken });
      expect(devices.body.items.map((d: { id: string }) => d.id)).toEqual([device.id]);
      const signal = await http(base, "GET", `/api/v1/signals/${signalId}`, { token: buyerToken });
      expect(signal.body).toMatchObject({ id: signalId, instrument: "EURUSD", status: "open" });
      const report = await http(base, "GET", `/api/v1/signals/${signalId}/executions`, { token: adminToken });
      expect(report.body.summary).toEqual({
        recipients: 1,
        approved: 1,
        acked: 1,
        filled: 1,
        failed: 0,
        updatesApplied: 3,
        updatesFailed: 0,
      });
      expect(report.body.items[0]).toMatchObject({ status: "filled", deviceId: device.id });
      const aff = await http(base, "GET", "/api/v1/affiliates/me", { token: affiliateToken });
      expect(aff.body.stats).toMatchObject({ conversions: 1, pendingMinor: commission });
      const list = await http(base, "GET", "/api/v1/affiliates/me/commissions", { token: affiliateToken });
      expect(list.body.items).toEqual([expect.objectContaining({ orderId, amountMinor: commission })]);

      // The device still authenticates (its secret is derived from the stored MASTER_KEY),
      // and has nothing left to receive; a wrong secret is still refused.
      const poll = await signedHttp(
        base,
        { ...device, idHeader: "x-device-id" },
        "GET",
        "/api/v1/device/poll?wait=0",
      );
      expect(poll.status).toBe(200);
      expect(poll.body.signals).toEqual([]);
      const wrong = await signedHttp(
        base,
        { ...device, secret: producer.secret, idHeader: "x-device-id" },
        "GET",
        "/api/v1/device/poll?wait=0",
      );
      expect(wrong.status).toBe(401);

      await stopGracefully();
    });

    it("a Stripe refund removes the buyer from the channel within 10 s (ban, then unban)", async () => {
      await start();
      const { payload, headers } = signedWebhook(stripe.refundEvent(sessionId));
      const refundedAt = Date.now();
      const hook = await http(base, "POST", "/api/v1/webhooks/stripe", { raw: payload, headers });
      expect(hook.status).toBe(200);
      const ban = await eventually(
        "the ban",
        () => telegram.callsOf("banChatMember").find((c) => Number(c.params.user_id) === buyer.id),
        10_000,
      );
      expect(ban.at - refundedAt).toBeLessThanOrEqual(10_000);
      await eventually(
        "the unban",
        () => telegram.callsOf("unbanChatMember").find((c) => c.params.only_if_banned),
        10_000,
      );
      expect(telegram.statusIn(CHANNEL.id, buyer.id)).toBe("left");
      const mine = await http(base, "GET", "/api/v1/me/channels", { token: buyerToken });
      expect(mine.body.items).toEqual([expect.objectContaining({ access: "none", inviteLink: null })]);
      await stopGracefully();
    });

    it("the buyer subscribes with auto-renewal by card: one renewal extends the plan (with commission), a failed one is past due with a card button, the retry recovers it", async () => {
      await start();
      const deliver = async (event: Record<string, unknown>) => {
        const { payload, headers } = signedWebhook(event);
        const hook = await http(base, "POST", "/api/v1/webhooks/stripe", { raw: payload, headers });
        expect(hook.status).toBe(200);
        return hook.body.result as string;
      };
      const order = await http(base, "POST", "/api/v1/orders", {
        token: buyerToken,
        body: { tierId: premiumTierId, ...ORDER, renewal: "auto" },
      });
      expect(order.status).toBe(201);
      expect(order.body).toMatchObject({ renewal: "auto", totalMinor: orderTotal });
      const autoOrderId = order.body.id as string;
      const checkout = await http(base, "POST", `/api/v1/orders/${autoOrderId}/checkout`, {
        token: buyerToken,
        body: { provider: "stripe" },
      });
      expect(checkout.status).toBe(200);
      const autoSession = checkout.body.sessionId as string;
      expect(stripe.callsTo("/v1/checkout/sessions").at(-1)!.params).toMatchObject({
        mode: "subscription",
        "line_items[0][price_data][unit_amount]": String(orderTotal),
        "line_items[0][price_data][recurring][interval]": "month",
        "line_items[0][price_data][recurring][interval_count]": "1",
      });
      expect(await deliver(stripe.sessionEvent("checkout.session.completed", autoSession))).toBe("paid");
      const subscriptionAt = async () =>
        (await http(base, "GET", "/api/v1/me/subscriptions", { token: buyerToken })).body.items as {
          id: string;
          status: string;
          currentPeriodEnd: string;
        }[];
      const [first] = await subscriptionAt();
      expect(first).toMatchObject({ status: "active", provider: "stripe", months: 1 });
      const firstEnd = Date.parse(first!.currentPeriodEnd);
      await messageTo(
        buyer.id,
        "the first auto-renew payment",
        (t) => t.includes(autoOrderId) && t.includes("renews automatically"),
      );

      // Stripe bills the next month: the plan grows by 30 days, once, and the affiliate earns again.
      const stripeSub = stripe.subscriptionOf(autoSession).id as string;
      const renewal = stripe.renewalInvoice(stripeSub, Math.floor(Date.now() / 1000));
      const paidRenewal = stripe.invoiceEvent("invoice.paid", renewal.id as string);
      expect(await deliver(paidRenewal)).toBe("renewed");
      expect(await deliver(paidRenewal)).toBe("duplicate");
      const [renewed] = await subscriptionAt();
      expect(Date.parse(renewed!.currentPeriodEnd) - firstEnd).toBe(30 * 86_400_000);
      await messageTo(buyer.id, "the renewal message", (t) => t.includes("Your plan renewed"));
      const earned = await http(base, "GET", "/api/v1/affiliates/me/commissions", { token: affiliateToken });
      const subscriptionOrders = (
        await http(base, "GET", "/api/v1/orders", { token: buyerToken })
      ).body.items.filter((o: { renewal: string }) => o.renewal === "auto") as { id: string }[];
      expect(subscriptionOrders).toHaveLength(2);
      for (const o of subscriptionOrders) {
        expect(earned.body.items).toContainEqual(
          expect.objectContaining({ orderId: o.id, amountMinor: commission }),
        );
      }

      // The month after, the card is declined: past due, 3 days of grace, a message with a card button.
      const declined = stripe.renewalInvoice(stripeSub, Math.floor(Date.now() / 1000));
      expect(await deliver(stripe.invoiceEvent("invoice.payment_failed", declined.id as string))).toBe(
        "past_due",
      );
      const [pastDue] = await subscriptionAt();
      expect(pastDue).toMatchObject({ status: "past_due" });
      const warning = await messageTo(buyer.id, "the failed renewal message", (t) =>
        t.includes("could not renew"),
      );
      expect(buttonsOf(warning).map((b) => b.callback_data)).toContain("sub:card");
      await sendUpdate(updates.callback(buyer, "sub:card"));
      const portalLink = await eventually(
        "the card portal link",
        () =>
          sentTo(buyer.id).find((c) =>
            buttonsOf(c).some((b) => b.url?.startsWith("https://billing.stripe.test/")),
          ),
        30_000,
      );
      expect(buttonsOf(portalLink)[0]!.url).toBe(stripe.portalSessions.at(-1)!.url);

      // Stripe's retry with the new card pays the same invoice: active again, the grace replaced.
      expect(await deliver(stripe.invoiceEvent("invoice.paid", declined.id as string))).toBe("renewed");
      const [recovered] = await subscriptionAt();
      expect(recovered).toMatchObject({ status: "active" });
      expect(Date.parse(recovered!.currentPeriodEnd) - firstEnd).toBe(60 * 86_400_000);

      // A second plan renews with Telegram Stars: a subscription link, its first payment, one renewal.
      const starsOrder = await http(base, "POST", "/api/v1/orders", {
        token: buyerToken,
        body: { tierId: premiumTierId, ...ORDER, renewal: "auto" },
      });
      const starsOrderId = starsOrder.body.id as string;
      const link = await http(base, "POST", `/api/v1/orders/${starsOrderId}/checkout`, {
        token: buyerToken,
        body: { provider: "stars" },
      });
      expect(link.status).toBe(200);
      const invoice = telegram.callsOf("createInvoiceLink").at(-1)!.params;
      expect(invoice).toMatchObject({ payload: starsOrderId, subscription_period: 2592000 });
      const stars = (invoice.prices as { amount: number }[])[0]!.amount;
      const now = Math.floor(Date.now() / 1000);
      const monthS = 30 * 86_400;
      telegram.subscribeWithStars(buyer.id, "stx-journey-1");
      await sendUpdate(updates.preCheckout(buyer, starsOrderId, stars));
      await sendUpdate(
        updates.payment(buyer, starsOrderId, stars, "stx-journey-1", "XTR", {
          first: true,
          expiresAt: now + monthS,
        }),
      );
      const starsSub = async () =>
        (await subscriptionAt()).find((x) => (x as { provider?: string }).provider === "stars");
      await eventually("the Star subscription", starsSub, 30_000);
      await sendUpdate(
        updates.payment(buyer, starsOrderId, stars, "stx-journey-2", "XTR", {
          first: false,
          expiresAt: now + 2 * monthS,
        }),
      );
      await eventually(
        "the Stars renewal",
        async () =>
          (await starsSub())?.currentPeriodEnd === new Date((now + 2 * monthS) * 1000).toISOString() ||
          undefined,
        30_000,
      );
      const starsPaid = (await http(base, "GET", "/api/v1/orders", { token: buyerToken })).body.items.filter(
        (o: { provider: string; status: string }) => o.provider === "stars" && o.status === "paid",
      );
      expect(starsPaid).toHaveLength(2);
      await stopGracefully();
    });

    it("never writes a secret, a token or a signature into its output", () => {
      const output = servers.map((s) => s.output()).join("\n");
      expect(output).toContain("signaldesk");
      const forbidden = {
        botToken: TEST_BOT_TOKEN,
        stripeKey: TEST_STRIPE_SECRET_KEY,
        stripeWebhookSecret: TEST_STRIPE_WEBHOOK_SECRET,
        telegramWebhookSecret: WEBHOOK_SECRET,
        adminJwt: adminToken,
        affiliateJwt: affiliateToken,
        buyerJwt: buyerToken,
        deviceSecret: secrets.device!,
        producerSecret: secrets.producer!,
      };
      for (const [name, value] of Object.entries(forbidden)) {
        expect(value.length, name).toBeGreaterThan(10);
        const leaked = output.split("\n").filter((line) => line.includes(value));
        expect(leaked, `${name} in the server output`).toEqual([]);
      }
      // The suite-wide check too: any JWT, and the secrets the server generated into DATA_DIR.
      const leaks = leaksInProcessOutput(output, { dataDir, env, extra: Object.values(forbidden) });
      expect(leaks, describeLeaks(leaks)).toEqual([]);
    });
  });
}
