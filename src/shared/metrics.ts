import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export type Metrics = ReturnType<typeof createMetrics>;

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One (method, route)'s requests: counts by status and the latency histogram, plain numbers. */
interface HttpCell {
  labels: { method: string; route: string };
  statuses: Map<number, number>;
  /** Requests at or under each of HTTP_BUCKETS, not cumulative (the last slot: above them all). */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * The HTTP request counter and latency histogram, counted in plain numbers per (method, route)
 * and handed to prom-client when /metrics is scraped. prom-client's `inc(labels)` and
 * `observe(labels, v)` validate and hash the label set on every call (and `observe` allocates
 * twice): ~4 % of the server's CPU in a signed empty poll (docs/perf/poll-profile.md), for
 * names that are the same for every request of a route. The exposition is prom-client's own,
 * unchanged.
 */
function httpMetrics(registry: Registry) {
  const cells = new Map<string, Map<string, HttpCell>>();
  const cellOf = (method: string, route: string): HttpCell => {
    let byMethod = cells.get(route);
    if (!byMethod) {
      byMethod = new Map();
      cells.set(route, byMethod);
    }
    let cell = byMethod.get(method);
    if (!cell) {
      cell = {
        labels: { method, route },
        statuses: new Map(),
        buckets: new Array(HTTP_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byMethod.set(method, cell);
    }
    return cell;
  };
  const everyCell = function* () {
    for (const byMethod of cells.values()) yield* byMethod.values();
  };

  new Counter({
    name: "http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, statuses } of everyCell()) {
        for (const [status, n] of statuses) this.inc({ ...labels, status }, n);
      }
    },
  });
  new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["method", "route"] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
    collect() {
      // prom-client's own per-label-set record (what `observe` keeps and `get` exports), written
      // from the cells; src/shared/metrics.test.ts pins the exposition it gives.
      const hashMap: Record<string, unknown> = {};
      let i = 0;
      for (const { labels, buckets, sum, count } of everyCell()) {
        const bucketValues: Record<number, number> = {};
        HTTP_BUCKETS.forEach((bound, b) => {
          bucketValues[bound] = buckets[b]!;
        });
        hashMap[String(i++)] = { labels, bucketValues, sum, count };
      }
      (this as unknown as { hashMap: Record<string, unknown> }).hashMap = hashMap;
    },
  });

  return {
    /** One answered request: its method, route pattern (or "unmatched"), status and seconds taken. */
    record(method: string, route: string, status: number, seconds: number): void {
      const cell = cellOf(method, route);
      cell.statuses.set(status, (cell.statuses.get(status) ?? 0) + 1);
      let b = 0;
      while (b < HTTP_BUCKETS.length && seconds > HTTP_BUCKETS[b]!) b++;
      cell.buckets[b]!++;
      cell.sum += seconds;
      cell.count++;
    },
  };
}

/**
 * One registry per app instance (tests build many apps in one process). Modules add their
 * domain counters with `counter()`/`histogram()`; names are those SPEC.md §Observability lists.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    http: httpMetrics(registry),
    counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
      return new Counter<L>({ name, help, labelNames, registers: [registry] });
    },
    histogram<L extends string>(
      name: string,
      help: string,
      buckets: number[],
      labelNames: readonly L[] = [],
    ) {
      return new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });
    },
  };
}
