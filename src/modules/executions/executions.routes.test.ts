import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { type Signer, signedInject } from "../../../test/support/signed";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "limit", entryPrice: 1.085, volume: 0.1 };

describe("device reports", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });

  const send = (signer: Signer, path: string, body: unknown) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "POST", url: `/api/v1/device/${path}`, body });
  const publish = async (payload: object = BUY) => {
    const { headers } = await createUser(ctx().deps, { admin: true });
    const res = await ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload });
    return res.json().id as string;
  };
  /** A VIP with auto-approve and a device, and a signal they approved at publish. */
  const approvedSignal = async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip", { autoApprove: true });
    return { owner, signalId: await publish() };
  };
  const rows = (table: string) => ctx().database.query(`select * from ${table}`);
  const fill = { price: 1.0851, volume: 0.1, brokerTicket: "778899" };

  describe("happy path", () => {
    it("an ACK creates the execution (201); a repeat returns it unchanged (200)", async () => {
      const { owner, signalId } = await approvedSignal();
      const first = await send(owner.signer, "ack", { signalId });
      expect(first.statusCode).toBe(201);
      const now = ctx().clock.now().toISOString();
      expect(first.json()).toEqual({
        id: expect.stringMatching(/^exe_/),
        signalId,
        deviceId: owner.device.id,
        status: "acked",
        price: null,
        volume: null,
        brokerTicket: null,
        errorCode: null,
        errorMessage: null,
        ackedAt: now,
        filledAt: null,
        failedAt: null,
        updatedAt: now,
      });
      ctx().clock.advance(1000);
      const again = await send(owner.signer, "ack", { signalId });
      expect([again.statusCode, again.json()]).toEqual([200, first.json()]);
      expect(await rows("execution_events")).toHaveLength(1);
    });

    it("concurrent ACKs from one device make exactly one execution and one event", async () => {
      const { owner, signalId } = await approvedSignal();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => send(owner.signer, "ack", { signalId })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([
        200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      expect(await rows("executions")).toHaveLength(1);
      expect(await rows("execution_events")).toHaveLength(1);
    });

    it("a fill after the ACK makes the execution filled; the same fill again is 200", async () => {
      const { owner, signalId } = await approvedSignal();
      await send(owner.signer, "ack", { signalId });
      const filledAt = "2026-11-21T09:59:58.000Z";
      const res = await send(owner.signer, "fill", { signalId, ...fill, filledAt });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: "filled", ...fill, filledAt });
      const again = await send(owner.signer, "fill", { signalId, ...fill });
      expect([again.statusCode, again.json().filledAt]).toEqual([200, filledAt]);
    });

    it("a fill answers exactly the Execution fields, with the signed answers' headers (no page headers)", async () => {
      const { owner, signalId } = await approvedSignal();
      const res = await send(owner.signer, "fill", { signalId, ...fill });
      const now = ctx().clock.now().toISOString();
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({
        id: expect.stringMatching(/^exe_/),
        signalId,
        deviceId: owner.device.id,
        status: "filled",
        ...fill,
        errorCode: null,
        errorMessage: null,
        ackedAt: now,
        filledAt: now,
        failedAt: null,
        updatedAt: now,
      });
      expect(Object.keys(res.json())).toEqual([
        "id",
        "signalId",
        "deviceId",
        "status",
        "price",
        "volume",
        "brokerTicket",
        "errorCode",
        "errorMessage",
        "ackedAt",
        "filledAt",
        "failedAt",
        "updatedAt",
      ]);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      for (const pageOnly of ["x-frame-options", "referrer-policy", "cross-origin-resource-policy"])
        expect(res.headers[pageOnly], pageOnly).toBeUndefined();
    });

    it("broker tickets are stored exactly as sent, whatever their characters, when fills share a batch", async () => {
      const tickets = ['T"1', "T\\2", "a,b", "{x}", "NULL", " spaced ", 'both\\"'];
      const owners = await Promise.all(
        tickets.map(() => createDeviceOwner(ctx().deps, "vip", { autoApprove: true })),
      );
      const signalId = await publish();
      const answers = await Promise.all(
        owners.map((o, i) => send(o.signer, "fill", { signalId, ...fill, brokerTicket: tickets[i] })),
      );
      expect(answers.map((a) => [a.statusCode, a.json().brokerTicket])).toEqual(tickets.map((t) => [201, t]));
      const stored = await ctx().database.query<{ device_id: string; broker_ticket: string }>(
        "select device_id, broker_ticket from executions",
      );
      const byDevice = new Map(stored.map((r) => [r.device_id, r.broker_ticket]));
      expect(owners.map((o) => byDevice.get(o.device.id))).toEqual(tickets);
    });

    it("a fill without an ACK implies the ACK, recorded first", async () => {
      const { owner, signalId } = await approvedSignal();
      expect((await send(owner.signer, "fill", { signalId, ...fill })).statusCode).toBe(201);
      const events = await ctx().database.query<{ type: string }>(
        "select type from execution_events order by id",
      );
      expect(events.map((e) => e.type)).toEqual(["ack", "fill"]);
      const poll = await signedInject(ctx().app, ctx().clock, owner.signer, {
        method: "GET",
        url: "/api/v1/device/poll",
      });
      expect(poll.json().signals).toEqual([]);
    });

    it("an error report fails the execution; the same report again is 200", async () => {
      const { owner, signalId } = await approvedSignal();
      const error = { signalId, code: 10019, message: "No money" };
      const res = await send(owner.signer, "error", error);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: "failed", errorCode: 10019, errorMessage: "No money" });
      expect((await send(owner.signer, "error", error)).statusCode).toBe(200);
    });

    it("reports closed trades once per ticket, linked to a signal or not", async () => {
      const { owner, signalId } = await approvedSignal();
      const trade = {
        ticket: "T-1",
        instrument: "EURUSD",
        side: "buy",
        volume: 0.1,
        openPrice: 1.085,
        closePrice: 1.09,
        profitMinor: 5000,
        currency: "USD",
        openedAt: "2026-11-20T10:00:00Z",
        closedAt: "2026-11-20T12:00:00Z",
        signalId,
      };
      const res = await send(owner.signer, "trades", trade);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ ticket: "T-1", source: "bot", signalId, profitMinor: 5000 });
      expect((await send(owner.signer, "trades", trade)).statusCode).toBe(200);
      const manual = await send(owner.signer, "trades", { ...trade, ticket: "T-2", signalId: null });
      expect(manual.json().source).toBe("manual");
      expect(await rows("trades")).toHaveLength(2);
    });

    it("counts executions by status and the time from approval to ACK", async () => {
      const { owner, signalId } = await approvedSignal();
      ctx().clock.advance(250);
      await send(owner.signer, "ack", { signalId });
      await send(owner.signer, "fill", { signalId, ...fill });
      const registry = ctx().deps.metrics.registry;
      const executions = await registry.getSingleMetricAsString("executions_total");
      expect(executions).toContain('executions_total{status="acked"} 1');
      expect(executions).toContain('executions_total{status="filled"} 1');
      const delivery = await registry.getSingleMetricAsString("signal_delivery_seconds");
      expect(delivery).toContain("signal_delivery_seconds_sum 0.25");
    });
  });

  describe("errors", () => {
    it.each([
      ["a zero price", { price: 0 }],
      ["a negative price", { price: -1.08 }],
      ["a zero volume", { volume: 0 }],
      ["a missing broker ticket", { brokerTicket: undefined }],
      ["a filledAt that is not a time", { filledAt: "yesterday" }],
    ])("refuses a fill with %s (400) and changes nothing", async (_label, change) => {
      const { owner, signalId } = await approvedSignal();
      await send(owner.signer, "ack", { signalId });
      const res = await send(owner.signer, "fill", { signalId, ...fill, ...change });
      expect(res.statusCode).toBe(400);
      expect(await rows("executions")).toEqual([expect.objectContaining({ status: "acked", price: null })]);
    });

    it("answers 409 executions.already_final to a different second fill and keeps the first", async () => {
      const { owner, signalId } = await approvedSignal();
      await send(owner.signer, "fill", { signalId, ...fill });
      const res = await send(owner.signer, "fill", { signalId, ...fill, price: 1.09 });
      expect([res.statusCode, res.json().code]).toEqual([409, "executions.already_final"]);
      expect(await rows("executions")).toEqual([expect.objectContaining({ price: 1.0851 })]);
    });

    it("answers 409 to a fill after an error, and to an error after a fill", async () => {
      const a = await approvedSignal();
      await send(a.owner.signer, "error", { signalId: a.signalId, code: 1, message: "x" });
      expect((await send(a.owner.signer, "fill", { signalId: a.signalId, ...fill })).statusCode).toBe(409);
      const b = await approvedSignal();
      await send(b.owner.signer, "fill", { signalId: b.signalId, ...fill });
      expect(
        (await send(b.owner.signer, "error", { signalId: b.signalId, code: 1, message: "x" })).statusCode,
      ).toBe(409);
    });

    it("answers 404 for a signal the owner has not approved, in every report, storing nothing", async () => {
      const owner = await createDeviceOwner(ctx().deps, "vip");
      const pending = await publish();
      for (const signalId of [pending, "sig_UNKNOWN"]) {
        for (const [path, body] of [
          ["ack", { signalId }],
          ["fill", { signalId, ...fill }],
          ["error", { signalId, code: 1, message: "x" }],
        ] as const) {
          const res = await send(owner.signer, path, body);
          expect([res.statusCode, res.json().code]).toEqual([404, "signals.not_found"]);
        }
      }
      expect(await rows("executions")).toEqual([]);
      expect(await rows("execution_events")).toEqual([]);
    });

    it("refuses bad error and trade reports with 400", async () => {
      const { owner, signalId } = await approvedSignal();
      expect(
        (await send(owner.signer, "error", { signalId, code: 1, message: "m".repeat(501) })).statusCode,
      ).toBe(400);
      expect((await send(owner.signer, "error", { signalId, code: 1.5, message: "x" })).statusCode).toBe(400);
      expect((await send(owner.signer, "trades", { ticket: "T", currency: "usd" })).statusCode).toBe(400);
      const backwards = {
        ticket: "T-9",
        instrument: "EURUSD",
        side: "buy",
        volume: 0.1,
        openPrice: 1.08,
        closePrice: 1.09,
        profitMinor: 100,
        currency: "USD",
        openedAt: "2026-11-20T12:00:00Z",
        closedAt: "2026-11-20T11:00:00Z",
      };
      const refused = await send(owner.signer, "trades", backwards);
      expect([refused.statusCode, refused.json().errors[0].path]).toEqual([400, "closedAt"]);
      const unreadable = await send(owner.signer, "trades", { ...backwards, closedAt: "yesterday" });
      expect([unreadable.statusCode, unreadable.json().errors[0].path]).toEqual([400, "closedAt"]);
      expect((await send(owner.signer, "ack", {})).statusCode).toBe(400);
      expect((await send(owner.signer, "ack", "{not json")).statusCode).toBe(400);
      expect(await rows("executions")).toEqual([]);
    });
  });

  describe("trade times", () => {
    const inMs = (ms: number) => new Date(ctx().clock.now().getTime() + ms).toISOString();
    const trade = {
      ticket: "T-Y",
      instrument: "EURUSD",
      side: "buy",
      volume: 0.1,
      openPrice: 1.08,
      closePrice: 1.09,
      profitMinor: 100,
      currency: "USD",
      openedAt: "2026-11-20T10:00:00Z",
      closedAt: "2026-11-20T11:00:00Z",
    };

    it.each([
      ["a year-20 openedAt", { openedAt: "0020-02-29T00:00:00Z" }, "openedAt"],
      [
        "a year-20 closedAt",
        { openedAt: "0020-02-28T00:00:00Z", closedAt: "0020-02-29T00:00:00Z" },
        "openedAt",
      ],
      ["a time before 2000", { openedAt: "1999-12-31T23:59:59Z" }, "openedAt"],
      ["a closedAt more than a day ahead of the server", "ahead", "closedAt"],
      ["a fill time more than a day ahead", null, "filledAt"],
    ])("refuses %s with 400 and stores nothing", async (_label, change, path) => {
      const { owner, signalId } = await approvedSignal();
      const ahead = { closedAt: inMs(86_400_000 + 1000) };
      const res =
        change === null
          ? await send(owner.signer, "fill", { signalId, ...fill, filledAt: inMs(86_400_000 + 1000) })
          : await send(owner.signer, "trades", {
              ...trade,
              ...(change === "ahead" ? ahead : (change as object)),
            });
      expect([res.statusCode, res.json().code, res.json().errors?.[0]?.path]).toEqual([
        400,
        "request.invalid",
        path,
      ]);
      expect(await rows("trades")).toEqual([]);
    });

    it("accepts a trade closed up to a day ahead of the server clock (broker server time)", async () => {
      const { owner, signalId } = await approvedSignal();
      const res = await send(owner.signer, "trades", { ...trade, closedAt: inMs(86_400_000 - 1000) });
      expect(res.statusCode).toBe(201);
      const filled = await send(owner.signer, "fill", {
        signalId,
        ...fill,
        filledAt: inMs(86_400_000 - 1000),
      });
      expect(filled.statusCode).toBe(201);
    });

    it("answers a repeat of a ticket stored with an out-of-range time (an older version let it in)", async () => {
      const { owner } = await approvedSignal();
      expect((await send(owner.signer, "trades", trade)).statusCode).toBe(201);
      await ctx().database.query(
        "update trades set opened_at = '0020-02-29T00:00:00Z', closed_at = '0020-02-29T00:00:00Z'",
      );
      const again = await send(owner.signer, "trades", trade);
      expect(again.statusCode).toBe(200);
      expect(again.json().closedAt).toBe("0020-02-29T00:00:00.000Z");
      const admin = await createUser(ctx().deps, { admin: true });
      const report = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/admin/users/${owner.user.id}/attribution?days=365`,
        headers: admin.headers,
      });
      expect(report.statusCode).toBe(200);
    });
  });

  describe("attribution totals", () => {
    it("adds three trades of 2^53-1 minor units exactly instead of failing", async () => {
      const { owner } = await approvedSignal();
      for (const ticket of ["B-1", "B-2", "B-3"]) {
        const res = await send(owner.signer, "trades", {
          ticket,
          instrument: "EURUSD",
          side: "buy",
          volume: 1,
          openPrice: 1,
          closePrice: 2,
          profitMinor: Number.MAX_SAFE_INTEGER,
          currency: "USD",
          openedAt: new Date(ctx().clock.now().getTime() - 7_200_000).toISOString(),
          closedAt: new Date(ctx().clock.now().getTime() - 3_600_000).toISOString(),
        });
        expect(res.statusCode).toBe(201);
      }
      const admin = await createUser(ctx().deps, { admin: true });
      const report = await ctx().app.inject({
        method: "GET",
        url: `/api/v1/admin/users/${owner.user.id}/attribution`,
        headers: admin.headers,
      });
      expect(report.statusCode).toBe(200);
      const exact = (3n * BigInt(Number.MAX_SAFE_INTEGER)).toString();
      expect(report.body).toContain(`"manual":{"trades":3,"profitMinor":${exact},`);
      expect(report.body).toContain(`"profitByCurrency":{"USD":${exact}}`);
      expect(report.json().bot).toEqual({ trades: 0, profitMinor: 0, winRate: 0, profitByCurrency: {} });
      expect(report.json().trades).toHaveLength(3);
    });
  });

  describe("security", () => {
    it("refuses unsigned, replayed or tampered reports with 401 and stores nothing", async () => {
      const { owner, signalId } = await approvedSignal();
      const unsigned = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/device/ack",
        payload: { signalId },
      });
      expect(unsigned.statusCode).toBe(401);
      const nonce = "ack-nonce-0000000001";
      const { signRequestFor } = await import("../../../test/support/signed");
      const signed = signRequestFor(
        owner.signer,
        { method: "POST", url: "/api/v1/device/fill", body: { signalId, ...fill }, nonce },
        ctx().clock,
      );
      const tampered = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/device/fill",
        headers: signed.headers,
        payload: JSON.stringify({ signalId, ...fill, price: 99 }),
      });
      expect(tampered.statusCode).toBe(401);
      expect(await rows("executions")).toEqual([]);
      const first = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/device/fill",
        headers: signed.headers,
        payload: signed.body,
      });
      expect(first.statusCode).toBe(201);
      const replayed = await ctx().app.inject({
        method: "POST",
        url: "/api/v1/device/fill",
        headers: signed.headers,
        payload: signed.body,
      });
      expect([replayed.statusCode, replayed.json().code]).toEqual([401, "device_auth.rejected"]);
    });

    it("a device cannot report on a signal another user approved", async () => {
      const { signalId } = await approvedSignal();
      const stranger = await createDeviceOwner(ctx().deps, "enterprise");
      expect((await send(stranger.signer, "fill", { signalId, ...fill })).statusCode).toBe(404);
      expect(
        (
          await send(stranger.signer, "trades", {
            ticket: "X",
            instrument: "EURUSD",
            side: "buy",
            volume: 1,
            openPrice: 1,
            closePrice: 1,
            profitMinor: 0,
            currency: "USD",
            openedAt: "2026-11-20T10:00:00Z",
            closedAt: "2026-11-20T11:00:00Z",
            signalId,
          })
        ).statusCode,
      ).toBe(404);
      expect(await rows("executions")).toEqual([]);
      expect(await rows("trades")).toEqual([]);
    });
  });
});
