import type { Update } from "grammy/types";
import type { Deps } from "../../src/deps";
import type { AffiliateSettings } from "../../src/modules/affiliates/affiliates.context";
import { PAYOUT_INTERVAL_MS } from "../../src/modules/affiliates/affiliates.models";
import { createAffiliatesService } from "../../src/modules/affiliates/affiliates.service";
import type { Level } from "../../src/modules/catalog/catalog.models";
import type { RegionCode } from "../../src/modules/pricing/pricing.models";
import { ManualClock } from "../../src/shared/clock";
import { ADMIN_TG_ID, BOT_USERNAME } from "./config";
import type { Signer } from "./signed";

/**
 * Every test factory in one place: users and subscribers, devices, affiliates and their
 * sales, and Telegram updates as the Bot API sends them. Each makes its data through the real
 * services (or, for updates, in the Bot API's own JSON shape), never by writing rows directly.
 */

// ---- users, subscribers, devices

let nextTelegramId = 10_000;

/** A user with a valid bearer token; `admin` grants the role in the database. */
export async function createUser(
  deps: Deps,
  opts: { telegramId?: number; admin?: boolean; username?: string; firstName?: string } = {},
) {
  const telegramId = opts.telegramId ?? nextTelegramId++;
  const { user } = await deps.users.ensureFromTelegram({
    telegramId,
    username: opts.username ?? `user${telegramId}`,
    firstName: opts.firstName ?? "Test",
  });
  if (opts.admin) await deps.users.grantAdmin(user.id);
  const token = await deps.tokens.issue(user.id);
  return { user, token, headers: { authorization: `Bearer ${token}` } };
}

const seeded = new WeakSet<Deps>();

/** The id of the default catalog's tier at `level`, seeding the catalog on first use. */
export async function tierId(deps: Deps, level: Exclude<Level, "free">): Promise<string> {
  if (!seeded.has(deps)) {
    await deps.catalog.seedDefaultCatalog();
    seeded.add(deps);
  }
  const view = await deps.catalog.view();
  const tier = view.categories
    .flatMap((c) => c.products.flatMap((p) => p.tiers))
    .find((t) => t.level === level);
  if (!tier) throw new Error(`no ${level} tier in the default catalog`);
  return tier.id;
}

/** A user holding `level` for 30 days (free: nothing granted), optionally with auto-approve on. */
export async function createSubscriber(
  deps: Deps,
  level: Level,
  opts: { autoApprove?: boolean; admin?: boolean } = {},
) {
  const created = await createUser(deps, { admin: opts.admin });
  if (level !== "free") {
    await deps.entitlements.adminGrant(
      { id: "usr_test_admin" },
      created.user.id,
      await tierId(deps, level),
      30,
    );
  }
  if (opts.autoApprove) await deps.users.updateProfile(created.user.id, { autoApprove: true });
  return created;
}

/** A subscriber with one registered device and its secret. */
export async function createDeviceOwner(
  deps: Deps,
  level: Level = "vip",
  opts: { autoApprove?: boolean; deviceName?: string } = {},
) {
  const owner = await createSubscriber(deps, level, opts);
  const { device, secret } = await deps.devices.register(owner.user.id, opts.deviceName ?? "terminal");
  return { ...owner, device, signer: { id: device.id, secret } satisfies Signer };
}

// ---- affiliates and their sales (the real orders service pays and refunds)

let nextReferredTelegramId = 700_000;

export async function newAffiliate(deps: Deps) {
  const owner = await createUser(deps);
  const affiliate = await deps.affiliates.register(owner.user.id);
  return { ...owner, code: affiliate.code };
}

/** A user signing up for the first time with `code`, as the bot and the Mini App both do. */
export async function signUpWith(deps: Deps, code: string | null) {
  const telegramId = nextReferredTelegramId++;
  const { user } = await deps.users.ensureFromTelegram(
    { telegramId, username: `ref${telegramId}`, firstName: "Referred" },
    { referralCode: code },
  );
  const token = await deps.tokens.issue(user.id);
  return { user, token, headers: { authorization: `Bearer ${token}` } };
}

export async function premiumTierId(deps: Deps): Promise<string> {
  await deps.catalog.seedDefaultCatalog();
  const view = await deps.catalog.view();
  return view.categories[0]!.products[0]!.tiers.find((t) => t.level === "premium")!.id;
}

/** Creates and pays an order for the premium tier (£29.00 a month before discounts). */
export async function buy(
  deps: Deps,
  userId: string,
  opts: { months?: 1 | 3 | 6 | 12; region?: RegionCode } = {},
) {
  const order = await deps.orders.create(
    { id: userId, region: null },
    { tierId: await premiumTierId(deps), months: opts.months ?? 1, region: opts.region ?? "GB" },
  );
  const outcome = await deps.orders.markOrderPaid({
    orderId: order.id,
    provider: "manual",
    reference: `test-${order.id}`,
  });
  if (outcome.result !== "paid") throw new Error(`order not paid: ${outcome.result}`);
  return outcome.order;
}

/**
 * An affiliate's payout of `amountMinor`, requested, approved (a first payout is held for
 * review) and completed by an admin: money that has left the ledger.
 */
export async function payOut(deps: Deps, userId: string, amountMinor: number) {
  const admin = { id: "usr_admin" };
  const payout = await deps.affiliates.requestPayout(userId, amountMinor);
  await deps.affiliates.admin.approvePayout(admin, payout.id);
  return deps.affiliates.admin.completePayout(admin, payout.id, "bank-1");
}

export async function refund(deps: Deps, orderId: string) {
  const outcome = await deps.orders.markOrderRefunded({
    orderId,
    provider: "manual",
    reference: `refund-${orderId}`,
  });
  if (outcome.result !== "refunded") throw new Error(`order not refunded: ${outcome.result}`);
  return outcome.order;
}

/**
 * An affiliate with `orders` referred users who each paid a 12-month GB premium order:
 * £348.00 less 10 % and 20 % is £250.56, so each earns a bronze commission of 2506.
 */
export const TWELVE_MONTH_COMMISSION = 2506;
export async function affiliateWithSales(deps: Deps, orders: number) {
  const affiliate = await newAffiliate(deps);
  const sales = [];
  for (let i = 0; i < orders; i++) {
    const buyer = await signUpWith(deps, affiliate.code);
    sales.push(await buy(deps, buyer.user.id, { months: 12 }));
    // A minute apart, so "oldest first" has one answer.
    if (deps.clock instanceof ManualClock) deps.clock.advance(60_000);
  }
  return { ...affiliate, sales };
}

/** Access tokens last an hour; tests that move the clock by days sign in again. */
export async function freshHeaders(deps: Deps, userId: string) {
  return { authorization: `Bearer ${await deps.tokens.issue(userId)}` };
}

export const stats = async (deps: Deps, userId: string) => (await deps.affiliates.view(userId)).stats;

/** A second affiliates service over the test app's database, with some settings changed. */
export function affiliatesService(
  deps: Deps,
  overrides: Partial<AffiliateSettings> & { newCode?: () => string } = {},
) {
  const { newCode, ...settings } = overrides;
  return createAffiliatesService({
    db: deps.db,
    clock: deps.clock,
    audit: deps.audit,
    settings: {
      schedule: {
        thresholds: deps.config.affiliates.tierThresholds,
        ratesBps: deps.config.affiliates.tierRatesBps,
      },
      holdDays: deps.config.affiliates.holdDays,
      payoutMinimumMinor: deps.config.affiliates.payoutMinimumMinor,
      payoutIntervalMs: PAYOUT_INTERVAL_MS,
      publicUrl: deps.config.publicUrl,
      botUsername: () => deps.config.telegram.botUsername,
      ...settings,
    },
    commissionsTotal: { inc: () => {} },
    events: deps.events,
    newCode,
  });
}

// ---- Telegram updates and the people who send them

export interface Person {
  id: number;
  first_name: string;
  username?: string;
  is_bot?: boolean;
  /** The Telegram app's language (IETF tag), as Telegram sends it in `from`. */
  language_code?: string;
}

let updateIds = 1_000;
let telegramIds = 500_000;
let messageIds = 1;

export const person = (overrides: Partial<Person> = {}): Person => ({
  id: telegramIds++,
  first_name: "Ada",
  username: `ada${telegramIds}`,
  ...overrides,
});
export const admin = (): Person => person({ id: ADMIN_TG_ID, first_name: "Root", username: "root" });

const userOf = (p: Person) => ({
  id: p.id,
  is_bot: p.is_bot ?? false,
  first_name: p.first_name,
  username: p.username,
  ...(p.language_code ? { language_code: p.language_code } : {}),
});
const chatOf = (p: Person) => ({ id: p.id, type: "private" as const, first_name: p.first_name });

/** A supergroup the bot was added to, as Telegram describes it in updates. */
export const GROUP = { id: -1_001_234_567_890, type: "supergroup" as const, title: "Traders" };

const commandEntity = (text: string) => {
  const command = /^\/\S+/.exec(text)?.[0];
  return command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {};
};

/** Real Update JSON as Telegram sends it, bot_command entity included. */
export const updates = {
  /** A message in a group chat (the bot sees commands there, privacy mode on). */
  groupMessage(from: Person, text: string, chat = GROUP): Update {
    return {
      update_id: updateIds++,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: userOf(from),
        text,
        ...commandEntity(text),
      },
    } as Update;
  },
  /** A button pressed under a message the bot sent into a group. */
  groupCallback(from: Person, data: string, chat = GROUP, messageId = 88): Update {
    return {
      update_id: updateIds++,
      callback_query: {
        id: `cbq${updateIds}`,
        from: userOf(from),
        chat_instance: "gci",
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat,
          from: { id: 123456, is_bot: true, first_name: "bot", username: BOT_USERNAME },
          text: "…",
        },
      },
    } as Update;
  },
  /** The bot's own membership of a person's private chat changed: "kicked" is blocked, "member" unblocked. */
  myChatMember(from: Person, oldStatus: "member" | "kicked", newStatus: "member" | "kicked"): Update {
    const bot = { id: 123456, is_bot: true, first_name: "bot", username: BOT_USERNAME };
    const member = (status: "member" | "kicked") =>
      status === "kicked" ? { status, user: bot, until_date: 0 } : { status, user: bot };
    return {
      update_id: updateIds++,
      my_chat_member: {
        chat: chatOf(from),
        from: userOf(from),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: member(oldStatus),
        new_chat_member: member(newStatus),
      },
    } as Update;
  },
  message(from: Person, text: string, updateId = updateIds++): Update {
    const command = /^\/\S+/.exec(text)?.[0];
    return {
      update_id: updateId,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(from),
        from: userOf(from),
        text,
        ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {}),
      },
    } as Update;
  },
  callback(from: Person, data: string, messageId = 77): Update {
    return {
      update_id: updateIds++,
      callback_query: {
        id: `cbq${updateIds}`,
        from: userOf(from),
        chat_instance: "ci",
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: chatOf(from),
          from: { id: 123456, is_bot: true, first_name: "bot", username: BOT_USERNAME },
          text: "…",
        },
      },
    } as Update;
  },
  preCheckout(from: Person, payload: string, total: number, currency = "XTR"): Update {
    return {
      update_id: updateIds++,
      pre_checkout_query: {
        id: `pcq${updateIds}`,
        from: userOf(from),
        currency,
        total_amount: total,
        invoice_payload: payload,
      },
    } as Update;
  },
  payment(
    from: Person,
    payload: string,
    total: number,
    chargeId: string,
    currency = "XTR",
    /** A Star subscription's payment: its first, or a renewal; `expiresAt` in Unix seconds. */
    recurring?: { first: boolean; expiresAt: number },
  ): Update {
    return {
      update_id: updateIds++,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(from),
        from: userOf(from),
        successful_payment: {
          currency,
          total_amount: total,
          invoice_payload: payload,
          telegram_payment_charge_id: chargeId,
          provider_payment_charge_id: "",
          ...(recurring
            ? {
                subscription_expiration_date: recurring.expiresAt,
                is_recurring: true,
                ...(recurring.first ? { is_first_recurring: true } : {}),
              }
            : {}),
        },
      },
    } as Update;
  },
};

export interface ChatRef {
  id: number;
  type: "channel" | "supergroup" | "group";
  title: string;
}

type MemberStatusJson = Record<string, unknown> & { status: string };

/** Chat updates as Telegram sends them: ChatJoinRequest and ChatMemberUpdated. */
export const chatUpdates = {
  joinRequest(chat: ChatRef, from: Person): Update {
    return {
      update_id: updateIds++,
      chat_join_request: {
        chat,
        from: userOf(from),
        user_chat_id: from.id,
        date: Math.floor(Date.now() / 1000),
        invite_link: {
          invite_link: "https://t.me/+fake...",
          creator: { id: 123456, is_bot: true, first_name: "bot" },
          creates_join_request: true,
          is_primary: false,
          is_revoked: false,
        },
      },
    } as Update;
  },
  /** The bot's own membership changed (`my_chat_member`), by `from`. */
  myChatMember(
    chat: ChatRef,
    from: Person,
    oldMember: MemberStatusJson,
    newMember: MemberStatusJson,
  ): Update {
    const bot = { id: 123456, is_bot: true, first_name: "signaldesk", username: BOT_USERNAME };
    return {
      update_id: updateIds++,
      my_chat_member: {
        chat,
        from: userOf(from),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: bot, ...oldMember },
        new_chat_member: { user: bot, ...newMember },
      },
    } as Update;
  },
  /** Someone else's membership changed (`chat_member`, sent to admin bots that ask for it). */
  chatMember(chat: ChatRef, from: Person, who: Person, oldStatus: string, newStatus: string): Update {
    return {
      update_id: updateIds++,
      chat_member: {
        chat,
        from: userOf(from),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: userOf(who), status: oldStatus },
        new_chat_member: { user: userOf(who), status: newStatus },
      },
    } as Update;
  },
  /** A private message forwarded from a channel post. */
  forwardedFrom(from: Person, chat: ChatRef): Update {
    return {
      update_id: updateIds++,
      message: {
        message_id: messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(from),
        from: userOf(from),
        text: "EURUSD buy 1.0850",
        forward_origin: { type: "channel", chat, message_id: 42, date: Math.floor(Date.now() / 1000) - 60 },
      },
    } as Update;
  },
};
