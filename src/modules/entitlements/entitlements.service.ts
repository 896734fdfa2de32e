import { and, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import type { Clock } from "../../shared/clock";
import type { Events } from "../../shared/events";
import { newId } from "../../shared/ids";
import { type UnitOfWork, withTransaction } from "../../shared/unit-of-work";
import type { AuditService } from "../audit/audit.service";
import { CatalogErrors } from "../catalog/catalog.errors";
import type { Level } from "../catalog/catalog.models";
import type { CatalogService } from "../catalog/catalog.service";
import type { TierRow } from "../catalog/catalog.table";
import { orders } from "../orders/orders.table";
import { UserErrors } from "../users/users.errors";
import type { AccessResolver, Features } from "../users/users.models";
import { users } from "../users/users.table";
import { EntitlementErrors } from "./entitlements.errors";
import { DAY_MS, isActive, nextPeriodStart, resolveAccess } from "./entitlements.models";
import { type EntitlementRow, entitlements } from "./entitlements.table";

export type EntitlementsService = ReturnType<typeof createEntitlementsService>;

export interface GrantInput {
  userId: string;
  tier: Pick<TierRow, "id" | "level">;
  days: number;
  /**
   * What the period is for: an order, an admin, or a period that may exist once per
   * `reference` (a trial per account, a grace per failed renewal invoice).
   */
  source:
    | { orderId: string }
    | { grantedBy: string }
    | { kind: "trial" | "grace"; reference: string; grantedBy: string };
}

function sourceColumns(source: GrantInput["source"]) {
  if ("orderId" in source) return { sourceKind: "order" as const, orderId: source.orderId };
  if ("kind" in source) {
    return { sourceKind: source.kind, reference: source.reference, grantedBy: source.grantedBy };
  }
  return { sourceKind: "admin" as const, grantedBy: source.grantedBy };
}

export function createEntitlementsService(deps: {
  db: Executor;
  clock: Clock;
  catalog: Pick<CatalogService, "findTier" | "purchasableTier">;
  audit: AuditService;
  events: Events;
}) {
  const { db, clock } = deps;

  async function periodsOf(userId: string, executor: Executor = db): Promise<EntitlementRow[]> {
    return executor
      .select()
      .from(entitlements)
      .where(eq(entitlements.userId, userId))
      .orderBy(desc(entitlements.startsAt));
  }

  async function access(userId: string, at: Date = clock.now()) {
    // resolveAccess skips inactive periods itself; filtering first only spares their tier reads.
    // Stryker disable next-line MethodExpression: the same answer with a few more catalog reads
    const periods = (await periodsOf(userId)).filter((p) => isActive(p, at));
    const tiers = new Map<string, TierRow>();
    for (const p of periods) {
      const tier = await deps.catalog.findTier(p.tierId);
      // Stryker disable next-line ConditionalExpression: entitlements.tier_id references catalog_tiers
      if (tier) tiers.set(tier.id, tier);
    }
    return resolveAccess(periods, tiers, at);
  }

  /**
   * Adds a period inside the caller's transaction. The user's row is locked first, so two
   * grants for one user (a webhook and an admin, say) chain instead of overlapping.
   */
  async function grantPeriod(uow: UnitOfWork, input: GrantInput): Promise<EntitlementRow> {
    const { tx } = uow;
    // PGlite (the mutation run's database) runs one transaction at a time, so only the
    // PostgreSQL run of "two grants at once for one user chain" can see this lock go.
    // Stryker disable next-line StringLiteral: a lock that matters only between connections
    await tx.execute(sql`select 1 from ${users} where ${users.id} = ${input.userId} for update`);
    const now = clock.now();
    const sameTier = await tx
      .select()
      .from(entitlements)
      .where(
        and(
          eq(entitlements.userId, input.userId),
          eq(entitlements.tierId, input.tier.id),
          isNull(entitlements.revokedAt),
          gt(entitlements.expiresAt, now),
        ),
      );
    const startsAt = nextPeriodStart(sameTier, now);
    const [row] = await tx
      .insert(entitlements)
      .values({
        id: newId("ent", now.getTime()),
        userId: input.userId,
        tierId: input.tier.id,
        level: input.tier.level,
        startsAt,
        expiresAt: new Date(startsAt.getTime() + input.days * DAY_MS),
        ...sourceColumns(input.source),
        createdAt: now,
      })
      .returning();
    await uow.emit("entitlements.changed", { userId: input.userId });
    return row!;
  }

  /** Revokes the period an order created (refunds); returns it, or undefined if none was active. */
  async function revokeForOrder(
    uow: UnitOfWork,
    orderId: string,
    by: string,
  ): Promise<EntitlementRow | undefined> {
    const [row] = await uow.tx
      .update(entitlements)
      .set({ revokedAt: clock.now(), revokedBy: by })
      .where(and(eq(entitlements.orderId, orderId), isNull(entitlements.revokedAt)))
      .returning();
    if (row) await uow.emit("entitlements.changed", { userId: row.userId });
    return row;
  }

  /** Revokes the period that exists for `reference` (a grace that a late payment replaces). */
  async function revokeByReference(uow: UnitOfWork, reference: string, by: string) {
    const [row] = await uow.tx
      .update(entitlements)
      .set({ revokedAt: clock.now(), revokedBy: by })
      .where(and(eq(entitlements.reference, reference), isNull(entitlements.revokedAt)))
      .returning();
    if (row) await uow.emit("entitlements.changed", { userId: row.userId });
    return row;
  }

  /**
   * A free trial of a tier (`trialDays`), once per Telegram account and never for someone who
   * has paid before. "Once" is the period's unique reference `trial:<user>` (which also settles
   * two requests racing); the user's row is locked before the paid check, so a payment being
   * granted at that moment is seen.
   */
  async function startTrial(userId: string, tierId: string): Promise<EntitlementRow> {
    const tier = await deps.catalog.purchasableTier(tierId);
    if (!tier) throw CatalogErrors.tierNotFound();
    if (tier.trialDays <= 0) throw EntitlementErrors.trialUnavailable(`${tier.name} has no free trial`);
    const reference = `trial:${userId}`;
    try {
      return await withTransaction(deps, async (uow) => {
        const { tx } = uow;
        // Stryker disable next-line StringLiteral: a lock that matters only between connections (see grantPeriod)
        await tx.execute(sql`select 1 from ${users} where ${users.id} = ${userId} for update`);
        const [paid] = await tx
          // Stryker disable next-line ObjectLiteral: only whether a row exists is read
          .select({ id: orders.id })
          .from(orders)
          .where(and(eq(orders.userId, userId), inArray(orders.status, ["paid", "refunded"])))
          .limit(1);
        if (paid) throw EntitlementErrors.trialUsed("Free trials are for accounts that have not paid before");
        return grantPeriod(uow, {
          userId,
          tier,
          days: tier.trialDays,
          source: { kind: "trial", reference, grantedBy: "trial" },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err, "entitlements_reference_key")) {
        throw EntitlementErrors.trialUsed("This account has had its free trial");
      }
      throw err;
    }
  }

  /** The period an order paid for (unrevoked), if any. */
  async function periodForOrder(orderId: string): Promise<EntitlementRow | undefined> {
    const [row] = await db
      .select()
      .from(entitlements)
      .where(and(eq(entitlements.orderId, orderId), isNull(entitlements.revokedAt)));
    return row;
  }

  const resolver: AccessResolver = {
    tierOf: async (userId, at) => (await access(userId, at)).tier,
    featuresOf: async (userId, at) => (await access(userId, at)).features,
  };

  return {
    ...resolver,
    access,
    periodsOf,
    grantPeriod,
    revokeForOrder,
    revokeByReference,
    periodForOrder,
    startTrial,
    async hasFeature(userId: string, feature: keyof Features, at?: Date): Promise<boolean> {
      return Boolean((await resolver.featuresOf(userId, at))[feature]);
    },

    async adminGrant(
      actor: { id: string },
      userId: string,
      tierId: string,
      days: number,
    ): Promise<EntitlementRow> {
      const tier = await deps.catalog.findTier(tierId);
      if (!tier) throw CatalogErrors.tierNotFound();
      return withTransaction(deps, async (uow) => {
        const { tx } = uow;
        // Stryker disable next-line ObjectLiteral: only whether a row exists is read
        const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
        if (!user) throw UserErrors.notFound();
        const period = await grantPeriod(uow, { userId, tier, days, source: { grantedBy: actor.id } });
        await deps.audit.record(
          {
            actorId: actor.id,
            actorKind: "admin",
            action: "entitlements.granted",
            subjectType: "user",
            subjectId: userId,
            data: { entitlementId: period.id, tierId, days },
          },
          tx,
        );
        return period;
      });
    },

    async adminRevoke(actor: { id: string }, entitlementId: string): Promise<void> {
      await withTransaction(deps, async (uow) => {
        const { tx } = uow;
        const [revoked] = await tx
          .update(entitlements)
          .set({ revokedAt: clock.now(), revokedBy: actor.id })
          .where(and(eq(entitlements.id, entitlementId), isNull(entitlements.revokedAt)))
          .returning();
        if (!revoked) throw EntitlementErrors.notFound();
        await deps.audit.record(
          {
            actorId: actor.id,
            actorKind: "admin",
            action: "entitlements.revoked",
            subjectType: "user",
            subjectId: revoked.userId,
            data: { entitlementId },
          },
          tx,
        );
        await uow.emit("entitlements.changed", { userId: revoked.userId });
      });
    },

    async view(userId: string) {
      const now = clock.now();
      const [resolved, periods] = await Promise.all([access(userId, now), periodsOf(userId)]);
      return {
        tier: resolved.tier as Level,
        features: resolved.features,
        items: periods
          .filter((p) => !p.revokedAt)
          .map((p) => ({
            id: p.id,
            tierId: p.tierId,
            level: p.level,
            startsAt: p.startsAt.toISOString(),
            expiresAt: p.expiresAt.toISOString(),
            // Stryker disable next-line StringLiteral: every period without an order has grantedBy (sourceColumns)
            source: p.orderId ? { orderId: p.orderId } : { grantedBy: p.grantedBy ?? "" },
            kind: p.sourceKind,
            active: isActive(p, now),
          })),
      };
    },
  };
}
