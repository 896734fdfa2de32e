import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import { BotCallError, type ChannelsBotPort } from "./channels.port";
import { channelsRepository } from "./channels.repository";
import type { ChannelsService } from "./channels.service";

const BATCH = 200;
const MAX_ATTEMPTS = 8;
const backoffMs = (attempt: number) => Math.min(60_000, 1_000 * 2 ** attempt);

/**
 * Keeping each chat's members to those who qualify: the sweep marks who stopped qualifying, the
 * removal work bans then unbans them (so they can rejoin after paying), and the reconcile asks
 * Telegram who is really there and repairs what the bot's records missed.
 */
export function createChannelAccess(deps: {
  db: Executor;
  clock: Clock;
  logger: Logger;
  channels: Pick<ChannelsService, "memberSeen" | "botStatusChanged">;
  bot: () => ChannelsBotPort | undefined;
  exemptTelegramIds: ReadonlySet<number>;
}) {
  const repo = channelsRepository(deps.db);
  const exempt = () => [...deps.exemptTelegramIds];

  /** Marks members who no longer qualify (all, or one person after their access changed). */
  const sweep = (telegramUserId?: number) => repo.markUnqualified(deps.clock.now(), exempt(), telegramUserId);

  async function step(
    bot: ChannelsBotPort,
    row: Awaited<ReturnType<typeof repo.dueRemovals>>[number],
  ): Promise<"done" | "stop"> {
    const { member, chatId } = row;
    const now = deps.clock.now();
    try {
      if (member.status === "removing") {
        // Paid again (or granted) since the sweep: they stay.
        if (await repo.qualifiesNow(member.channelId, member.telegramUserId, now)) {
          await repo.advance(member, "member", now);
          return "done";
        }
        await bot.ban(chatId, member.telegramUserId);
        await repo.advance(member, "unbanning", now);
      } else {
        await bot.unban(chatId, member.telegramUserId);
        await repo.advance(member, "removed", now);
      }
      return "done";
    } catch (err) {
      if (err instanceof BotCallError && err.rightsLost) {
        // The reconcile (or a my_chat_member update) marks the channel; the row waits for it.
        await repo.retryLater(member, new Date(now.getTime() + 60_000), err.message);
        await deps.channels.botStatusChanged(chatId, { status: "left" });
        return "done";
      }
      if (err instanceof BotCallError && err.code === 400) {
        // The person is gone from Telegram or the chat: there is nobody left to remove.
        deps.logger.info({ chatId, err: err.description }, "removal found nobody to remove");
        await repo.advance(member, member.status === "removing" ? "unbanning" : "removed", now);
        return "done";
      }
      const attempt = member.attempts + 1;
      const reason = err instanceof Error ? err.message : String(err);
      if (attempt >= MAX_ATTEMPTS) deps.logger.error({ chatId, reason }, "a channel removal keeps failing");
      await repo.retryLater(member, new Date(now.getTime() + backoffMs(attempt)), reason);
      return "stop";
    }
  }

  /** Runs the due removal steps: every ban first, then the unbans. Returns how many it did. */
  async function processRemovals(): Promise<number> {
    const bot = deps.bot();
    if (!bot) return 0;
    let done = 0;
    for (const status of ["removing", "unbanning"] as const) {
      for (;;) {
        const rows = await repo.dueRemovals(status, deps.clock.now(), BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          if ((await step(bot, row)) === "stop") return done;
          done++;
        }
      }
    }
    return done;
  }

  /**
   * Asks Telegram about the bot's rights in every linked chat and about every person the bot has
   * a record of (and every buyer) in the active ones, and records what it finds; the sweep then
   * removes whoever is there without qualifying.
   */
  async function reconcile(): Promise<{
    checked: number;
    changes: Awaited<ReturnType<ChannelsService["botStatusChanged"]>>[];
  }> {
    const bot = deps.bot();
    if (!bot) return { checked: 0, changes: [] };
    const changes = [];
    let checked = 0;
    for (const channel of await repo.all()) {
      try {
        const me = await bot.getChatMember(channel.chatId, bot.botId);
        const change = await deps.channels.botStatusChanged(channel.chatId, me);
        if (change.change) changes.push(change);
      } catch (err) {
        if (!(err instanceof BotCallError && err.rightsLost)) throw err;
        const change = await deps.channels.botStatusChanged(channel.chatId, { status: "left" });
        if (change.change) changes.push(change);
        continue;
      }
      const current = await repo.byId(channel.id);
      if (!current?.active) continue;
      for (const [telegramUserId, status] of await repo.reconcileCandidates(channel.id)) {
        if (status === "removing" || status === "unbanning") continue;
        try {
          const member = await bot.getChatMember(channel.chatId, telegramUserId);
          await deps.channels.memberSeen(current, telegramUserId, member);
          checked++;
        } catch (err) {
          if (!(err instanceof BotCallError && err.code === 400)) throw err;
        }
      }
    }
    await sweep();
    return { checked, changes };
  }

  return { sweep, processRemovals, reconcile };
}
