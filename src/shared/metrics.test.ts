import * as promClient from "prom-client";
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

describe("prom-client, loaded when the registry is first needed", () => {
  it("is not loaded by declaring and counting, and exports what was counted before it loaded", async () => {
    let loads = 0;
    const metrics = createMetrics({
      promClient: () => {
        loads++;
        return promClient;
      },
    });
    const orders = metrics.counter("orders_total", "Orders", ["status"]);
    const published = metrics.counter("signals_published_total", "Signals published");
    const delivery = metrics.histogram("signal_delivery_seconds", "Delivery", [0.1, 1, 10]);
    metrics.gauge("device_polls_waiting", "Parked polls", () => 3);
    orders.inc({ status: "paid" });
    orders.inc({ status: "paid" }, 2);
    published.inc();
    delivery.observe(0.5);
    metrics.http.record("GET", "/readyz", 200, 0.004);
    expect(loads).toBe(0);

    metrics.loadRegistry();
    expect(loads).toBe(1);
    // Counted after it loaded, and by a metric declared after it loaded.
    orders.inc({ status: "refunded" });
    metrics.counter("executions_total", "Executions", ["status"]).inc({ status: "filled" });
    const text = await metrics.registry.metrics();
    expect(loads).toBe(1);
    for (const line of [
      'orders_total{status="paid"} 3',
      'orders_total{status="refunded"} 1',
      "signals_published_total 1",
      "signal_delivery_seconds_count 1",
      'signal_delivery_seconds_bucket{le="1"} 1',
      "device_polls_waiting 3",
      'http_requests_total{method="GET",route="/readyz",status="200"} 1',
      'executions_total{status="filled"} 1',
    ]) {
      expect(text.split("\n"), line).toContain(line);
    }
  });

  it("exposes counters, histograms and gauges exactly as prom-client's own would", async () => {
    const metrics = createMetrics();
    const reference = new Registry();
    const ours = {
      orders: metrics.counter("orders_total", "Orders reaching each status", ["status"]),
      idle: metrics.counter("idle_total", "Never counted"),
      unused: metrics.counter("unused_total", "Never counted, by kind", ["kind"]),
      fills: metrics.histogram("fill_seconds", "Fills", [0.01, 0.5, 1]),
      byKind: metrics.histogram("kind_seconds", "By kind", [0.1, 1], ["kind"]),
      idleHistogram: metrics.histogram("idle_seconds", "Never observed", [1]),
    };
    metrics.gauge("waiting", "Parked", () => 7);
    const registers = [reference];
    const theirs = {
      orders: new promClient.Counter({
        name: "orders_total",
        help: "Orders reaching each status",
        labelNames: ["status"],
        registers,
      }),
      idle: new promClient.Counter({ name: "idle_total", help: "Never counted", registers }),
      unused: new promClient.Counter({
        name: "unused_total",
        help: "Never counted, by kind",
        labelNames: ["kind"],
        registers,
      }),
      fills: new promClient.Histogram({
        name: "fill_seconds",
        help: "Fills",
        buckets: [0.01, 0.5, 1],
        registers,
      }),
      byKind: new promClient.Histogram({
        name: "kind_seconds",
        help: "By kind",
        buckets: [0.1, 1],
        labelNames: ["kind"],
        registers,
      }),
      idleHistogram: new promClient.Histogram({
        name: "idle_seconds",
        help: "Never observed",
        buckets: [1],
        registers,
      }),
    };
    new promClient.Gauge({
      name: "waiting",
      help: "Parked",
      registers,
      collect() {
        this.set(7);
      },
    });
    for (const m of [ours, theirs]) {
      m.orders.inc({ status: "pending" });
      m.orders.inc({ status: "paid" }, 4);
      m.orders.inc({ status: "pending" }, 0);
      m.orders.inc({ status: "pending" });
      for (const s of [0.005, 0.01, 0.2, 0.5, 0.7, 3]) m.fills.observe(s);
      m.byKind.observe({ kind: "b" }, 2);
      m.byKind.observe({ kind: "a" }, 0.05);
      m.byKind.observe({ kind: "b" }, 0.5);
    }
    for (const name of [
      "orders_total",
      "idle_total",
      "unused_total",
      "fill_seconds",
      "kind_seconds",
      "idle_seconds",
      "waiting",
    ]) {
      expect(await metrics.registry.getSingleMetricAsString(name), name).toBe(
        await reference.getSingleMetricAsString(name),
      );
    }
  });

  it("refuses what prom-client refuses, when it is asked", () => {
    const metrics = createMetrics();
    const orders = metrics.counter("orders_total", "Orders", ["status"]);
    expect(() => metrics.counter("orders_total", "Again")).toThrow(/already been registered/);
    expect(() => metrics.counter("orders-total", "Bad name")).toThrow(/Invalid metric name/);
    expect(() => orders.inc({ state: "paid" } as never)).toThrow(/not included in initial labelset/);
    expect(() => orders.inc({ status: "paid" }, -1)).toThrow(/not possible to decrease/);
    expect(() => metrics.histogram("h_seconds", "H", [1]).observe(Number.NaN)).toThrow(/not a valid number/);
    expect(() => metrics.histogram("u_seconds", "U", [1, 0.5])).toThrow(/buckets must increase/);
  });
});
