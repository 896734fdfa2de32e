import { FakeTelegramApi } from "../../test/fakes/telegram-api";
import { measureTelegram } from "../lib/telegram-load";
import { measure, round, startApp, startBaseline } from "../support";

export const name = "telegram";

const WEBHOOK_SECRET = "bench-webhook-secret";
/** Update ids of this run start here, so the log's rows are all ours and easy to tell apart. */
const FIRST_UPDATE_ID = 500_000_000;

/**
 * SPEC.md §Speed 4: Telegram updates posted to the webhook as Telegram delivers them (secret
 * header, one update per request) by 32 connections: private messages (/start, /help, plain
 * text) from 20,000 different people, and every 10th request a redelivery of an update_id sent
 * shortly before. The bot runs in webhook mode against a fake Bot API on 127.0.0.1, handling
 * each update after acknowledging it, so the handlers share the CPU with intake as in service.
 * A 200 means the update is in the log (the write commits before the answer), so afterwards
 * every acknowledged update_id must be a row of telegram_updates: none lost. The bare route is
 * measured first with the same connections, for the ratio.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const seconds = smoke ? 1 : 10;
  const connections = 32;
  const users = 20_000;
  const duplicateEvery = 10;
  const api = await new FakeTelegramApi().start();
  const app = await startApp({
    env: {
      TELEGRAM_BOT_TOKEN: "123456:bench-token-0123456789abcdefghij",
      TELEGRAM_BOT_USERNAME: api.botUsername,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
  const baseline = await startBaseline();
  try {
    const telegram = app.deps.telegram;
    if (telegram?.mode !== "webhook") throw new Error("the bot did not start in webhook mode");
    // The goal is absolute; the bare route with the same connections says what this machine
    // could do at that moment.
    const bare = await measure(baseline.url, { seconds: smoke ? 1 : 5, connections });
    const load = await measureTelegram({
      url: app.url,
      secret: WEBHOOK_SECRET,
      connections,
      seconds,
      users,
      duplicateEvery,
      firstUpdateId: FIRST_UPDATE_ID,
    });
    // Handling runs after the acknowledgement; give the backlog a bounded while to finish.
    const drainStarted = Date.now();
    const backlog = telegram.intake.pending;
    let timer: NodeJS.Timeout | undefined;
    const drainCap = new Promise((r) => {
      timer = setTimeout(r, smoke ? 2_000 : 20_000);
    });
    await Promise.race([telegram.intake.settled(), drainCap]).finally(() => clearTimeout(timer));
    const drainMs = Date.now() - drainStarted;

    const rows = await app.database.query<{ update_id: string | number; deliveries: number; status: string }>(
      "select update_id, deliveries, status from telegram_updates where update_id >= $1",
      [FIRST_UPDATE_ID],
    );
    const stored = new Set(rows.map((r) => Number(r.update_id)));
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const deliveriesLogged = rows.reduce((n, r) => n + Number(r.deliveries), 0);
    const lost = load.acknowledgedIds.filter((id) => !stored.has(id)).length;
    const rps = Math.round(load.acknowledged / load.durationSeconds);
    return {
      rps,
      baselineRps: bare.rps,
      ratio: round(rps / bare.rps, 3),
      sent: load.sent,
      acknowledged: load.acknowledged,
      distinctSent: load.distinctSent,
      distinctAcknowledged: load.acknowledgedIds.length,
      stored: stored.size,
      lost,
      duplicatesSent: load.duplicatesSent,
      duplicatesAcknowledged: load.duplicatesAcknowledged,
      // Every delivery the log counted beyond the first of its update_id: the redeliveries it absorbed.
      redeliveriesLogged: deliveriesLogged - stored.size,
      updateStatuses: byStatus,
      statuses: load.statuses,
      errors: load.errors,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      handlerBacklog: backlog,
      handlerDrainMs: drainMs,
      // One answer per handled update at most: a redelivery handled again would add one.
      repliesSent: api.callsOf("sendMessage").length,
      users,
      connections,
      seconds: load.durationSeconds,
    };
  } finally {
    await baseline.close();
    await app.close();
    await api.stop();
  }
}
