import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import { withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import type { RegionCode } from "../pricing/pricing.models";
import { UserErrors } from "./users.errors";
import { type AccessResolver, effectiveRole, type UserView } from "./users.models";
import { usersRepository } from "./users.repository";
import { type UserRow, users } from "./users.table";

export interface TelegramProfile {
  telegramId: number;
  username?: string | null;
  firstName?: string | null;
  languageCode?: string | null;
}

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService(deps: {
  db: Executor;
  clock: Clock;
  events: Events;
  audit: Pick<AuditService, "record">;
  adminTelegramIds: ReadonlySet<number>;
  access: () => AccessResolver;
  /** The affiliate code a user was attributed to (the affiliates module answers). */
  referrals: () => { referredBy(userId: string): Promise<string | null> };
}) {
  const repo = usersRepository(deps.db);

  async function toView(row: UserRow): Promise<UserView> {
    return {
      id: row.id,
      telegramId: row.telegramId,
      username: row.username,
      firstName: row.firstName,
      role: effectiveRole(row, deps.adminTelegramIds),
      tier: await deps.access().tierOf(row.id),
      autoApprove: row.autoApprove,
      region: row.region,
      referredBy: await deps.referrals().referredBy(row.id),
      createdAt: row.createdAt.toISOString(),
    };
  }

  /**
   * `ensureFromTelegram` for many people at once (the bot's burst of updates): one read for all,
   * one transaction creating every newcomer (each announced as `users.created` in it), and an
   * update only for a profile that changed. At most one sight per person in a call.
   */
  async function ensureManyFromTelegram(
    sights: (TelegramProfile & { referralCode: string | null })[],
  ): Promise<{ user: UserRow; created: boolean }[]> {
    const now = deps.clock.now();
    const known = new Map(
      (await repo.findByTelegramIds(sights.map((s) => s.telegramId))).map((row) => [row.telegramId, row]),
    );
    const results = new Map<number, { user: UserRow; created: boolean }>();
    for (const profile of sights) {
      const existing = known.get(profile.telegramId);
      if (!existing) continue;
      const changed =
        (profile.username !== undefined && profile.username !== existing.username) ||
        (profile.languageCode != null && profile.languageCode !== existing.languageCode) ||
        (profile.firstName != null && profile.firstName !== existing.firstName);
      const user = changed
        ? ((await repo.update(existing.id, {
            username: profile.username ?? existing.username,
            firstName: profile.firstName ?? existing.firstName,
            languageCode: profile.languageCode ?? existing.languageCode,
            updatedAt: now,
          })) ?? existing)
        : existing;
      results.set(profile.telegramId, { user, created: false });
    }
    const newcomers = sights.filter((s) => !known.has(s.telegramId));
    if (newcomers.length > 0) {
      await withTransaction(deps, async (uow) => {
        const rows = await usersRepository(uow.tx).insertManyOrGet(
          newcomers.map((profile) => ({
            id: newId("usr", now.getTime()),
            telegramId: profile.telegramId,
            username: profile.username ?? null,
            firstName: profile.firstName ?? "",
            languageCode: profile.languageCode ?? null,
            referralCode: profile.referralCode,
            createdAt: now,
            updatedAt: now,
          })),
        );
        for (const { row, created } of rows) {
          if (created) await uow.emit("users.created", { user: row });
          results.set(row.telegramId, { user: row, created });
        }
      });
    }
    return sights.map((s) => results.get(s.telegramId)!);
  }

  return {
    toView,
    findById: (id: string) => repo.findById(id),
    findByTelegramId: (telegramId: number) => repo.findByTelegramId(telegramId),

    /**
     * First sight creates the user and records the referral code they arrived with (first
     * touch only); later sights refresh the Telegram profile and never touch the referral.
     */
    async ensureFromTelegram(
      profile: TelegramProfile,
      opts: { referralCode?: string | null } = {},
    ): Promise<{ user: UserRow; created: boolean }> {
      const [ensured] = await ensureManyFromTelegram([
        { ...profile, referralCode: opts.referralCode ?? null },
      ]);
      return ensured!;
    },

    ensureManyFromTelegram,

    /**
     * Disables or re-enables an account. A disabled user's tokens, console sessions, initData and
     * devices are all refused from the next request on (each check reads `disabledAt`).
     */
    async setDisabled(
      actor: { id: string | null; kind: "admin" | "cli" },
      userId: string,
      disabled: boolean,
    ): Promise<UserRow> {
      if (disabled && actor.id === userId) throw UserErrors.cannotDisableSelf();
      return withTransaction(deps, async (uow) => {
        const now = deps.clock.now();
        const current = await usersRepository(uow.tx).findById(userId);
        if (!current) throw UserErrors.notFound();
        if ((current.disabledAt !== null) === disabled) return current;
        const row = await usersRepository(uow.tx).update(userId, {
          disabledAt: disabled ? now : null,
          updatedAt: now,
        });
        await deps.audit.record(
          {
            actorId: actor.id,
            actorKind: actor.kind,
            action: disabled ? "users.disabled" : "users.enabled",
            subjectType: "user",
            subjectId: userId,
          },
          uow.tx,
        );
        await uow.emit("users.disabled_changed", { userId, disabled });
        return row!;
      });
    },

    /**
     * Whether the bot can reach this person in their private chat: false when they blocked it,
     * true again once they write. Returns whether anything changed.
     */
    async setReachable(
      telegramId: number,
      reachable: boolean,
      executor: Executor = deps.db,
    ): Promise<boolean> {
      const now = deps.clock.now();
      const rows = await executor
        .update(users)
        .set({ unreachableAt: reachable ? null : now, updatedAt: now })
        .where(
          and(
            eq(users.telegramId, telegramId),
            reachable ? isNotNull(users.unreachableAt) : isNull(users.unreachableAt),
          ),
        )
        .returning({ id: users.id });
      return rows.length > 0;
    },

    async grantAdmin(userId: string, executor: Executor = deps.db): Promise<void> {
      await usersRepository(executor).update(userId, { role: "admin", updatedAt: deps.clock.now() });
    },

    async updateProfile(
      userId: string,
      patch: { autoApprove?: boolean; region?: RegionCode; locale?: string },
    ): Promise<UserRow> {
      if (patch.autoApprove === true) {
        const features = await deps.access().featuresOf(userId);
        if (!features.autoApprove)
          throw UserErrors.featureRequired("Auto-approve needs a plan that includes it");
      }
      const row = await repo.update(userId, { ...patch, updatedAt: deps.clock.now() });
      if (!row) throw UserErrors.notFound();
      return row;
    },
  };
}
