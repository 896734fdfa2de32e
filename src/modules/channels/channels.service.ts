import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import type { AuditService } from "../audit/audit.service";
import type { AccessResolver } from "../users/users.models";
import type { UsersService } from "../users/users.service";
import { ChannelErrors } from "./channels.errors";
import { type ChatMemberFacts, isChatAdmin, isInChat, missingRights, qualifies } from "./channels.models";
import { BotCallError, type ChannelsBotPort, type ChannelWords } from "./channels.port";
import { channelsRepository } from "./channels.repository";
import { type ChannelRow, type ChannelTier, channels } from "./channels.table";

export type ChannelsService = ReturnType<typeof createChannelsService>;

export interface ChannelsDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  audit: AuditService;
  events: Pick<Events, "committed">;
  access: Pick<AccessResolver, "tierOf">;
  users: Pick<UsersService, "findByTelegramId" | "findById">;
  /** The bot's catalogues: the language of a chat's posts, and their words. */
  words: ChannelWords;
  /** The bot's side of Telegram, or undefined while the bot is off. */
  bot: () => ChannelsBotPort | undefined;
  /** The operator's Telegram ids: always admitted, never removed. */
  exemptTelegramIds: ReadonlySet<number>;
}

export const channelView = (c: ChannelRow) => ({
  id: c.id,
  chatId: String(c.chatId),
  title: c.title,
  type: c.type,
  minTier: c.minTier,
  postSignals: c.postSignals,
  active: c.active,
  inactiveReason: c.inactiveReason,
  createdAt: c.createdAt.toISOString(),
});
export type ChannelView = ReturnType<typeof channelView>;

export type JoinDecision = "approved" | "declined" | "ignored";

/** Linking chats and deciding who may be in them (API.md §12). */
export function createChannelsService(deps: ChannelsDeps) {
  const { db, clock } = deps;
  const repo = channelsRepository(db);

  function botOrThrow(): ChannelsBotPort {
    const bot = deps.bot();
    if (!bot) throw ChannelErrors.botOff("Set TELEGRAM_BOT_TOKEN to link channels");
    return bot;
  }

  /** The chat as Telegram describes it, and what the bot lacks there (empty: nothing). */
  async function inspect(bot: ChannelsBotPort, chatId: number) {
    try {
      const chat = await bot.getChat(chatId);
      if (chat.type === "private")
        throw ChannelErrors.botNotAdmin("That is a private chat, not a channel or group");
      const me = await bot.getChatMember(chatId, bot.botId);
      return { chat: { ...chat, type: chat.type }, missing: missingRights(me, chat.type) };
    } catch (err) {
      if (err instanceof BotCallError && err.code < 500) {
        throw ChannelErrors.botNotAdmin(
          `Telegram says: ${err.description}. Add the bot to the chat as an administrator.`,
        );
      }
      throw err;
    }
  }

  async function link(
    actor: { id: string },
    input: { chatId: number; minTier: ChannelTier; postSignals: boolean },
  ) {
    const bot = botOrThrow();
    if (await repo.byChatId(input.chatId)) throw ChannelErrors.alreadyLinked();
    const { chat, missing } = await inspect(bot, input.chatId);
    if (missing.length > 0) throw ChannelErrors.botNotAdmin(`The bot lacks: ${missing.join(", ")}`);
    const linkedBy = await deps.users.findById(actor.id);
    const now = clock.now();
    const [row] = await db
      .insert(channels)
      .values({
        id: newId("chn", now.getTime()),
        chatId: input.chatId,
        title: chat.title ?? String(input.chatId),
        type: chat.type,
        minTier: input.minTier,
        postSignals: input.postSignals,
        locale: linkedBy ? deps.words.languageOf(linkedBy) : "en",
        linkedBy: actor.id,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: channels.chatId })
      .returning();
    if (!row) throw ChannelErrors.alreadyLinked();
    await deps.audit.record({
      actorId: actor.id,
      actorKind: "admin",
      action: "channels.linked",
      subjectType: "channel",
      subjectId: row.id,
      data: { chatId: input.chatId, minTier: input.minTier, postSignals: input.postSignals },
    });
    return row;
  }

  async function update(
    actor: { id: string },
    id: string,
    patch: { minTier?: ChannelTier; postSignals?: boolean; locale?: string },
  ) {
    const existing = await repo.byId(id);
    if (!existing) throw ChannelErrors.notFound();
    const [row] = await db
      .update(channels)
      .set({ ...patch, updatedAt: clock.now() })
      .where(eq(channels.id, id))
      .returning();
    await deps.audit.record({
      actorId: actor.id,
      actorKind: "admin",
      action: "channels.updated",
      subjectType: "channel",
      subjectId: id,
      data: patch,
    });
    return row!;
  }

  /**
   * Unlinking: the bot stops managing the chat (no admissions, removals, reconcile or posts) and
   * revokes every personal join link it made there, so none keeps working for a chat nobody
   * manages. Current members stay: nobody is removed, now or later. A link Telegram would not
   * revoke (the bot off, or without its rights there) is counted in `linksLeft` for the admin.
   */
  async function unlink(actor: { id: string }, id: string) {
    const links = await repo.inviteLinksOf(id);
    const [row] = await db.delete(channels).where(eq(channels.id, id)).returning();
    if (!row) throw ChannelErrors.notFound();
    const linksRevoked = await revokeLinks(row.chatId, links);
    const linksLeft = links.length - linksRevoked;
    await deps.audit.record({
      actorId: actor.id,
      actorKind: "admin",
      action: "channels.unlinked",
      subjectType: "channel",
      subjectId: id,
      data: { chatId: row.chatId, linksRevoked, linksLeft },
    });
    return { channel: row, linksRevoked, linksLeft };
  }

  async function revokeLinks(chatId: number, links: string[]): Promise<number> {
    const bot = deps.bot();
    if (!bot) return 0;
    let revoked = 0;
    for (const link of links) {
      try {
        await bot.revokeInviteLink(chatId, link);
        revoked++;
      } catch (err) {
        if (!(err instanceof BotCallError)) throw err;
        deps.logger.warn(
          { chatId, err: err.description },
          "could not revoke a join link of an unlinked chat",
        );
      }
    }
    return revoked;
  }

  /**
   * The linked chats as one person sees them: member, invited (with their personal link, made
   * once and kept) or none. Links are join-request links, so a forwarded one admits nobody else.
   */
  async function forUser(userId: string, telegramId: number) {
    const list = (await repo.all()).filter((c) => c.active);
    if (list.length === 0) return [];
    const tier = await deps.access.tierOf(userId);
    const known = new Map((await repo.membersOf(telegramId)).map((m) => [m.channelId, m]));
    const items = [];
    for (const c of list) {
      const m = known.get(c.id);
      const allowed = qualifies(tier, c.minTier) || deps.exemptTelegramIds.has(telegramId);
      if (m?.status === "member") {
        items.push({ channel: c, access: "member" as const, inviteLink: null });
        continue;
      }
      if (!allowed) {
        items.push({ channel: c, access: "none" as const, inviteLink: null });
        continue;
      }
      let inviteLink = m?.inviteLink ?? null;
      const bot = deps.bot();
      if (!inviteLink && bot) {
        inviteLink = await issueLink(bot, c, userId, telegramId);
      } else if (m && m.status !== "invited" && inviteLink) {
        await repo.saveInvite(c.id, telegramId, null, clock.now());
      }
      items.push({ channel: c, access: inviteLink ? ("invited" as const) : ("none" as const), inviteLink });
    }
    return items;
  }

  /** A new personal link, kept for the person; null when none could be made and kept. */
  async function issueLink(bot: ChannelsBotPort, c: ChannelRow, userId: string, telegramId: number) {
    let link: string;
    try {
      link = await bot.createJoinRequestLink(c.chatId, `signaldesk ${userId}`.slice(0, 32));
    } catch (err) {
      deps.logger.warn({ err, channelId: c.id }, "could not create an invite link");
      return null;
    }
    try {
      await repo.saveInvite(c.id, telegramId, link, clock.now());
      return link;
    } catch (err) {
      // The chat was unlinked while the link was being made: it must not outlive its chat's link.
      deps.logger.warn({ err, channelId: c.id }, "revoking a join link made for a chat unlinked meanwhile");
      await bot.revokeInviteLink(c.chatId, link).catch(() => undefined);
      return null;
    }
  }

  /** A chat_join_request: approved when the person's tier reaches the chat's minimum, else declined. */
  async function decideJoinRequest(chatId: number, telegramUserId: number) {
    const channel = await repo.byChatId(chatId);
    const bot = deps.bot();
    if (!channel?.active || !bot) return { decision: "ignored" as JoinDecision, channel };
    const user = await deps.users.findByTelegramId(telegramUserId);
    const tier = user ? await deps.access.tierOf(user.id) : "free";
    const allowed = qualifies(tier, channel.minTier) || deps.exemptTelegramIds.has(telegramUserId);
    try {
      if (allowed) await bot.approveJoinRequest(chatId, telegramUserId);
      else await bot.declineJoinRequest(chatId, telegramUserId);
    } catch (err) {
      // Already in, or the request was settled meanwhile (by an admin, or a repeat): nothing to undo.
      if (!(err instanceof BotCallError) || err.code !== 400) throw err;
      deps.logger.info({ chatId, err: err.description }, "join request already settled");
      if (/USER_ALREADY_PARTICIPANT/i.test(err.description) && allowed) {
        await repo.upsertMember(channel.id, telegramUserId, "member", clock.now());
      }
      return { decision: "ignored" as JoinDecision, channel };
    }
    await repo.upsertMember(channel.id, telegramUserId, allowed ? "member" : "declined", clock.now());
    return { decision: (allowed ? "approved" : "declined") as JoinDecision, channel };
  }

  /** A chat_member update or a reconcile look: who is in the chat, as Telegram says. */
  async function memberSeen(channel: ChannelRow, telegramUserId: number, member: ChatMemberFacts) {
    if (isChatAdmin(member)) return;
    const now = clock.now();
    if (isInChat(member)) await repo.recordIfSettled(channel.id, telegramUserId, "member", now);
    else {
      const existing = await repo.member(channel.id, telegramUserId);
      if (existing?.status === "member")
        await repo.advance(existing, member.status === "kicked" ? "removed" : "left", now);
    }
  }

  /**
   * The bot's own membership changed (my_chat_member, or a reconcile look): without the rights
   * it needs the channel goes inactive; with them back it is active again. Returns the change.
   */
  async function botStatusChanged(chatId: number, me: ChatMemberFacts) {
    const channel = await repo.byChatId(chatId);
    if (!channel) return { channel, change: null };
    const missing = missingRights(me, channel.type);
    const now = clock.now();
    const changed =
      missing.length > 0
        ? await repo.setActive(channel.id, false, `The bot lacks: ${missing.join(", ")}`, now)
        : await repo.setActive(channel.id, true, null, now);
    if (!changed) return { channel, change: null };
    deps.logger.warn({ channelId: channel.id, active: changed.active, missing }, "channel access changed");
    const change = changed.active ? ("reactivated" as const) : ("deactivated" as const);
    deps.events.committed("channels.bot_status_changed", { channel: changed, change, missing });
    return { channel: changed, change };
  }

  return {
    link,
    update,
    unlink,
    list: async () => {
      const all = await repo.all();
      const counts = await repo.countByStatus(all.map((c) => c.id));
      return all.map((c) => ({
        channel: c,
        members: counts
          .filter((n) => n.channelId === c.id && n.status === "member")
          .reduce((a, n) => a + n.n, 0),
      }));
    },
    /** How many people the bot knows to be in the chat (for the admins' card). */
    memberCount: async (id: string) =>
      (await repo.countByStatus([id])).filter((n) => n.status === "member").reduce((a, n) => a + n.n, 0),
    byId: (id: string) => repo.byId(id),
    byChatId: (chatId: number) => repo.byChatId(chatId),
    /** What the bot can do in a chat it is not linked to yet (the bot's link flow). */
    inspect: (chatId: number) => inspect(botOrThrow(), chatId),
    forUser,
    decideJoinRequest,
    memberSeen,
    botStatusChanged,
  };
}
