import type { I18nFlavor } from "@grammyjs/i18n";
import type { Composer, Context } from "grammy";
import type { Logger } from "pino";
import type { ResolvedConfig } from "../../config";
import type { Executor } from "../../db/client";
import type { Clock } from "../../shared/clock";
import type { AffiliatesService } from "../affiliates/affiliates.service";
import type { AuditService } from "../audit/audit.service";
import type { CatalogService } from "../catalog/catalog.service";
import type { ChannelsModule } from "../channels/channels.module";
import type { ConsoleSessions } from "../console/console.sessions";
import type { DevicesService } from "../devices/devices.service";
import type { EntitlementsService } from "../entitlements/entitlements.service";
import type { ExecutionsService } from "../executions/executions.service";
import type { OrdersService } from "../orders/orders.service";
import type { PaymentsService } from "../payments/payments.service";
import type { UnappliedPayments } from "../payments/unapplied.service";
import type { CouponsService } from "../pricing/coupons.service";
import type { PricingService } from "../pricing/pricing.service";
import type { RenewalsService } from "../renewals/renewals.service";
import type { PositionsService } from "../signals/signals.positions";
import type { SignalsService } from "../signals/signals.service";
import type { SubscriptionsService } from "../subscriptions/subscriptions.service";
import type { TrackRecordService } from "../track-record/track-record.service";
import type { Role } from "../users/users.models";
import type { UsersService } from "../users/users.service";
import type { UserRow } from "../users/users.table";
import type { ConversationKind } from "./telegram.table";

/** The signaldesk user behind an update, resolved (and created on first contact) once per update. */
export interface Account {
  user: UserRow;
  role: Role;
}

export type BotContext = Context & I18nFlavor & { account: Account };

/** The services the bot calls: the same ones the HTTP routes call, nothing of its own. */
export interface BotServices {
  config: ResolvedConfig;
  db: Executor;
  clock: Clock;
  logger: Logger;
  audit: AuditService;
  users: UsersService;
  catalog: CatalogService;
  entitlements: EntitlementsService;
  pricing: PricingService;
  coupons: CouponsService;
  orders: OrdersService;
  payments: PaymentsService;
  subscriptions: SubscriptionsService;
  devices: DevicesService;
  signals: SignalsService;
  positions: PositionsService;
  executions: ExecutionsService;
  affiliates: AffiliatesService;
  trackRecord: TrackRecordService;
  consoleSessions: ConsoleSessions;
  channels: ChannelsModule;
  renewals: RenewalsService;
  unappliedPayments: UnappliedPayments;
}

export interface CommandSpec {
  /** The first name is the command; the rest are aliases (`/plans` = `/shop`). */
  names: [string, ...string[]];
  /** The catalogue key of the one-line description in /help and Telegram's command menu. */
  summary: string;
  role: "all" | "admin";
  /**
   * Answers in groups too. Unset (most commands): the command is personal (plans, devices,
   * payments, secrets, admin tools) and a group gets only a pointer to the private chat.
   */
  groups?: boolean;
  /** Runs with the open question still there (/cancel); every other command abandons it first. */
  keepsQuestion?: boolean;
  run(ctx: BotContext): Promise<unknown>;
}

/** Handles the text a person sent in answer to a question the bot asked (see conversations). */
export type AnswerHandler = (
  ctx: BotContext,
  text: string,
  data: Record<string, unknown>,
) => Promise<unknown>;

/** One feature of the bot: its commands (for routing and /help), buttons and awaited answers. */
export interface BotFeature {
  commands: CommandSpec[];
  install?(bot: Composer<BotContext>): void;
  answers?: Partial<Record<ConversationKind, AnswerHandler>>;
}
