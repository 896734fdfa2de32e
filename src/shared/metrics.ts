import { createRequire } from "node:module";
import type * as PromClient from "prom-client";
import type { LabelValues, Registry } from "prom-client";

/*
 * Every metric is counted in plain numbers here, and prom-client (~65 CPU ms to load, with the
 * @opentelemetry/api its default CPU metric requires: docs/perf/cold-start.md, third round) is
 * loaded only when the registry is first needed: a scrape of /metrics, or `loadRegistry()`, which
 * main.ts calls a moment after the server answers. Its metrics then read these numbers at each
 * scrape (`collect`), so what was counted before it loaded is exported all the same, and the
 * exposition is prom-client's own.
 */

/** A counter, as the modules use it (prom-client's own Counter has this shape too). */
export interface Counter<L extends string = string> {
  inc(labels: LabelValues<L>, value?: number): void;
  inc(value?: number): void;
}

/** A histogram, as the modules use it (prom-client's own Histogram has this shape too). */
export interface Histogram<L extends string = string> {
  observe(labels: LabelValues<L>, value: number): void;
  observe(value: number): void;
}

export type Metrics = ReturnType<typeof createMetrics>;

type Client = typeof PromClient;
/** Declares a metric to prom-client once it is loaded. */
type Declaration = (client: Client, registry: Registry) => void;

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

// prom-client's rules, checked when a metric is declared so a bad one fails the start as before.
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Observations of one label set, counted as prom-client's Histogram would keep them. */
interface HistogramCell {
  labels: LabelValues<string>;
  /** Observations at or under each bucket bound, not cumulative (the last slot: above them all). */
  buckets: number[];
  sum: number;
  count: number;
}

const newCell = (labels: LabelValues<string>, bounds: number[]): HistogramCell => ({
  labels,
  buckets: new Array(bounds.length + 1).fill(0),
  sum: 0,
  count: 0,
});

function observeInto(cell: HistogramCell, bounds: number[], value: number): void {
  let b = 0;
  while (b < bounds.length && value > bounds[b]!) b++;
  cell.buckets[b]!++;
  cell.sum += value;
  cell.count++;
}

/**
 * prom-client's per-label-set record of a histogram (what `observe` keeps and `get` exports),
 * written from plain cells at scrape time; src/shared/metrics.test.ts pins the exposition.
 */
function writeHistogram(
  histogram: PromClient.Histogram<string>,
  bounds: number[],
  cells: Iterable<HistogramCell>,
) {
  const hashMap: Record<string, unknown> = {};
  let i = 0;
  for (const { labels, buckets, sum, count } of cells) {
    const bucketValues: Record<number, number> = {};
    bounds.forEach((bound, b) => {
      bucketValues[bound] = buckets[b]!;
    });
    hashMap[String(i++)] = { labels, bucketValues, sum, count };
  }
  (histogram as unknown as { hashMap: Record<string, unknown> }).hashMap = hashMap;
}

/** The label names a call gave that the metric does not have (prom-client refuses them too). */
function checkLabels(name: string, labelNames: readonly string[], labels: object): void {
  for (const label of Object.keys(labels)) {
    if (!labelNames.includes(label)) {
      throw new Error(
        `Added label "${label}" is not included in initial labelset: ${JSON.stringify(labelNames)} (${name})`,
      );
    }
  }
}

const keyOf = (labelNames: readonly string[], labels: LabelValues<string>) =>
  labelNames.map((n) => (labels[n] === undefined ? "\u0001" : String(labels[n]))).join("\u0000");

/**
 * The HTTP request counter and latency histogram, counted per (method, route). prom-client's
 * `inc(labels)` and `observe(labels, v)` validate and hash the label set on every call (and
 * `observe` allocates twice): ~4 % of the server's CPU in a signed empty poll
 * (docs/perf/poll-profile.md), for names that are the same for every request of a route.
 */
function httpMetrics(declare: (declaration: Declaration) => void) {
  const cells = new Map<string, Map<string, { statuses: Map<number, number>; histogram: HistogramCell }>>();
  const cellOf = (method: string, route: string) => {
    let byMethod = cells.get(route);
    if (!byMethod) {
      byMethod = new Map();
      cells.set(route, byMethod);
    }
    let cell = byMethod.get(method);
    if (!cell) {
      cell = { statuses: new Map(), histogram: newCell({ method, route }, HTTP_BUCKETS) };
      byMethod.set(method, cell);
    }
    return cell;
  };
  const everyCell = function* () {
    for (const byMethod of cells.values()) yield* byMethod.values();
  };

  declare(({ Counter, Histogram }, registry) => {
    new Counter({
      name: "http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { histogram, statuses } of everyCell()) {
          for (const [status, n] of statuses) this.inc({ ...histogram.labels, status }, n);
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
        writeHistogram(
          this,
          HTTP_BUCKETS,
          [...everyCell()].map((c) => c.histogram),
        );
      },
    });
  });

  return {
    /** One answered request: its method, route pattern (or "unmatched"), status and seconds taken. */
    record(method: string, route: string, status: number, seconds: number): void {
      const cell = cellOf(method, route);
      cell.statuses.set(status, (cell.statuses.get(status) ?? 0) + 1);
      observeInto(cell.histogram, HTTP_BUCKETS, seconds);
    },
  };
}

/**
 * One registry per app instance (tests build many apps in one process). Modules add their
 * domain counters with `counter()`/`histogram()`/`gauge()`; names are those SPEC.md
 * §Observability lists. `promClient` is for tests: it loads prom-client.
 */
export function createMetrics(opts: { defaultMetrics?: boolean; promClient?: () => Client } = {}) {
  const promClient = opts.promClient ?? (() => createRequire(import.meta.url)("prom-client") as Client);
  const declarations: Declaration[] = [];
  const names = new Set<string>();
  let loaded: { client: Client; registry: Registry } | undefined;

  /** The registry, with every metric declared so far (and later ones as they are declared). */
  const load = () => {
    if (!loaded) {
      const client = promClient();
      const registry = new client.Registry();
      if (opts.defaultMetrics) client.collectDefaultMetrics({ register: registry });
      loaded = { client, registry };
      for (const declaration of declarations) declaration(client, registry);
    }
    return loaded.registry;
  };
  const declare = (declaration: Declaration) => {
    if (loaded) declaration(loaded.client, loaded.registry);
    else declarations.push(declaration);
  };
  const named = (name: string, labelNames: readonly string[]) => {
    if (!METRIC_NAME.test(name)) throw new Error(`Invalid metric name: ${name}`);
    if (!labelNames.every((l) => LABEL_NAME.test(l))) throw new Error(`Invalid label name: ${labelNames}`);
    if (names.has(name)) throw new Error(`A metric with the name ${name} has already been registered.`);
    names.add(name);
  };
  named("http_requests_total", []);
  named("http_request_duration_seconds", []);

  return {
    /** prom-client's registry: loads prom-client at its first use. */
    get registry(): Registry {
      return load();
    },
    /** Loads prom-client now (main.ts: once the server answers), so its default metrics start observing. */
    loadRegistry(): void {
      load();
    },
    http: httpMetrics(declare),
    counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
      named(name, labelNames);
      const cells = new Map<string, { labels: LabelValues<L>; value: number }>();
      declare(({ Counter }, registry) => {
        new Counter<L>({
          name,
          help,
          labelNames,
          registers: [registry],
          collect() {
            this.reset();
            for (const { labels, value } of cells.values()) this.inc(labels, value);
          },
        });
      });
      return {
        inc(labelsOrValue?: LabelValues<L> | number, value?: number): void {
          const labels = typeof labelsOrValue === "object" ? labelsOrValue : {};
          const by = (typeof labelsOrValue === "object" ? value : labelsOrValue) ?? 1;
          checkLabels(name, labelNames, labels);
          if (!Number.isFinite(by)) throw new TypeError(`Value is not a valid number: ${by}`);
          if (by < 0) throw new Error("It is not possible to decrease a counter");
          const key = keyOf(labelNames, labels);
          const cell = cells.get(key);
          if (cell) cell.value += by;
          else cells.set(key, { labels: { ...labels }, value: by });
        },
      } as Counter<L>;
    },
    histogram<L extends string>(
      name: string,
      help: string,
      buckets: number[],
      labelNames: readonly L[] = [],
    ): Histogram<L> {
      named(name, labelNames);
      // prom-client takes them as given and counts unsorted bounds wrongly; none is.
      if (buckets.some((bound, i) => i > 0 && bound <= buckets[i - 1]!)) {
        throw new Error(`${name}: buckets must increase`);
      }
      const bounds = [...buckets];
      const cells = new Map<string, HistogramCell>();
      // prom-client shows a histogram without labels at zero before its first observation.
      if (labelNames.length === 0) cells.set("", newCell({}, bounds));
      declare(({ Histogram }, registry) => {
        new Histogram<L>({
          name,
          help,
          labelNames,
          buckets: bounds,
          registers: [registry],
          collect() {
            writeHistogram(this as PromClient.Histogram<string>, bounds, cells.values());
          },
        });
      });
      return {
        observe(labelsOrValue: LabelValues<L> | number, value?: number): void {
          const labels = typeof labelsOrValue === "object" ? labelsOrValue : {};
          const seconds = typeof labelsOrValue === "object" ? value : labelsOrValue;
          checkLabels(name, labelNames, labels);
          if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${seconds}`);
          const key = labelNames.length === 0 ? "" : keyOf(labelNames, labels);
          let cell = cells.get(key);
          if (!cell) {
            cell = newCell({ ...labels }, bounds);
            cells.set(key, cell);
          }
          observeInto(cell, bounds, seconds as number);
        },
      } as Histogram<L>;
    },
    /** A gauge read at each scrape. */
    gauge(name: string, help: string, read: () => number): void {
      named(name, []);
      declare(({ Gauge }, registry) => {
        new Gauge({
          name,
          help,
          registers: [registry],
          collect() {
            this.set(read());
          },
        });
      });
    },
  };
}
