import { afterEach, describe, expect, it, vi } from "vitest";
import { useTestApp } from "../../../test/support/app";
import { createDeviceOwner } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";

const POLL = { method: "GET", url: "/api/v1/device/poll?wait=0" } as const;

describe("request logs at LOG_LEVEL=warn (the request logger is made only when written to)", () => {
  const ctx = useTestApp({ env: { LOG_LEVEL: "warn" } });
  afterEach(() => vi.restoreAllMocks());

  it("answers signed empty polls without making a child logger", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const child = vi.spyOn(ctx().deps.logger, "child");
    for (let i = 0; i < 5; i++) {
      expect((await signedInject(ctx().app, ctx().clock, owner.signer, POLL)).statusCode).toBe(200);
    }
    expect(child).not.toHaveBeenCalled();
  });

  it("still writes a refused poll's warning with its request id", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    const res = await signedInject(
      ctx().app,
      ctx().clock,
      { ...owner.signer, secret: "not-the-secret" },
      { ...POLL, headers: { "x-request-id": "req-refused-1" } },
    );
    expect(res.statusCode).toBe(401);
    expect(res.headers["x-request-id"]).toBe("req-refused-1");
    const line = ctx().logs.find((l) => l.includes("signed request rejected"));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 40, reqId: "req-refused-1", reason: "bad_signature" });
  });

  it("still counts every poll in the HTTP metrics", async () => {
    const owner = await createDeviceOwner(ctx().deps, "vip");
    for (let i = 0; i < 3; i++) await signedInject(ctx().app, ctx().clock, owner.signer, POLL);
    const text = await ctx().deps.metrics.registry.getSingleMetricAsString("http_requests_total");
    expect(text).toContain('http_requests_total{method="GET",route="/api/v1/device/poll",status="200"} 3');
    const polls = await ctx().deps.metrics.registry.getSingleMetricAsString("device_polls_total");
    expect(polls).toContain('device_polls_total{result="empty"} 3');
  });
});
