import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createUser } from "../../../test/support/factories";

const BUY = {
  instrument: "EURUSD",
  side: "buy",
  orderType: "limit",
  entryPrice: 1.085,
  stopLoss: 1.08,
  takeProfit: 1.095,
};

/** POST /api/v1/signals validation (API.md §6): refused bodies are 400 (or 413) and store nothing. */
describe("publishing a malformed signal", () => {
  const ctx = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  const admin = () => createUser(ctx().deps, { admin: true });
  const publish = (headers: Record<string, string>, payload: unknown) =>
    ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: payload as object });

  it.each([
    ["a lowercase instrument", { instrument: "eurusd" }, "instrument"],
    ["a one-letter instrument", { instrument: "E" }, "instrument"],
    ["a buy with its stop loss above the entry", { stopLoss: 1.09 }, "stopLoss"],
    ["a buy with its take profit below the entry", { takeProfit: 1.08 }, "takeProfit"],
    ["a limit order without an entry price", { entryPrice: undefined }, "entryPrice"],
    ["a zero entry price", { entryPrice: 0 }, "entryPrice"],
    ["a negative volume", { volume: -1 }, "volume"],
    ["a ttl under 10 s", { ttlSeconds: 9 }, "ttlSeconds"],
    ["a ttl over a day", { ttlSeconds: 86_401 }, "ttlSeconds"],
    ["a fractional ttl", { ttlSeconds: 30.5 }, "ttlSeconds"],
    ["an unknown minTier", { minTier: "gold" }, "minTier"],
    ["a note over 500 characters", { note: "n".repeat(501) }, "note"],
    ["an externalId over 128 characters", { externalId: "e".repeat(129) }, "externalId"],
    ["an unknown side", { side: "long" }, "side"],
  ])("answers 400 for %s and stores nothing", async (_label, change, path) => {
    const res = await publish((await admin()).headers, { ...BUY, ...change });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("request.invalid");
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await ctx().database.query("select id from signals")).toEqual([]);
  });

  it("accepts a sell with the prices mirrored", async () => {
    const res = await publish((await admin()).headers, {
      ...BUY,
      side: "sell",
      stopLoss: 1.095,
      takeProfit: 1.08,
    });
    expect(res.statusCode).toBe(201);
  });

  it("answers 413 for a body over 32 KiB", async () => {
    const res = await publish((await admin()).headers, { ...BUY, padding: "x".repeat(33 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(await ctx().database.query("select id from signals")).toEqual([]);
  });
});
