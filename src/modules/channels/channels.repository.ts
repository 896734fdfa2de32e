import { and, asc, eq, inArray, isNotNull, lte, notInArray, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { entitlements } from "../entitlements/entitlements.table";
import { users } from "../users/users.table";
import {
  type ChannelMemberRow,
  type ChannelRow,
  channelMembers,
  channels,
  type MemberStatus,
} from "./channels.table";

const rankOf = (level: SQL | typeof channels.minTier | typeof entitlements.level) =>
  sql`(case ${level} when 'premium' then 1 when 'vip' then 2 when 'enterprise' then 3 else 0 end)`;

/** Queries over channels and their members, on the executor given (the db or a transaction). */
export function channelsRepository(db: Executor) {
  return {
    all: (): Promise<ChannelRow[]> => db.select().from(channels).orderBy(asc(channels.createdAt)),
    async byId(id: string): Promise<ChannelRow | undefined> {
      const [row] = await db.select().from(channels).where(eq(channels.id, id));
      return row;
    },
    async byChatId(chatId: number): Promise<ChannelRow | undefined> {
      const [row] = await db.select().from(channels).where(eq(channels.chatId, chatId));
      return row;
    },
    async setActive(id: string, active: boolean, reason: string | null, now: Date) {
      const [row] = await db
        .update(channels)
        .set({ active, inactiveReason: reason, updatedAt: now })
        .where(and(eq(channels.id, id), eq(channels.active, !active)))
        .returning();
      return row;
    },

    async member(channelId: string, telegramUserId: number): Promise<ChannelMemberRow | undefined> {
      const [row] = await db
        .select()
        .from(channelMembers)
        .where(
          and(eq(channelMembers.channelId, channelId), eq(channelMembers.telegramUserId, telegramUserId)),
        );
      return row;
    },
    /** Every personal join link the bot made for a chat (whether or not it was used). */
    async inviteLinksOf(channelId: string): Promise<string[]> {
      const rows = await db
        .select({ link: channelMembers.inviteLink })
        .from(channelMembers)
        .where(and(eq(channelMembers.channelId, channelId), isNotNull(channelMembers.inviteLink)));
      return rows.map((r) => r.link!);
    },
    membersOf: (telegramUserId: number): Promise<ChannelMemberRow[]> =>
      db.select().from(channelMembers).where(eq(channelMembers.telegramUserId, telegramUserId)),
    /** Records what the bot now knows of a person in a chat (the invite link is kept unless given). */
    async upsertMember(
      channelId: string,
      telegramUserId: number,
      status: MemberStatus,
      now: Date,
      extra: { inviteLink?: string } = {},
    ): Promise<void> {
      const values = { status, updatedAt: now, attempts: 0, lastError: null, nextAttemptAt: null, ...extra };
      await db
        .insert(channelMembers)
        .values({ channelId, telegramUserId, ...values })
        .onConflictDoUpdate({
          target: [channelMembers.channelId, channelMembers.telegramUserId],
          set: values,
        });
    },
    /**
     * Keeps a person's invite link and marks them invited, unless meanwhile they joined or are
     * being removed (a link made while their join request was approved must not undo it).
     */
    async saveInvite(channelId: string, telegramUserId: number, inviteLink: string | null, now: Date) {
      await db
        .insert(channelMembers)
        .values({ channelId, telegramUserId, status: "invited", inviteLink, updatedAt: now })
        .onConflictDoUpdate({
          target: [channelMembers.channelId, channelMembers.telegramUserId],
          set: {
            inviteLink: sql`coalesce(excluded.invite_link, ${channelMembers.inviteLink})`,
            status: sql`case when ${channelMembers.status} in ('member', 'removing', 'unbanning') then ${channelMembers.status} else 'invited' end`,
            updatedAt: now,
          },
        });
    },
    /** Sets a person's status unless they are being removed (the removal finishes first). */
    async recordIfSettled(channelId: string, telegramUserId: number, status: MemberStatus, now: Date) {
      await db
        .insert(channelMembers)
        .values({ channelId, telegramUserId, status, updatedAt: now })
        .onConflictDoUpdate({
          target: [channelMembers.channelId, channelMembers.telegramUserId],
          set: { status, updatedAt: now },
          setWhere: notInArray(channelMembers.status, ["removing", "unbanning"]),
        });
    },

    /**
     * The tier rule as one statement: every member of an active channel who has no active,
     * unrevoked period at or above its minimum tier is marked for removal. Covers refunds,
     * revocations and expiry alike, so a missed event is caught by the next sweep.
     */
    async markUnqualified(now: Date, exempt: number[], onlyTelegramId?: number): Promise<number> {
      const qualifying = db
        .select({ one: sql`1` })
        .from(entitlements)
        .innerJoin(users, eq(users.id, entitlements.userId))
        .where(
          and(
            sql`${users.telegramId} = ${channelMembers.telegramUserId}`,
            sql`${entitlements.revokedAt} is null`,
            lte(entitlements.startsAt, now),
            sql`${entitlements.expiresAt} > ${now}`,
            sql`${rankOf(entitlements.level)} >= ${rankOf(channels.minTier)}`,
          ),
        );
      const rows = await db
        .update(channelMembers)
        .set({ status: "removing", removeReason: "no_longer_qualifies", nextAttemptAt: now, updatedAt: now })
        .from(channels)
        .where(
          and(
            eq(channels.id, channelMembers.channelId),
            eq(channels.active, true),
            eq(channelMembers.status, "member"),
            sql`not exists (${qualifying})`,
            ...(exempt.length > 0 ? [notInArray(channelMembers.telegramUserId, exempt)] : []),
            ...(onlyTelegramId !== undefined ? [eq(channelMembers.telegramUserId, onlyTelegramId)] : []),
          ),
        )
        .returning({ channelId: channelMembers.channelId });
      return rows.length;
    },

    /** Whether a person holds, right now, an active period at or above a channel's minimum tier. */
    async qualifiesNow(channelId: string, telegramUserId: number, now: Date): Promise<boolean> {
      const rows = await db
        .select({ one: sql`1` })
        .from(entitlements)
        .innerJoin(users, eq(users.id, entitlements.userId))
        .innerJoin(channels, eq(channels.id, channelId))
        .where(
          and(
            eq(users.telegramId, telegramUserId),
            sql`${entitlements.revokedAt} is null`,
            lte(entitlements.startsAt, now),
            sql`${entitlements.expiresAt} > ${now}`,
            sql`${rankOf(entitlements.level)} >= ${rankOf(channels.minTier)}`,
          ),
        )
        .limit(1);
      return rows.length > 0;
    },

    /** Removal work that is due, bans before unbans (a member is out once banned). */
    dueRemovals(status: "removing" | "unbanning", now: Date, limit: number) {
      return db
        .select({ member: channelMembers, chatId: channels.chatId })
        .from(channelMembers)
        .innerJoin(channels, eq(channels.id, channelMembers.channelId))
        .where(
          and(
            eq(channelMembers.status, status),
            eq(channels.active, true),
            lte(channelMembers.nextAttemptAt, now),
          ),
        )
        .orderBy(asc(channelMembers.nextAttemptAt))
        .limit(limit);
    },
    async advance(
      m: Pick<ChannelMemberRow, "channelId" | "telegramUserId" | "status">,
      to: MemberStatus,
      now: Date,
    ) {
      await db
        .update(channelMembers)
        .set({ status: to, attempts: 0, lastError: null, nextAttemptAt: now, updatedAt: now })
        .where(
          and(
            eq(channelMembers.channelId, m.channelId),
            eq(channelMembers.telegramUserId, m.telegramUserId),
            eq(channelMembers.status, m.status),
          ),
        );
    },
    async retryLater(m: Pick<ChannelMemberRow, "channelId" | "telegramUserId">, at: Date, error: string) {
      await db
        .update(channelMembers)
        .set({
          nextAttemptAt: at,
          lastError: error.slice(0, 500),
          attempts: sql`${channelMembers.attempts} + 1`,
        })
        .where(
          and(eq(channelMembers.channelId, m.channelId), eq(channelMembers.telegramUserId, m.telegramUserId)),
        );
    },

    /** Who the reconcile looks at in a chat: everyone the bot has a row for, and every buyer. */
    async reconcileCandidates(channelId: string): Promise<Map<number, MemberStatus | null>> {
      const rows = await db
        .select({ id: channelMembers.telegramUserId, status: channelMembers.status })
        .from(channelMembers)
        .where(eq(channelMembers.channelId, channelId));
      const known = new Map<number, MemberStatus | null>(rows.map((r) => [r.id, r.status]));
      const buyers = await db
        .selectDistinct({ id: users.telegramId })
        .from(users)
        .innerJoin(entitlements, eq(entitlements.userId, users.id));
      for (const b of buyers) if (!known.has(b.id)) known.set(b.id, null);
      return known;
    },
    async countByStatus(channelIds: string[]) {
      if (channelIds.length === 0) return [];
      return db
        .select({
          channelId: channelMembers.channelId,
          status: channelMembers.status,
          n: sql<number>`count(*)::int`,
        })
        .from(channelMembers)
        .where(inArray(channelMembers.channelId, channelIds))
        .groupBy(channelMembers.channelId, channelMembers.status);
    },
  };
}
