import { sql } from "drizzle-orm";
import { FakeTelegramApi } from "../../test/fakes/telegram-api";
import { round, startApp } from "../support";

export const name = "channel_expiry";

const BOT_TOKEN = "123456:bench-token-0123456789abcdefghij";
const CHAT_ID = -1001555000111;
const FIRST_TELEGRAM_ID = 700_000_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SPEC.md §Speed 9: 1,000 members of a linked VIP channel whose plans end at the same instant,
 * beside 200 members whose plans go on, while the fake Bot API allows 30 requests/s and answers
 * 429 with `retry_after` beyond that. The service runs as under `signaldesk start` (its channel
 * jobs on their real timers: the 5 s sweep, the removals through the one paced sender), on the
 * embedded database. `removedMs` is from the expiry to the last expired member banned (out of
 * the chat); `unbannedMs` to the last unban that lets them rejoin after paying.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const members = smoke ? 40 : 1_000;
  const staying = smoke ? 10 : 200;
  const api = await new FakeTelegramApi().start();
  api.botId = Number(BOT_TOKEN.split(":")[0]);
  const app = await startApp({
    env: {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_BOT_USERNAME: api.botUsername,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_API_ROOT: api.url,
    },
  });
  try {
    const { deps } = app;
    api.addChat(CHAT_ID, { title: "VIP Room" });
    const { user: root } = await deps.users.ensureFromTelegram({ telegramId: 1, username: "bench_admin" });
    await deps.users.grantAdmin(root.id);
    const channel = await deps.channels.service.link(
      { id: root.id },
      { chatId: CHAT_ID, minTier: "vip", postSignals: false },
    );
    const vip = (await deps.catalog.view()).categories[0]!.products[0]!.tiers.find((t) => t.level === "vip")!;
    const total = members + staying;
    // Everyone's plan ends at `expiry` (a few seconds ahead), the stayers' a month later.
    const expiry = new Date(Date.now() + 4_000);
    await deps.db.execute(sql`
      insert into users (id, telegram_id, username, first_name, role, auto_approve, created_at, updated_at)
      select 'usr_chx' || g, ${FIRST_TELEGRAM_ID} + g, 'chx' || g, 'Bench', 'user', false, now(), now()
      from generate_series(1, ${total}) g`);
    await deps.db.execute(sql`
      insert into entitlements (id, user_id, tier_id, level, starts_at, expires_at, source_kind, created_at)
      select 'ent_chx' || g, 'usr_chx' || g, ${vip.id}, 'vip', now() - interval '29 days',
             case when g <= ${members} then ${expiry}::timestamptz else ${expiry}::timestamptz + interval '30 days' end,
             'admin', now()
      from generate_series(1, ${total}) g`);
    await deps.db.execute(sql`
      insert into channel_members (channel_id, telegram_user_id, status, updated_at)
      select ${channel.id}, ${FIRST_TELEGRAM_ID} + g, 'member', now() from generate_series(1, ${total}) g`);
    for (let g = 1; g <= total; g++)
      api.addMember(CHAT_ID, { id: FIRST_TELEGRAM_ID + g, first_name: "Bench" });

    api.limitPerSecond = 30;
    api.calls.length = 0;
    deps.channels.jobs.start({ reconcileNow: false });
    const expired = (id: number) => id <= FIRST_TELEGRAM_ID + members;
    const deadline = expiry.getTime() + 120_000;
    const ids = Array.from({ length: total }, (_, i) => FIRST_TELEGRAM_ID + i + 1);
    const out = () => ids.filter((id) => expired(id) && api.statusIn(CHAT_ID, id) !== "member").length;
    while (Date.now() < deadline) {
      const unbans = api.callsOf("unbanChatMember").length;
      if (out() === members && unbans >= members) break;
      await sleep(250);
    }
    await deps.channels.jobs.stop();
    const bans = api.callsOf("banChatMember").filter((c) => expired(Number(c.params.user_id)));
    const unbans = api.callsOf("unbanChatMember").filter((c) => expired(Number(c.params.user_id)));
    const removed = new Set(bans.map((c) => Number(c.params.user_id))).size;
    const wronglyRemoved = ids.filter((id) => !expired(id) && api.statusIn(CHAT_ID, id) !== "member").length;
    const lastBan = Math.max(...bans.map((c) => c.at));
    const lastUnban = Math.max(...unbans.map((c) => c.at));
    const calls = api.calls.length;
    const spanS = (Math.max(...api.calls.map((c) => c.at)) - Math.min(...api.calls.map((c) => c.at))) / 1000;
    return {
      members,
      stillQualifying: staying,
      removed,
      removedMs: removed === members ? round(lastBan - expiry.getTime(), 0) : null,
      unbannedMs: unbans.length >= members ? round(lastUnban - expiry.getTime(), 0) : null,
      wronglyRemoved,
      rateLimited: api.rateLimited,
      apiCalls: calls,
      apiCallsPerSecond: round(calls / Math.max(spanS, 0.001), 1),
      fakeLimitPerSecond: 30,
    };
  } finally {
    await app.close();
    await api.stop();
  }
}
