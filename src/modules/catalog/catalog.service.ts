import { and, asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import type { AuditService } from "../audit/audit.service";
import { CatalogErrors } from "./catalog.errors";
import { DEFAULT_CATALOG } from "./catalog.models";
import {
  appSeeds,
  type CategoryRow,
  catalogCategories,
  catalogProducts,
  catalogTiers,
  type ProductRow,
  type TierRow,
} from "./catalog.table";

export type CatalogService = ReturnType<typeof createCatalogService>;
type Actor = { id: string };
type NewTier = Omit<typeof catalogTiers.$inferInsert, "id" | "createdAt" | "updatedAt">;

// Other instances edit the catalog too; a short TTL bounds how stale a reader can be.
const CACHE_TTL_MS = 5_000;

export function createCatalogService(deps: { db: Executor; clock: Clock; audit: AuditService }) {
  const { db, clock } = deps;
  let cache:
    | { at: number; tiers: Map<string, TierRow>; purchasable: Set<string>; view: CatalogView }
    | undefined;
  const invalidate = () => {
    cache = undefined;
  };

  /** The cache while it is fresh (CACHE_TTL_MS), else undefined. */
  const freshCache = (now = Date.now()) => (cache && now - cache.at < CACHE_TTL_MS ? cache : undefined);

  async function load() {
    const now = Date.now();
    const fresh = freshCache(now);
    if (fresh) return fresh;
    const [categories, products, tiers] = await Promise.all([
      db.select().from(catalogCategories).orderBy(asc(catalogCategories.position), asc(catalogCategories.id)),
      db.select().from(catalogProducts).orderBy(asc(catalogProducts.position), asc(catalogProducts.id)),
      db.select().from(catalogTiers).orderBy(asc(catalogTiers.monthlyPriceMinor)),
    ]);
    const view = buildView(categories, products, tiers);
    const purchasable = new Set(
      view.categories.flatMap((c) => c.products.flatMap((p) => p.tiers.map((t) => t.id))),
    );
    cache = { at: now, tiers: new Map(tiers.map((t) => [t.id, t])), purchasable, view };
    return cache;
  }

  /** Runs an admin write: maps slug/level clashes to 409, audits it, refreshes the cache. */
  async function adminWrite<T>(
    actor: Actor,
    action: string,
    subjectType: string,
    write: (tx: Executor) => Promise<T & { id: string }>,
  ) {
    try {
      const row = await db.transaction(async (tx) => {
        const result = await write(tx);
        await deps.audit.record(
          {
            actorId: actor.id,
            actorKind: "admin",
            action,
            subjectType,
            subjectId: result.id,
            data: { ...result },
          },
          tx,
        );
        return result;
      });
      invalidate();
      return row;
    } catch (err) {
      if (isUniqueViolation(err, "catalog_tiers_product_level_key")) throw CatalogErrors.levelTaken();
      if (isUniqueViolation(err)) throw CatalogErrors.slugTaken();
      throw err;
    }
  }

  const stamp = () => ({ createdAt: clock.now(), updatedAt: clock.now() });
  const one = async <T>(rows: Promise<T[]>, notFound: () => Error): Promise<T> => {
    const [row] = await rows;
    if (!row) throw notFound();
    return row;
  };

  return {
    invalidate,
    async view(): Promise<CatalogView> {
      return (await load()).view;
    },
    /** A tier by id, archived ones included (orders keep pointing at them). */
    async findTier(id: string): Promise<TierRow | undefined> {
      return (
        (await load()).tiers.get(id) ??
        (await db.select().from(catalogTiers).where(eq(catalogTiers.id, id)))[0]
      );
    },
    /** A tier that can be bought now: it, its product and its category are not archived. */
    async purchasableTier(id: string): Promise<TierRow | undefined> {
      const { tiers, purchasable } = await load();
      return purchasable.has(id) ? tiers.get(id) : undefined;
    },
    /**
     * `purchasableTier` when the answer is in the cache and fresh, without awaiting: undefined
     * when it is not (or the tier cannot be bought), and the caller asks `purchasableTier`.
     */
    cachedPurchasableTier(id: string): TierRow | undefined {
      const fresh = freshCache();
      return fresh?.purchasable.has(id) ? fresh.tiers.get(id) : undefined;
    },

    /** Seeds SPEC.md's default catalog exactly once per database, whatever happens later. */
    async seedDefaultCatalog(): Promise<boolean> {
      const seeded = await db.transaction(async (tx) => {
        const [marker] = await tx
          .insert(appSeeds)
          .values({ key: "catalog.default", appliedAt: clock.now() })
          .onConflictDoNothing()
          .returning();
        if (!marker) return false;
        const { category, product, tiers } = DEFAULT_CATALOG;
        const categoryId = newId("cat");
        const productId = newId("prd");
        await tx.insert(catalogCategories).values({ id: categoryId, ...category, ...stamp() });
        await tx.insert(catalogProducts).values({ id: productId, categoryId, ...product, ...stamp() });
        await tx
          .insert(catalogTiers)
          .values(tiers.map((t) => ({ id: newId("tier"), productId, ...t, ...stamp() })));
        return true;
      });
      invalidate();
      return seeded;
    },

    createCategory: (actor: Actor, input: { slug: string; name: string; position?: number }) =>
      adminWrite(actor, "catalog.category_created", "category", async (tx) =>
        one(
          tx
            .insert(catalogCategories)
            .values({ id: newId("cat"), ...input, ...stamp() })
            .returning(),
          CatalogErrors.categoryNotFound,
        ),
      ),
    updateCategory: (
      actor: Actor,
      id: string,
      patch: Partial<Pick<CategoryRow, "slug" | "name" | "position">>,
    ) =>
      adminWrite(actor, "catalog.category_updated", "category", (tx) =>
        one(
          tx
            .update(catalogCategories)
            .set({ ...patch, updatedAt: clock.now() })
            .where(eq(catalogCategories.id, id))
            .returning(),
          CatalogErrors.categoryNotFound,
        ),
      ),
    archiveCategory: (actor: Actor, id: string) =>
      adminWrite(actor, "catalog.category_archived", "category", (tx) =>
        one(
          tx
            .update(catalogCategories)
            .set({ archivedAt: clock.now(), updatedAt: clock.now() })
            .where(and(eq(catalogCategories.id, id), isNull(catalogCategories.archivedAt)))
            .returning(),
          CatalogErrors.categoryNotFound,
        ),
      ),

    createProduct: (
      actor: Actor,
      input: Omit<typeof catalogProducts.$inferInsert, "id" | "createdAt" | "updatedAt">,
    ) =>
      adminWrite(actor, "catalog.product_created", "product", async (tx) => {
        await one(
          tx.select().from(catalogCategories).where(eq(catalogCategories.id, input.categoryId)),
          CatalogErrors.categoryNotFound,
        );
        return one(
          tx
            .insert(catalogProducts)
            .values({ id: newId("prd"), ...input, ...stamp() })
            .returning(),
          CatalogErrors.productNotFound,
        );
      }),
    updateProduct: (
      actor: Actor,
      id: string,
      patch: Partial<Pick<ProductRow, "slug" | "name" | "description" | "position">>,
    ) =>
      adminWrite(actor, "catalog.product_updated", "product", (tx) =>
        one(
          tx
            .update(catalogProducts)
            .set({ ...patch, updatedAt: clock.now() })
            .where(eq(catalogProducts.id, id))
            .returning(),
          CatalogErrors.productNotFound,
        ),
      ),
    archiveProduct: (actor: Actor, id: string) =>
      adminWrite(actor, "catalog.product_archived", "product", (tx) =>
        one(
          tx
            .update(catalogProducts)
            .set({ archivedAt: clock.now(), updatedAt: clock.now() })
            .where(and(eq(catalogProducts.id, id), isNull(catalogProducts.archivedAt)))
            .returning(),
          CatalogErrors.productNotFound,
        ),
      ),

    createTier: (actor: Actor, input: NewTier) =>
      adminWrite(actor, "catalog.tier_created", "tier", async (tx) => {
        await one(
          tx.select().from(catalogProducts).where(eq(catalogProducts.id, input.productId)),
          CatalogErrors.productNotFound,
        );
        return one(
          tx
            .insert(catalogTiers)
            .values({ id: newId("tier"), ...input, ...stamp() })
            .returning(),
          CatalogErrors.tierNotFound,
        );
      }),
    updateTier: (
      actor: Actor,
      id: string,
      patch: Partial<Pick<TierRow, "name" | "monthlyPriceMinor" | "features" | "trialDays">>,
    ) =>
      adminWrite(actor, "catalog.tier_updated", "tier", (tx) =>
        one(
          tx
            .update(catalogTiers)
            .set({ ...patch, updatedAt: clock.now() })
            .where(eq(catalogTiers.id, id))
            .returning(),
          CatalogErrors.tierNotFound,
        ),
      ),
    archiveTier: (actor: Actor, id: string) =>
      adminWrite(actor, "catalog.tier_archived", "tier", (tx) =>
        one(
          tx
            .update(catalogTiers)
            .set({ archivedAt: clock.now(), updatedAt: clock.now() })
            .where(and(eq(catalogTiers.id, id), isNull(catalogTiers.archivedAt)))
            .returning(),
          CatalogErrors.tierNotFound,
        ),
      ),
  };
}

export interface CatalogView {
  currency: "GBP";
  categories: {
    id: string;
    slug: string;
    name: string;
    products: {
      id: string;
      slug: string;
      name: string;
      description: string;
      tiers: {
        id: string;
        level: TierRow["level"];
        name: string;
        monthlyPriceMinor: number;
        features: TierRow["features"];
        trialDays: number;
      }[];
    }[];
  }[];
}

/** The public catalog: archived categories, products and tiers are not listed. */
function buildView(categories: CategoryRow[], products: ProductRow[], tiers: TierRow[]): CatalogView {
  return {
    currency: "GBP",
    categories: categories
      .filter((c) => !c.archivedAt)
      .map((c) => ({
        id: c.id,
        slug: c.slug,
        name: c.name,
        products: products
          .filter((p) => p.categoryId === c.id && !p.archivedAt)
          .map((p) => ({
            id: p.id,
            slug: p.slug,
            name: p.name,
            description: p.description,
            tiers: tiers
              .filter((t) => t.productId === p.id && !t.archivedAt)
              .map((t) => ({
                id: t.id,
                level: t.level,
                name: t.name,
                monthlyPriceMinor: t.monthlyPriceMinor,
                features: t.features,
                trialDays: t.trialDays,
              })),
          })),
      })),
  };
}
