import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "../../src/shared/signing";
import { useListeningTestApp } from "../support/app";
import { createDeviceOwner, createUser } from "../support/factories";
import { ROOT } from "../support/process";
import { type Signer, signRequestFor } from "../support/signed";

/**
 * The MetaTrader 5 Expert Advisor's logic (clients/mt5/SignalDesk/*.mqh) compiled with g++ through
 * the MQL5 shim, run, and judged by its output; the live cases feed it real answers from a
 * listening server and send what it produced back to that server.
 */
const TEST_DIR = path.join(ROOT, "clients/mt5/test");
const PROGRAMS = ["signing_test", "json_test", "rules_test", "engine_test"] as const;
type Program = (typeof PROGRAMS)[number];

let buildDir = "";
const binary = (name: Program) => path.join(buildDir, name);

function run(name: Program, args: string[] = [], input?: string) {
  const result = spawnSync(binary(name), args, { encoding: "utf8", input, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a check program: every line "ok …", none "FAIL …", the summary last, exit status 0. */
function passedChecks(name: Program): string[] {
  const { status, stdout, stderr } = run(name);
  const lines = stdout.trim().split("\n");
  expect(lines.filter((l) => !l.startsWith("ok "))).toEqual([lines.at(-1)]);
  expect(lines.at(-1)).toMatch(/^passed \d+ failed 0$/);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  return lines;
}

beforeAll(() => {
  buildDir = mkdtempSync(path.join(tmpdir(), "signaldesk-mt5-"));
  for (const name of PROGRAMS) {
    const gpp = spawnSync(
      "g++",
      ["-std=c++17", "-Wall", "-Werror", "-o", binary(name), path.join(TEST_DIR, `${name}.cpp`)],
      { encoding: "utf8" },
    );
    if (gpp.error)
      throw new Error(`g++ is needed for the MT5 tests (.ci/run installs it): ${gpp.error.message}`);
    if (gpp.status !== 0) throw new Error(`g++ ${name}.cpp failed:\n${gpp.stderr}`);
  }
}, 180_000);

afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

describe("the MT5 EA's shared code, compiled with g++", () => {
  it("signs the pinned vector of docs/device-protocol.md and the RFC 4231 cases", () => {
    const lines = passedChecks("signing_test");
    expect(lines).toEqual(
      expect.arrayContaining([
        "ok rfc4231 case 2",
        "ok rfc4231 case 6 (key longer than a block)",
        "ok vector poll canonical",
        "ok vector poll inner hash",
        "ok vector poll signature",
        "ok vector fill body hash",
        "ok vector fill signature",
        "ok sha256 of no bytes is the constant",
      ]),
    );
  });

  it("signs arbitrary requests exactly like the server", () => {
    const hex = (s: string | Buffer) => (s.length === 0 ? "-" : Buffer.from(s).toString("hex"));
    const cases = fc.sample(
      fc.record({
        secret: fc.string({ minLength: 0, maxLength: 90 }),
        method: fc.constantFrom("GET", "POST"),
        path: fc.webUrl({ withQueryParameters: true }).map((u) => new URL(u).pathname + new URL(u).search),
        timestamp: fc.integer({ min: 0, max: 4_000_000_000 }),
        nonce: fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
        body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      }),
      { numRuns: 60, seed: 20261121 },
    );
    const input = cases
      .map((c) =>
        [hex(c.secret), hex(c.method), hex(c.path), c.timestamp, hex(c.nonce), hex(c.body)].join(" "),
      )
      .join("\n");
    const { stdout, status } = run("signing_test", ["batch"], `${input}\n`);
    expect(status).toBe(0);
    expect(stdout.trim().split("\n")).toEqual(
      cases.map((c) => signRequest(c.secret, { ...c, pathWithQuery: c.path })),
    );
  });

  it("reads hand-written poll answers: unknown members, missing optional ones, updates and settings, bad JSON", () => {
    const lines = passedChecks("json_test");
    expect(lines).toEqual(
      expect.arrayContaining([
        "ok a poll answer with unknown and missing members is read",
        "ok missing take profit reads 0",
        "ok a poll answer with updates and settings is read",
        "ok close_partial with a numeric ticket",
        "ok symbol map pair",
        "ok malformed input is refused without a crash: {",
        "ok numbers: 1.08542 is the same double as the literal",
      ]),
    );
  });

  it("sizes lots, maps symbols, refuses late or distant entries, clamps settings and backs off 1, 2, 4 … 60 s", () => {
    const lines = passedChecks("rules_test");
    expect(lines).toEqual(
      expect.arrayContaining([
        "ok fixed 0.1 lots is 0.1",
        "ok 0.3 with a 0.1 step stays 0.3 (0.3/0.1 is 2.9999999999999996)",
        "ok the lot cap applies",
        "ok the symbol's maximum applies",
        "ok below the symbol's minimum is refused",
        "ok risk 1% of 10000 over 500 points of EURUSD is 0.2 lots",
        "ok risk 1% with a JPY tick value rounds 0.29998 down to 0.29",
        "ok multiplier 2 x 0.3 signal lots",
        "ok the suffix is appended",
        "ok a mapped symbol is used as written",
        "ok an entry at expiresAt is refused as expired",
        "ok a market price 0.092% from the entry is refused at 0.05%",
        "ok a buy limit below the ask is a pending buy limit",
        "ok a buy stop already passed by more than the deviation is refused",
        "ok five values out of range, five warnings",
        "ok an out-of-range value is reported once over three polls",
        "ok backoff after timeouts: 1 s doubling to 60 s",
        "ok a 401 waits at least 60 s",
        "ok a 429 waits Retry-After",
        "ok parse an HTTP Date header",
        "ok a long panel line is wrapped for a 63-character label",
        "ok a reversal ends the first trade",
      ]),
    );
  });

  it("drives one signal through entry, fill, modify, partial close, close and a restart with no second order", () => {
    const lines = passedChecks("engine_test");
    expect(lines).toEqual(
      expect.arrayContaining([
        "ok entry: one order sent",
        "ok fill: reported with the position ticket",
        "ok a re-delivered signal is only ACKed again, never traded twice",
        "ok modify: breakeven stop, take profit kept",
        "ok partial close: reported with volume and price",
        "ok a re-delivered update is not applied twice",
        "ok restart: the state is reloaded",
        "ok restart: the signal delivered again opens no second order",
        "ok close: reported with the rest of the volume",
        "ok closed trades: the signal's trade, linked, profit in cents",
        "ok crash after the order: adopted, not sent again",
        "ok crash before the order: never sent, not even later",
        "ok the stop did not trigger before expiry: removed",
        "ok unknown symbol: the mapped name is reported",
        "ok ACK lost: no order without an ACK",
        "ok the next tick sends it",
      ]),
    );
  });
});

describe("the MT5 EA's shared code against a live server", () => {
  const live = useListeningTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });
  const nowSeconds = () => Math.floor(live().clock.now().getTime() / 1000);

  /** Headers in WebRequest's "Name: value\r\n" form, as the EA's code builds them. */
  function eaHeaders(signer: Signer, method: string, target: string, nonce: string, body?: string) {
    const args = [signer.secret, signer.id, method, target, String(nowSeconds()), nonce];
    if (body !== undefined) {
      const file = path.join(buildDir, `${nonce}.body`);
      writeFileSync(file, body);
      args.push(file);
    }
    const { stdout, status } = run("signing_test", ["sign", ...args]);
    expect(status).toBe(0);
    return Object.fromEntries(
      stdout
        .split("\r\n")
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
    );
  }

  const post = (signer: Signer, target: string, body: string) => {
    const { headers } = signRequestFor(signer, { method: "POST", url: target, body }, live().clock);
    return fetch(live().url + target, { method: "POST", headers, body });
  };

  async function publishAndApprove(owner: { headers: Record<string, string> }, payload: object) {
    const admin = await createUser(live().deps, { admin: true });
    const res = await live().app.inject({
      method: "POST",
      url: "/api/v1/signals",
      headers: admin.headers,
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as { id: string };
    const decision = await live().app.inject({
      method: "POST",
      url: `/api/v1/signals/${id}/decision`,
      headers: owner.headers,
      payload: { decision: "approve" },
    });
    expect(decision.statusCode, decision.body).toBe(201);
    return id;
  }

  it("accepts requests signed by the EA's code, with and without a body, and refuses a tampered body", async () => {
    const owner = await createDeviceOwner(live().deps, "vip");
    const target = "/api/v1/device/poll?wait=0";
    const poll = await fetch(live().url + target, {
      headers: eaHeaders(owner.signer, "GET", target, "ea-poll-nonce-000001"),
    });
    expect(poll.status).toBe(200);

    const body = JSON.stringify({ signalId: "sig_does_not_exist" });
    const ack = await fetch(`${live().url}/api/v1/device/ack`, {
      method: "POST",
      headers: eaHeaders(owner.signer, "POST", "/api/v1/device/ack", "ea-ack-nonce-0000001", body),
      body,
    });
    expect(ack.status).toBe(404);

    const tampered = await fetch(`${live().url}/api/v1/device/ack`, {
      method: "POST",
      headers: eaHeaders(owner.signer, "POST", "/api/v1/device/ack", "ea-ack-nonce-0000002", body),
      body: body.replace("exist", "exisT"),
    });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { code: string }).code).toBe("device_auth.rejected");
  });

  /** Non-default settings in every field, so the EA's reading of each one is checked. */
  const SETTINGS = {
    sizing: { mode: "risk_percent", value: 1.25 },
    maxLots: 2.5,
    symbolMap: { XAUUSD: "GOLD.m", US500: "SPX500" },
    symbolSuffix: ".pro",
    maxSlippagePoints: 15,
    maxEntryDeviationPct: 0.35,
    paused: true,
  };
  async function putSettings(owner: { headers: Record<string, string>; device: { id: string } }) {
    const res = await live().app.inject({
      method: "PUT",
      url: `/api/v1/devices/${owner.device.id}/settings`,
      headers: owner.headers,
      payload: SETTINGS,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Record<string, unknown>;
  }

  it("reads a real poll answer exactly as the server wrote it, settings included", async () => {
    const owner = await createDeviceOwner(live().deps, "vip");
    const settings = await putSettings(owner);
    await publishAndApprove(owner, {
      instrument: "EURUSD",
      side: "buy",
      orderType: "market",
      stopLoss: 1.05,
      takeProfit: 1.2,
    });
    await publishAndApprove(owner, {
      instrument: "XAUUSD",
      side: "sell",
      orderType: "limit",
      entryPrice: 2350.5,
      stopLoss: 2360.25,
      volume: 0.2,
      ttlSeconds: 600,
    });
    const target = "/api/v1/device/poll?wait=0";
    const { headers } = signRequestFor(owner.signer, { method: "GET", url: target }, live().clock);
    const res = await fetch(live().url + target, { headers });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const file = path.join(buildDir, "poll-answer.json");
    writeFileSync(file, raw);

    const { stdout, status } = run("json_test", ["read", file]);
    expect(status).toBe(0);
    const read = JSON.parse(stdout) as Record<string, unknown>;
    const answer = JSON.parse(raw) as {
      serverTime: string;
      signals: Record<string, unknown>[];
      updates?: Record<string, unknown>[];
      settings: Record<string, unknown>;
    };
    expect(answer.signals).toHaveLength(2);
    expect(answer.settings).toEqual({ ...SETTINGS, version: 2 });
    expect(answer.settings).toEqual(settings);
    const seconds = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);
    expect(read).toEqual({
      serverTime: answer.serverTime,
      serverUnix: seconds(answer.serverTime),
      skipped: 0,
      signals: answer.signals.map((s) => ({
        signalId: s.signalId,
        instrument: s.instrument,
        side: s.side,
        orderType: s.orderType,
        entryPrice: s.entryPrice,
        stopLoss: s.stopLoss,
        takeProfit: s.takeProfit,
        volume: s.volume,
        expiresAtUnix: seconds(s.expiresAt),
      })),
      // Until the server sends §10 updates and §11 settings in the poll, both read as absent.
      updates: (answer.updates ?? []).map((u) => ({
        updateId: u.updateId,
        signalId: u.signalId,
        seq: u.seq,
        action: u.action,
        stopLoss: u.stopLoss ?? null,
        takeProfit: u.takeProfit ?? null,
        fraction: u.fraction ?? null,
        brokerTicket: u.brokerTicket ?? "",
      })),
      // Every field of DeviceSettings, as the EA's SdReadSettings understood it.
      settings: answer.settings,
    });
  });

  it("says hello with the body the EA builds, and reads the settings the server answers", async () => {
    const owner = await createDeviceOwner(live().deps, "vip");
    const settings = await putSettings(owner);
    const built = run("json_test", [
      "hello-body",
      "51234567",
      "ICMarketsSC-Demo",
      'Raw "Trading" Ltd',
      "USD",
      "10250.5",
      "500",
    ]);
    expect(built.status).toBe(0);
    const body = built.stdout.trim();
    const target = "/api/v1/device/hello";
    const res = await fetch(live().url + target, {
      method: "POST",
      headers: eaHeaders(owner.signer, "POST", target, "ea-hello-nonce-00001", body),
      body,
    });
    const raw = await res.text();
    expect(res.status, raw).toBe(200);
    expect(JSON.parse(raw)).toEqual({ settings });

    const file = path.join(buildDir, "hello-answer.json");
    writeFileSync(file, raw);
    const read = run("json_test", ["hello", file]);
    expect(read.status).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual(settings);

    const device = await live().app.inject({
      method: "GET",
      url: `/api/v1/devices/${owner.device.id}`,
      headers: owner.headers,
    });
    expect(device.json()).toMatchObject({
      account: {
        login: "51234567",
        server: "ICMarketsSC-Demo",
        company: 'Raw "Trading" Ltd',
        currency: "USD",
        balance: 10250.5,
        leverage: 500,
      },
      client: { name: "SignalDesk.mq5", version: "1.0.0" },
    });
  });

  it("sends ACK, fill and closed-trade reports for a real poll answer that the server accepts", async () => {
    const owner = await createDeviceOwner(live().deps, "vip");
    const market = await publishAndApprove(owner, {
      instrument: "EURUSD",
      side: "buy",
      orderType: "market",
      stopLoss: 1.05,
      takeProfit: 1.2,
    });
    const limit = await publishAndApprove(owner, {
      instrument: "XAUUSD",
      side: "sell",
      orderType: "limit",
      entryPrice: 2350.5,
      volume: 0.2,
    });
    const target = "/api/v1/device/poll?wait=0";
    const { headers } = signRequestFor(owner.signer, { method: "GET", url: target }, live().clock);
    const file = path.join(buildDir, "poll-for-engine.json");
    writeFileSync(file, await (await fetch(live().url + target, { headers })).text());

    const { stdout, status, stderr } = run("engine_test", ["live", file, String(nowSeconds())]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const reports = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { path: string; body: string });
    expect(reports.map((r) => r.path)).toEqual([
      "/api/v1/device/ack",
      "/api/v1/device/fill",
      "/api/v1/device/ack",
      "/api/v1/device/fill",
      "/api/v1/device/trades",
      "/api/v1/device/trades",
    ]);
    for (const report of reports) {
      const res = await post(owner.signer, report.path, report.body);
      expect(res.status, `${report.path} ${report.body}: ${await res.clone().text()}`).toBe(201);
    }

    for (const [signalId, price] of [
      [market, 1.085],
      [limit, 2350.5],
    ] as const) {
      const history = await live().app.inject({
        method: "GET",
        url: `/api/v1/signals/${signalId}/executions`,
        headers: owner.headers,
      });
      expect(history.json()).toMatchObject({
        summary: { filled: 1 },
        items: [{ status: "filled", price, volume: 0.01 }],
      });
    }
    const trades = await live().database.query<{ signal_id: string; ticket: string }>(
      "select signal_id, ticket from trades where device_id = $1 order by ticket",
      [owner.device.id],
    );
    // Both were published in the same instant, so the poll may list them in either order.
    expect(trades.map((t) => t.signal_id).sort()).toEqual([market, limit].sort());
  });
});
