import { FakeTelegramApi } from "../../test/fakes/telegram-api";
import { freshBenchDatabase } from "../lib/bench-database";
import { measureTelegram } from "../lib/telegram-load";
import { type BenchApp, measure, round, startApp, startBaseline } from "../support";

export const name = "telegram";

const WEBHOOK_SECRET = "bench-webhook-secret";
/** Update ids of this run start here, so the log's rows are all ours and easy to tell apart. */
const FIRST_UPDATE_ID = 500_000_000;
/**
 * The handlers' burst runs on its own PostgreSQL database (dropped and created afresh), not the
 * shared `bench` one the fan-out and fills scenarios recreate: BENCH_TELEGRAM_DATABASE_URL moves
 * it, e.g. when two people run the bench on one server at the same time.
 */
const TELEGRAM_DATABASE_URL =
  process.env.BENCH_TELEGRAM_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/bench_telegram";
/** SPEC.md §Speed 4: a 10 s burst at 1,000 updates/s… */
const BURST_RATE = 1_000;
/** …answered within 10 s of its end. The wait goes on past the goal so the figure is real. */
const DRAIN_GOAL_MS = 10_000;
const DRAIN_CAP_MS = 90_000;

const CONNECTIONS = 32;
const USERS = 20_000;
const DUPLICATE_EVERY = 10;

async function startBot(databaseUrl?: string) {
  const api = await new FakeTelegramApi().start();
  const app = await startApp({
    databaseUrl,
    env: {
      TELEGRAM_BOT_TOKEN: "123456:bench-token-0123456789abcdefghij",
      TELEGRAM_BOT_USERNAME: api.botUsername,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
  const telegram = app.deps.telegram;
  if (telegram?.mode !== "webhook") throw new Error("the bot did not start in webhook mode");
  return { api, app, telegram };
}

/** Waits for every acknowledged update's handler, at most `capMs`; the time taken, or null past the cap. */
async function drain(telegram: { intake: { settled(): Promise<void> } }, capMs: number) {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<"cap">((r) => {
    timer = setTimeout(() => r("cap"), capMs);
  });
  const outcome = await Promise.race([telegram.intake.settled(), cap]).finally(() => clearTimeout(timer));
  return outcome === "cap" ? null : Date.now() - started;
}

/** The log's rows of this run: stored ids, how many per status, and deliveries counted. */
async function logged(app: BenchApp) {
  const rows = await app.database.query<{ update_id: string | number; deliveries: number; status: string }>(
    "select update_id, deliveries, status from telegram_updates where update_id >= $1",
    [FIRST_UPDATE_ID],
  );
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    stored: new Set(rows.map((r) => Number(r.update_id))),
    byStatus,
    deliveries: rows.reduce((n, r) => n + Number(r.deliveries), 0),
  };
}

/** Transactions committed in the app's database so far: each statement outside a transaction is one. */
async function commits(app: BenchApp): Promise<number> {
  const [row] = await app.database.query<{ n: string }>(
    "select xact_commit::text as n from pg_stat_database where datname = current_database()",
  );
  return Number(row?.n ?? Number.NaN);
}

/**
 * Acknowledgement on the embedded default: updates posted to the webhook as Telegram delivers
 * them (secret header, one update per request) by 32 connections as fast as they are answered:
 * private messages (/start, /help, plain text) from 20,000 different people, and every 10th
 * request a redelivery of an update_id sent shortly before. A 200 means the update is in the log
 * (the write commits before the answer), so afterwards every acknowledged update_id must be a row
 * of telegram_updates: none lost. The bare route is measured first with the same connections.
 */
export async function acknowledgement(smoke: boolean) {
  const { api, app, telegram } = await startBot();
  const baseline = await startBaseline();
  try {
    const bare = await measure(baseline.url, { seconds: smoke ? 1 : 5, connections: CONNECTIONS });
    const load = await measureTelegram({
      url: app.url,
      secret: WEBHOOK_SECRET,
      connections: CONNECTIONS,
      seconds: smoke ? 1 : 10,
      users: USERS,
      duplicateEvery: DUPLICATE_EVERY,
      firstUpdateId: FIRST_UPDATE_ID,
    });
    const backlog = telegram.intake.pending;
    // Not a goal on the embedded database; bounded so that closing never cuts handlers short.
    const drainMs = await drain(telegram, smoke ? 2_000 : 20_000);
    const log = await logged(app);
    const rps = Math.round(load.acknowledged / load.durationSeconds);
    return {
      rps,
      baselineRps: bare.rps,
      ratio: round(rps / bare.rps, 3),
      sent: load.sent,
      acknowledged: load.acknowledged,
      distinctSent: load.distinctSent,
      distinctAcknowledged: load.acknowledgedIds.length,
      stored: log.stored.size,
      lost: load.acknowledgedIds.filter((id) => !log.stored.has(id)).length,
      duplicatesSent: load.duplicatesSent,
      duplicatesAcknowledged: load.duplicatesAcknowledged,
      // Every delivery the log counted beyond the first of its update_id: the redeliveries it absorbed.
      redeliveriesLogged: log.deliveries - log.stored.size,
      updateStatuses: log.byStatus,
      statuses: load.statuses,
      errors: load.errors,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      embeddedHandlerBacklog: backlog,
      embeddedHandlerDrainMs: drainMs,
      // One answer per handled update at most: a redelivery handled again would add one.
      repliesSent: api.callsOf("sendMessage").length,
      users: USERS,
      connections: CONNECTIONS,
      seconds: load.durationSeconds,
    };
  } finally {
    await baseline.close();
    await app.close();
    await api.stop();
  }
}

/**
 * SPEC.md §Speed 4, the handlers: on PostgreSQL, the same mix paced at 1,000 updates/s for 10 s;
 * then how long until every acknowledged update was handled and answered, timed from the
 * burst's end and waited for well past the goal (up to 90 s), so a miss is a real figure too.
 */
export async function handlersKeepUp(smoke: boolean) {
  const databaseUrl = await freshBenchDatabase(TELEGRAM_DATABASE_URL);
  if (!databaseUrl) return { handlersSkipped: `no PostgreSQL server at ${TELEGRAM_DATABASE_URL}` };
  const { api, app, telegram } = await startBot(databaseUrl);
  try {
    const commitsBefore = await commits(app);
    const cpuBefore = process.cpuUsage();
    const load = await measureTelegram({
      url: app.url,
      secret: WEBHOOK_SECRET,
      connections: CONNECTIONS,
      seconds: smoke ? 1 : 10,
      users: USERS,
      duplicateEvery: DUPLICATE_EVERY,
      firstUpdateId: FIRST_UPDATE_ID,
      ratePerSecond: BURST_RATE,
    });
    const backlog = telegram.intake.pending;
    const drainMs = await drain(telegram, smoke ? 5_000 : DRAIN_CAP_MS);
    const cpu = process.cpuUsage(cpuBefore);
    const commitsAfter = await commits(app);
    const log = await logged(app);
    // A failed handler did not answer: only `handled` counts.
    const answered = log.byStatus.handled ?? 0;
    return {
      handlerBurstRps: Math.round(load.acknowledged / load.durationSeconds),
      handlerBurstSent: load.sent,
      handlerBurstStored: log.stored.size,
      handlerBurstLost: load.acknowledgedIds.filter((id) => !log.stored.has(id)).length,
      handlerBurstP99Ms: load.p99Ms,
      /** Acknowledged updates not yet handled when the burst ended. */
      handlerBacklog: backlog,
      /** From the burst's end until every handler finished; null when the 90 s wait ran out. */
      handlerDrainMs: drainMs,
      handlerDrainGoalMs: DRAIN_GOAL_MS,
      handlerDrainCapMs: smoke ? 5_000 : DRAIN_CAP_MS,
      handlerStatuses: log.byStatus,
      handlerUnanswered: log.stored.size - answered,
      handlerFailed: log.byStatus.failed ?? 0,
      handlerRepliesSent: api.callsOf("sendMessage").length,
      // Every statement outside a transaction commits one: the database work per update, all told.
      commitsPerUpdate: round((commitsAfter - commitsBefore) / Math.max(1, log.stored.size), 2),
      // The service's own CPU (intake and handlers; the load is another process) per update: on a
      // busy machine the rates move, this much less. Under 1 ms is what 1,000/s on one core needs.
      cpuMsPerUpdate: round((cpu.user + cpu.system) / 1000 / Math.max(1, load.acknowledged), 3),
    };
  } finally {
    await app.close();
    await api.stop();
  }
}

export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const acked = await acknowledgement(smoke);
  const handlers = await handlersKeepUp(smoke);
  return { ...acked, ...handlers };
}
