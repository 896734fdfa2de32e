import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The SPEC.md §Speed goals as checks over each scenario's figures, and the README's
 * performance table rendered from bench/results/latest.json. bench/run.ts attaches the goals
 * to every scenario and rewrites the table after a full run; `tsx bench/report.ts` rewrites
 * the table from the committed latest.json without measuring anything.
 */

type Figures = Record<string, unknown>;

export interface GoalCheck {
  check: string;
  met: boolean;
}

/** `met` is null when the scenario has no figures (it failed, was skipped, or never ran). */
export interface GoalResult {
  goal: string;
  met: boolean | null;
  checks: GoalCheck[];
}

interface ScenarioGoal {
  key: string;
  label: string;
  /** The figures SPEC.md's latest.json shape names for this scenario. */
  fields: string[];
  goal: string;
  checks(f: Figures): GoalCheck[];
  measured(f: Figures): string;
}

export const README_START = "<!-- bench:table:start -->";
export const README_END = "<!-- bench:table:end -->";

const num = (f: Figures, key: string): number => {
  const v = f[key];
  return typeof v === "number" ? v : Number.NaN;
};
/** A figure reported per instance: a list of numbers (empty when it is not one). */
const nums = (f: Figures, key: string): number[] => {
  const v = f[key];
  return Array.isArray(v) && v.every((x) => typeof x === "number") ? v : [];
};
/** 1234.5 → "1,234.5": every figure in the table is written the same way. */
const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString("en-US") : "?");
const check = (text: string, met: boolean): GoalCheck => ({ check: text, met });

const fanout = (key: string, label: string): ScenarioGoal => ({
  key,
  label,
  fields: ["devices", "p50Ms", "p99Ms", "maxMs", "received", "rssIdleMb", "rssPeakMb"],
  goal: "p99 ≤ 500 ms, RSS ≤ 400 MB, every device served",
  checks: (f) => [
    check("p99 ≤ 500 ms", num(f, "p99Ms") <= 500),
    check("RSS ≤ 400 MB", num(f, "rssPeakMb") <= 400),
    check("every device received the signal", num(f, "received") === num(f, "devices")),
  ],
  measured: (f) =>
    `${fmt(num(f, "received"))}/${fmt(num(f, "devices"))} received; p50 ${fmt(num(f, "p50Ms"))} ms, ` +
    `p99 ${fmt(num(f, "p99Ms"))} ms; RSS ${fmt(num(f, "rssIdleMb"))} → ${fmt(num(f, "rssPeakMb"))} MB`,
});

const versusBare = (f: Figures, unit: string): string =>
  `${fmt(num(f, "rps"))} ${unit} = ${fmt(num(f, "ratio"))} × bare route (${fmt(num(f, "baselineRps"))}); ` +
  `p99 ${fmt(num(f, "p99Ms"))} ms`;

/** SPEC.md §Speed and memory, in its order. */
export const GOALS: ScenarioGoal[] = [
  {
    key: "poll",
    label: "signed poll, nothing pending, 1,000 devices",
    fields: ["rps", "baselineRps", "ratio", "p50Ms", "p99Ms", "devices"],
    goal: "≥ 0.5 × bare route, p99 ≤ 25 ms",
    checks: (f) => [
      check("throughput ≥ 0.5 × bare route", num(f, "ratio") >= 0.5),
      check("p99 ≤ 25 ms", num(f, "p99Ms") <= 25),
    ],
    measured: (f) => versusBare(f, "req/s"),
  },
  fanout("fanout_pglite", "fan-out to 5,000 long-polling devices, PGlite"),
  fanout("fanout_postgres", "fan-out to 5,000 long-polling devices, PostgreSQL"),
  {
    key: "fills",
    label: "signed fills on PostgreSQL",
    fields: ["rps", "sent", "stored", "p99Ms"],
    goal: "≥ 4,000/s, none lost",
    checks: (f) => [
      check("≥ 4,000 fills/s", num(f, "rps") >= 4000),
      check("none lost", num(f, "lost") === 0),
    ],
    measured: (f) =>
      `${fmt(num(f, "rps"))}/s; ${fmt(num(f, "sent"))} sent, ${fmt(num(f, "stored"))} stored, ` +
      `${fmt(num(f, "lost"))} lost; p99 ${fmt(num(f, "p99Ms"))} ms`,
  },
  {
    key: "telegram",
    label: "Telegram webhook updates, with redeliveries",
    fields: ["rps", "sent", "stored"],
    goal: "≥ 1,000 updates/s acknowledged, de-duplicated, none lost; on PostgreSQL a 10 s burst at 1,000/s all answered within 10 s of its end",
    checks: (f) => [
      check("≥ 1,000 updates/s acknowledged", num(f, "rps") >= 1000),
      check("none lost", num(f, "lost") === 0 && num(f, "handlerBurstLost") === 0),
      // The paced burst itself must have reached the rate, or a quick drain would prove nothing.
      check("burst delivered at 1,000 updates/s on PostgreSQL", num(f, "handlerBurstRps") >= 950),
      check(
        "handlers drained within 10 s of the burst's end",
        num(f, "handlerDrainMs") <= 10_000 && num(f, "handlerUnanswered") === 0,
      ),
      // A redelivery handled again would answer again; each acknowledged one must be logged as a
      // repeat, except where its first delivery was refused (a 503 under overload logs nothing,
      // so the repeat is the first the log saw): one per refused request at most.
      check(
        "redeliveries recognised and not handled again",
        num(f, "repliesSent") <= num(f, "stored") &&
          num(f, "redeliveriesLogged") >=
            num(f, "duplicatesAcknowledged") - (num(f, "sent") - num(f, "acknowledged")),
      ),
    ],
    measured: (f) =>
      `${fmt(num(f, "rps"))} updates/s acknowledged` +
      (typeof f.baselineRps === "number"
        ? ` = ${fmt(num(f, "ratio"))} × bare route (${fmt(f.baselineRps)})`
        : "") +
      `; ${fmt(num(f, "sent"))} sent ` +
      `(${fmt(num(f, "duplicatesSent"))} redeliveries), ${fmt(num(f, "stored"))} stored, ` +
      `${fmt(num(f, "lost"))} lost; p99 ${fmt(num(f, "p99Ms"))} ms; ` +
      (typeof f.handlersSkipped === "string"
        ? `PostgreSQL burst skipped: ${f.handlersSkipped}`
        : `PostgreSQL burst ${fmt(num(f, "handlerBurstRps"))}/s × 10 s: backlog ` +
          `${fmt(num(f, "handlerBacklog"))} at its end, all answered ` +
          (f.handlerDrainMs === null
            ? `not within ${fmt(num(f, "handlerDrainCapMs"))} ms`
            : `${fmt(num(f, "handlerDrainMs"))} ms after`)),
  },
  {
    key: "quotes",
    label: "`GET /quotes`",
    fields: ["rps", "baselineRps", "ratio", "p99Ms"],
    goal: "≥ 0.5 × bare route",
    checks: (f) => [check("throughput ≥ 0.5 × bare route", num(f, "ratio") >= 0.5)],
    measured: (f) => versusBare(f, "req/s"),
  },
  {
    key: "scaleout",
    label: "scale-out: 20,000 long-polling devices over two instances sharing PostgreSQL and Redis",
    fields: ["devices", "instances", "p50Ms", "p99Ms", "received", "rssPeakMb"],
    goal: "p99 ≤ 1,000 ms, every device served, RSS ≤ 400 MB on each instance",
    checks: (f) => [
      check("p99 ≤ 1,000 ms", num(f, "p99Ms") <= 1000),
      check(
        "RSS ≤ 400 MB on each instance",
        nums(f, "rssPeakMb").length === num(f, "instances") && nums(f, "rssPeakMb").every((mb) => mb <= 400),
      ),
      check("every device received the signal", num(f, "received") === num(f, "devices")),
      check("20,000 devices over 2 instances", num(f, "devices") >= 20_000 && num(f, "instances") >= 2),
    ],
    measured: (f) => {
      const idle = nums(f, "rssIdleMb");
      const rss = nums(f, "rssPeakMb")
        .map((peak, i) => (idle[i] === undefined ? fmt(peak) : `${fmt(idle[i])} → ${fmt(peak)}`))
        .join(", ");
      return (
        `${fmt(num(f, "received"))}/${fmt(num(f, "devices"))} received over ${fmt(num(f, "instances"))} instances; ` +
        `p50 ${fmt(num(f, "p50Ms"))} ms, p99 ${fmt(num(f, "p99Ms"))} ms; RSS per instance ${rss || "?"} MB`
      );
    },
  },
  {
    key: "updates_fanout",
    label: "a `close` update to 5,000 long-polling devices holding the position",
    fields: ["devices", "p50Ms", "p99Ms", "received"],
    goal: "p99 ≤ 500 ms, every device served",
    checks: (f) => [
      check("p99 ≤ 500 ms", num(f, "p99Ms") <= 500),
      check("every device received the update", num(f, "received") === num(f, "devices")),
    ],
    measured: (f) =>
      `${fmt(num(f, "received"))}/${fmt(num(f, "devices"))} received; p50 ${fmt(num(f, "p50Ms"))} ms, ` +
      `p99 ${fmt(num(f, "p99Ms"))} ms`,
  },
  {
    key: "channel_expiry",
    label: "1,000 channel members expiring together, Bot API fake at 30 req/s",
    fields: ["members", "removedMs", "removed", "wronglyRemoved", "rateLimited"],
    goal: "all removed within 60 s, no member removed who still qualifies",
    checks: (f) => [
      check("all removed", num(f, "removed") === num(f, "members") && num(f, "members") >= 1000),
      check("within 60 s", f.removedMs !== null && num(f, "removedMs") <= 60_000),
      check("no qualifying member removed", num(f, "wronglyRemoved") === 0),
    ],
    measured: (f) =>
      `${fmt(num(f, "removed"))}/${fmt(num(f, "members"))} removed in ${fmt(num(f, "removedMs"))} ms ` +
      `(unbanned by ${fmt(num(f, "unbannedMs"))} ms); ${fmt(num(f, "wronglyRemoved"))} wrongly removed; ` +
      `${fmt(num(f, "rateLimited"))} answered 429`,
  },
  {
    key: "admin_stats",
    label: "console stats, `GET /api/v1/admin/stats?days=90`, PostgreSQL",
    fields: ["orders", "users", "p50Ms", "p95Ms"],
    goal: "p95 ≤ 250 ms over 100,000 paid orders and 20,000 users",
    checks: (f) => [
      check("p95 ≤ 250 ms", num(f, "p95Ms") <= 250),
      check("≥ 100,000 orders and 20,000 users", num(f, "orders") >= 100_000 && num(f, "users") >= 20_000),
    ],
    measured: (f) =>
      `p50 ${fmt(num(f, "p50Ms"))} ms, p95 ${fmt(num(f, "p95Ms"))} ms over ${fmt(num(f, "orders"))} orders, ` +
      `${fmt(num(f, "users"))} users`,
  },
  {
    key: "cold_start",
    label: "cold start, fresh `DATA_DIR` to `/readyz` 200",
    fields: ["ms"],
    goal: "≤ 1.5 s",
    checks: (f) => [check("≤ 1,500 ms", num(f, "ms") <= 1500)],
    measured: (f) => {
      const runs = Array.isArray(f.runsMs) ? f.runsMs.length : 1;
      return `${fmt(num(f, "ms"))} ms${runs > 1 ? ` (median of ${runs})` : ""}`;
    },
  },
];

/** Why a scenario has no figures, or undefined when it has them. */
function missing(f: Figures | undefined): string | undefined {
  if (!f) return "not run";
  if (typeof f.error === "string") return `failed: ${f.error}`;
  if (typeof f.skipped === "string") return `skipped: ${f.skipped}`;
  return undefined;
}

/** The goal of the scenario `key` judged on its figures; undefined for a scenario SPEC sets none for. */
export function evaluate(key: string, figures: Figures | undefined): GoalResult | undefined {
  const spec = GOALS.find((g) => g.key === key);
  if (!spec) return undefined;
  if (missing(figures)) return { goal: spec.goal, met: null, checks: [] };
  const checks = spec.checks(figures!);
  return { goal: spec.goal, met: checks.every((c) => c.met), checks };
}

/** Figures SPEC.md's shape asks of scenario `key` that `figures` lacks (none when it has no figures). */
export function missingFields(key: string, figures: Figures | undefined): string[] {
  const spec = GOALS.find((g) => g.key === key);
  if (!spec || missing(figures)) return [];
  // A per-instance figure (scaleout's rssPeakMb) is a non-empty list of numbers.
  return spec.fields.filter((f) => typeof figures![f] !== "number" && nums(figures!, f).length === 0);
}

/**
 * Every scenario's figures with its `goals` (re)computed, and `missingFields` listing what
 * SPEC.md's shape asks for and the scenario did not report, if anything.
 */
export function withGoals(scenarios: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(scenarios).map(([key, value]) => {
      const { goals: _old, missingFields: _stale, ...figures } = (value ?? {}) as Figures;
      const goals = evaluate(key, figures);
      const lacking = missingFields(key, figures);
      return [
        key,
        { ...figures, ...(goals ? { goals } : {}), ...(lacking.length ? { missingFields: lacking } : {}) },
      ];
    }),
  );
}

export interface BenchReport {
  machine?: {
    cpuModel?: string;
    cpus?: number;
    loadAvg?: number[];
    loadAvgAtStart?: number[];
    node?: string;
  };
  at?: string;
  /** Set when only these scenarios were re-measured; the others' figures are from earlier runs. */
  only?: string[];
  tookSeconds?: number;
  scenarios?: Record<string, unknown>;
}

const metText = (met: boolean | null): string => (met === null ? "not measured" : met ? "yes" : "**no**");

/** The README's table (and the line saying where and when it was measured), from a report. */
export function renderTable(report: BenchReport): string {
  const scenarios = report.scenarios ?? {};
  const m = report.machine ?? {};
  const load = (l: number[] | undefined) => (l ? l.join(" / ") : "?");
  const busy = m.loadAvgAtStart
    ? `load average ${load(m.loadAvgAtStart)} at the start and ${load(m.loadAvg)} at the end`
    : `load average ${load(m.loadAvg)} at the end`;
  const lines = [
    `Measured ${report.at ?? "?"} on ${m.cpus ?? "?"} × ${m.cpuModel ?? "?"}, Node ${m.node ?? "?"}, ` +
      `${busy} (1 / 5 / 15 min); the run took ${fmt(report.tookSeconds ?? Number.NaN)} s` +
      (report.only ? ` and re-measured only ${report.only.join(", ")} (the rest are earlier figures).` : "."),
    "",
    "| scenario | measured | SPEC goal | met |",
    "|---|---|---|---|",
  ];
  for (const spec of GOALS) {
    const figures = scenarios[spec.key] as Figures | undefined;
    const why = missing(figures);
    const result = evaluate(spec.key, figures)!;
    const measured = why ?? spec.measured(figures!);
    lines.push(
      `| ${spec.label} | ${measured.replaceAll("|", "\\|")} | ${spec.goal} | ${metText(result.met)} |`,
    );
  }
  return lines.join("\n");
}

/** `readme` with everything between the table markers replaced by `table`. */
export function replaceTable(readme: string, table: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${README_START} … ${README_END} section to write the table into`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`;
}

export const README_PATH = path.resolve(import.meta.dirname, "../README.md");
export const LATEST_PATH = path.resolve(import.meta.dirname, "results/latest.json");

/** Rewrites the README's table from `report`. */
export function writeReadmeTable(report: BenchReport, readmePath = README_PATH): void {
  const readme = readFileSync(readmePath, "utf8");
  writeFileSync(readmePath, replaceTable(readme, renderTable(report)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeReadmeTable(JSON.parse(readFileSync(LATEST_PATH, "utf8")) as BenchReport);
  process.stderr.write(`bench: README table rewritten from ${path.relative(process.cwd(), LATEST_PATH)}\n`);
}
