import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics";

const lines = (text: string, prefix: string) => text.split("\n").filter((l) => l.startsWith(prefix));

describe("HTTP request metrics (counted in plain numbers, exposed by prom-client)", () => {
  it("count requests by method, route and status", async () => {
    const metrics = createMetrics();
    metrics.http.record("GET", "/api/v1/device/poll", 200, 0.002);
    metrics.http.record("GET", "/api/v1/device/poll", 200, 0.003);
    metrics.http.record("GET", "/api/v1/device/poll", 401, 0.001);
    metrics.http.record("POST", "/api/v1/device/fill", 201, 0.02);
    const text = await metrics.registry.metrics();
    expect(lines(text, "http_requests_total{").sort()).toEqual([
      'http_requests_total{method="GET",route="/api/v1/device/poll",status="200"} 2',
      'http_requests_total{method="GET",route="/api/v1/device/poll",status="401"} 1',
      'http_requests_total{method="POST",route="/api/v1/device/fill",status="201"} 1',
    ]);
    // A second scrape says the same (no double counting), and later requests add to it.
    metrics.http.record("GET", "/api/v1/device/poll", 200, 0.002);
    const again = await metrics.registry.metrics();
    expect(again).toContain('http_requests_total{method="GET",route="/api/v1/device/poll",status="200"} 3');
    expect(again).toContain('http_requests_total{method="POST",route="/api/v1/device/fill",status="201"} 1');
  });

  it("expose the latency histogram exactly as prom-client's observe() would", async () => {
    const seconds = [0.0005, 0.001, 0.0011, 0.004, 0.2, 0.9, 3, 31, 0.01];
    const metrics = createMetrics();
    const reference = new Registry();
    const observed = new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [reference],
    });
    for (const s of seconds) {
      metrics.http.record("GET", "/quotes", 200, s);
      observed.observe({ method: "GET", route: "/quotes" }, s);
    }
    metrics.http.record("GET", "unmatched", 404, 0.001);
    observed.observe({ method: "GET", route: "unmatched" }, 0.001);
    const ours = await metrics.registry.getSingleMetricAsString("http_request_duration_seconds");
    expect(ours).toBe(await reference.getSingleMetricAsString("http_request_duration_seconds"));
    expect(ours).toContain('http_request_duration_seconds_bucket{le="0.001",method="GET",route="/quotes"} 2');
    expect(ours).toContain('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/quotes"} 9');
    expect(ours).toContain('http_request_duration_seconds_count{method="GET",route="/quotes"} 9');
  });
});
