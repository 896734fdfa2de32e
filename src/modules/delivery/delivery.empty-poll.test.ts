import { afterEach, describe, expect, it, vi } from "vitest";
import { type TestApp, useListeningTestApp } from "../../../test/support/app";
import { socketGet, stableHeaders } from "../../../test/support/early-answers";
import { createDeviceOwner } from "../../../test/support/factories";
import { deliveryCalls, type Signer, signedInject, signRequestFor } from "../../../test/support/signed";
import { newNonce } from "../../shared/signing";

const POLL = "/api/v1/device/poll?wait=0";
const BUY = { instrument: "EURUSD", side: "buy", orderType: "market", volume: 0.1 };

/** A signed poll over a real socket: the way to the path in front of Fastify (inject skips it). */
async function httpPoll(
  ctx: () => TestApp & { url: string },
  signer: Signer,
  opts: { url?: string; nonce?: string; headers?: Record<string, string> } = {},
) {
  const url = opts.url ?? POLL;
  const signed = signRequestFor(signer, { method: "GET", url, nonce: opts.nonce }, ctx().clock);
  return socketGet(`${ctx().url}${url}`, { ...signed.headers, ...opts.headers });
}

describe("the signed empty poll answered before routing (delivery.empty-poll.ts)", () => {
  const ctx = useListeningTestApp({ env: { LOG_LEVEL: "warn", RATE_LIMIT_DEVICE_PER_MINUTE: "5" } });
  afterEach(() => vi.restoreAllMocks());

  /** A device whose owner's access the route has read once (until then every poll goes to it). */
  async function polledDevice() {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    expect((await deliveryCalls(ctx, BUY).poll(owner.signer)).statusCode).toBe(200);
    return owner;
  }

  it("answers with the route's status, headers and bytes, without going through the route", async () => {
    const owner = await polledDevice();
    const viaRoute = await signedInject(ctx().app, ctx().clock, owner.signer, { method: "GET", url: POLL });
    const poll = vi.spyOn(ctx().deps.delivery, "poll");
    const ahead = await httpPoll(ctx, owner.signer);
    expect(poll).not.toHaveBeenCalled();
    expect(ahead.status).toBe(200);
    expect(ahead.body).toBe(viaRoute.body);
    expect(stableHeaders(ahead.headers)).toEqual(stableHeaders(viaRoute.headers));
    expect(ahead.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(ahead.headers["x-content-type-options"]).toBe("nosniff");
    expect(ahead.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await httpPoll(ctx, owner.signer, { headers: { "x-request-id": "poll-42" } });
    expect(echoed.headers["x-request-id"]).toBe("poll-42");
  });

  it("counts in the route's rate window, HTTP metrics and poll counter, and marks the device seen", async () => {
    const owner = await polledDevice();
    const touch = vi.spyOn(ctx().deps.devices, "touch");
    // The route's poll above spent one of the 5; the window is shared.
    expect((await httpPoll(ctx, owner.signer)).headers["x-ratelimit-remaining"]).toBe("3");
    expect((await httpPoll(ctx, owner.signer)).headers["x-ratelimit-remaining"]).toBe("2");
    expect(touch).toHaveBeenCalledWith(owner.device.id);
    const registry = ctx().deps.metrics.registry;
    expect(await registry.getSingleMetricAsString("http_requests_total")).toContain(
      'http_requests_total{method="GET",route="/api/v1/device/poll",status="200"} 3',
    );
    expect(await registry.getSingleMetricAsString("device_polls_total")).toContain(
      'device_polls_total{result="empty"} 3',
    );
  });

  it("leaves the 429 to the route once the device's budget is spent", async () => {
    const owner = await polledDevice();
    for (let i = 0; i < 4; i++) expect((await httpPoll(ctx, owner.signer)).status).toBe(200);
    const refused = await httpPoll(ctx, owner.signer);
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(refused.headers["retry-after"]).toBeDefined();
  });

  it("spends nothing on a bad signature: the route answers 401 and the nonce is still good", async () => {
    const owner = await polledDevice();
    const nonce = newNonce();
    const forged = await httpPoll(ctx, { ...owner.signer, secret: "not-the-secret" }, { nonce });
    expect(forged.status).toBe(401);
    expect(ctx().logs.some((l) => l.includes("signed request rejected"))).toBe(true);
    expect((await httpPoll(ctx, owner.signer, { nonce })).status).toBe(200);
    // Spent now: a replay is the route's 401.
    expect((await httpPoll(ctx, owner.signer, { nonce })).status).toBe(401);
  });

  it("hands the route a poll with something due, another wait, or an unknown device", async () => {
    const owner = await polledDevice();
    const poll = vi.spyOn(ctx().deps.delivery, "poll");
    expect((await httpPoll(ctx, owner.signer, { url: "/api/v1/device/poll?wait=1" })).status).toBe(200);
    expect(poll).toHaveBeenCalledTimes(1);
    const { publish, approve } = deliveryCalls(ctx, BUY);
    const signal = await publish();
    expect((await approve(owner.headers, signal.id)).statusCode).toBe(201);
    const due = await httpPoll(ctx, owner.signer);
    expect(JSON.parse(due.body).signals.map((s: { signalId: string }) => s.signalId)).toEqual([signal.id]);
    expect(poll).toHaveBeenCalledTimes(2);
    const stranger = await httpPoll(ctx, { id: "dev_unknown", secret: "whatever" });
    expect(stranger.status).toBe(401);
  });
  it("hands the route a poll it failed on, logs the failure, and the server stays up", async () => {
    const owner = await polledDevice();
    const poll = vi.spyOn(ctx().deps.delivery, "poll");
    vi.spyOn(ctx().deps.delivery, "answersEmptyAtOnce").mockImplementation(() => {
      throw new Error("index broke");
    });
    expect((await httpPoll(ctx, owner.signer)).status).toBe(200);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(ctx().logs.some((l) => l.includes("early answer failed"))).toBe(true);
    vi.restoreAllMocks();
    expect((await httpPoll(ctx, owner.signer)).status).toBe(200);
  });
});

describe("the signed empty poll while the server is overloaded or closing", () => {
  const ctx = useListeningTestApp({ env: { LOG_LEVEL: "warn" } });
  afterEach(() => vi.restoreAllMocks());

  it("goes through the route, which decides (503 when it sheds load)", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    await deliveryCalls(ctx, BUY).poll(owner.signer);
    const poll = vi.spyOn(ctx().deps.delivery, "poll");
    vi.spyOn(ctx().app, "isUnderPressure").mockReturnValue(true);
    expect((await httpPoll(ctx, owner.signer)).status).toBe(200);
    expect(poll).toHaveBeenCalledTimes(1);
  });
});

describe("the signed empty poll with request logs on (LOG_LEVEL=info)", () => {
  const ctx = useListeningTestApp({ env: { LOG_LEVEL: "info" } });

  it("goes through the route, which logs it", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    await deliveryCalls(ctx, BUY).poll(owner.signer);
    const poll = vi.spyOn(ctx().deps.delivery, "poll");
    const logged = ctx().logs.length;
    expect((await httpPoll(ctx, owner.signer)).status).toBe(200);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(
      ctx()
        .logs.slice(logged)
        .some((l) => l.includes("request completed")),
    ).toBe(true);
    vi.restoreAllMocks();
  });
});
