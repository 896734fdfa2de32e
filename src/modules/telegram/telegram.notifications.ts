import { and, eq, inArray, like } from "drizzle-orm";
import type { Logger } from "pino";
import type { DomainEvents } from "../../shared/events";
import { users } from "../users/users.table";
import { createAffiliateNotices } from "./affiliate.notices";
import { botStatusText } from "./channels.feature";
import { channelLines, joinButtons } from "./channels.views";
import { createPositionNotices } from "./positions.notices";
import { decidedText, decisionKeyboard, signalText } from "./signals.views";
import type { BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import { type Catalogues, DEFAULT_LOCALE } from "./telegram.i18n";
import type { OutgoingMessage, outboxRepository } from "./telegram.outbox";
import { localesOfChats, recipientsOf } from "./telegram.recipients";
import { telegramOutbox } from "./telegram.table";

/** Reads signals whatever their recipients; notifications are the system speaking, not a user. */
const SYSTEM_VIEWER = { id: "system", role: "admin" as const };
export const signalMessageKey = (signalId: string, userId: string) => `signal:${signalId}:${userId}`;

/**
 * Turns other modules' domain events into queued messages (registered in
 * `telegram.reactions.ts`). No service imports the bot. Every message has a dedupe key derived
 * from the event, so an event seen twice queues once.
 */
export function createNotifications(deps: {
  services: Pick<
    BotServices,
    "db" | "signals" | "executions" | "logger" | "channels" | "config" | "clock" | "affiliates"
  >;
  outbox: ReturnType<typeof outboxRepository>;
  poke(): void;
  logger: Logger;
  catalogues: Catalogues;
}) {
  const { services, outbox } = deps;
  const tr = deps.catalogues.translator;

  async function queue(messages: OutgoingMessage[]) {
    if ((await outbox.enqueue(messages)) > 0) deps.poke();
  }

  async function signalPublished({
    signal: { id: signalId },
    recipients,
  }: DomainEvents["signals.published"]) {
    const signal = await services.signals.get(SYSTEM_VIEWER, signalId);
    const chats = await recipientsOf(
      services.db,
      recipients.map((r) => r.userId),
    );
    const messages = recipients.flatMap((r): OutgoingMessage[] => {
      const to = chats.get(r.userId);
      if (to === undefined) return [];
      const t = tr(to.locale);
      const dedupeKey = signalMessageKey(signalId, r.userId);
      return r.autoApproved
        ? [{ chatId: to.chatId, dedupeKey, text: decidedText(signal, "auto", t) }]
        : [
            {
              chatId: to.chatId,
              dedupeKey,
              text: `${t("signal-new")}\n${signalText(signal, t)}`,
              replyMarkup: decisionKeyboard(signalId, t),
            },
          ];
    });
    for (let i = 0; i < messages.length; i += 500) await queue(messages.slice(i, i + 500));
  }

  /** The signal's message loses its buttons and says what was decided (wherever it was decided). */
  async function signalDecided({
    signal: { id: signalId },
    userId,
    decision,
  }: DomainEvents["signals.decided"]) {
    const to = (await recipientsOf(services.db, [userId])).get(userId);
    if (to === undefined) return;
    const signal = await services.signals.get(SYSTEM_VIEWER, signalId);
    const key = signalMessageKey(signalId, userId);
    if (
      (await outbox.enqueueEdit({
        chatId: to.chatId,
        editOf: key,
        dedupeKey: `${key}:decided`,
        text: decidedText(signal, decision, tr(to.locale)),
      })) > 0
    ) {
      deps.poke();
    }
  }

  /** Undecided recipients' messages say the signal was cancelled, and lose their buttons. */
  async function signalCancelled({ signalId }: DomainEvents["signals.cancelled"]) {
    const signal = await services.signals.get(SYSTEM_VIEWER, signalId);
    const sent = await services.db
      .select({ key: telegramOutbox.dedupeKey, chatId: telegramOutbox.chatId, userId: users.id })
      .from(telegramOutbox)
      .leftJoin(users, eq(users.telegramId, telegramOutbox.chatId))
      .where(
        and(like(telegramOutbox.dedupeKey, `signal:${signalId}:%`), eq(telegramOutbox.method, "sendMessage")),
      );
    const who = await recipientsOf(
      services.db,
      sent.flatMap((s) => (s.userId ? [s.userId] : [])),
    );
    const decided = new Set(
      (
        await services.db
          .select({ key: telegramOutbox.editOf })
          .from(telegramOutbox)
          .where(
            inArray(
              telegramOutbox.dedupeKey,
              sent.map((s) => `${s.key}:decided`),
            ),
          )
      ).map((r) => r.key),
    );
    for (const s of sent.filter((row) => row.key && !decided.has(row.key))) {
      await outbox.enqueueEdit({
        chatId: s.chatId,
        editOf: s.key!,
        dedupeKey: `${s.key}:cancelled`,
        text: decidedText(signal, "cancelled", tr(who.get(s.userId ?? "")?.locale ?? "en")),
      });
    }
    deps.poke();
  }

  async function executionReported(e: DomainEvents["executions.reported"]) {
    if (e.type === "ack") return;
    const report = await services.executions.forSignal({ id: e.userId, role: "user" }, e.signalId);
    const execution = report.items.find((i) => i.id === e.executionId);
    const signal = await services.signals.get(SYSTEM_VIEWER, e.signalId);
    const to = (await recipientsOf(services.db, [e.userId])).get(e.userId);
    if (!execution || to === undefined) return;
    const t = tr(to.locale);
    const what = `${escapeHtml(signal.instrument)} ${signal.side.toUpperCase()}`;
    const device = `<b>${escapeHtml(execution.deviceName)}</b>`;
    const text =
      e.type === "fill"
        ? t("exec-filled", {
            device,
            what,
            volume: String(execution.volume),
            price: String(execution.price),
            ticket: escapeHtml(execution.brokerTicket ?? "—"),
          })
        : t("exec-failed", {
            device,
            what,
            error: escapeHtml(execution.errorMessage ?? ""),
            code: String(execution.errorCode),
          });
    await queue([{ chatId: to.chatId, text, dedupeKey: `exec:${e.executionId}:${e.type}` }]);
  }

  async function deviceOffline(e: DomainEvents["devices.offline_with_pending"]) {
    const to = (await recipientsOf(services.db, [e.userId])).get(e.userId);
    if (to === undefined) return;
    const text = tr(to.locale)("device-offline", { name: escapeHtml(e.deviceName), pending: e.pending });
    await queue([{ chatId: to.chatId, text }]);
  }

  /** After a payment: the buyer's personal join links for the chats the plan opens. */
  async function channelsAfterPayment(userId: string, orderId: string) {
    const to = (await recipientsOf(services.db, [userId])).get(userId);
    if (to === undefined) return;
    const open = (await services.channels.service.forUser(userId, to.chatId)).filter(
      (c) => c.access === "invited",
    );
    if (open.length === 0) return;
    const t = tr(to.locale);
    const text = [t("chan-paid-title"), ...channelLines(open, t)].join("\n");
    await queue([
      { chatId: to.chatId, text, replyMarkup: joinButtons(open, t), dedupeKey: `channels-paid:${orderId}` },
    ]);
  }

  /** Every admin hears, in their language, when the bot lost or got back its rights in a linked chat. */
  async function channelStatusChanged(e: DomainEvents["channels.bot_status_changed"]) {
    const at = e.channel.updatedAt.getTime();
    const admins = [...services.config.adminTelegramIds];
    const known = await localesOfChats(services.db, admins);
    await queue(
      admins.map((chatId) => ({
        chatId,
        text: botStatusText(e, tr(known.get(chatId) ?? DEFAULT_LOCALE)),
        dedupeKey: `channel-status:${e.channel.id}:${e.change}:${at}`,
      })),
    );
  }

  const positions = createPositionNotices({ services, queue, translator: tr });
  const affiliates = createAffiliateNotices({ services, queue, translator: tr });

  const running = new Set<Promise<void>>();
  const guard =
    <T>(name: string, handler: (payload: T) => Promise<void>) =>
    (payload: T) => {
      const work = handler(payload).catch((err) =>
        deps.logger.error({ err, event: name }, "telegram notification failed"),
      );
      running.add(work);
      void work.finally(() => running.delete(work));
      return work;
    };

  return {
    /** Resolves when every notification being composed has been queued (tests, shutdown). */
    async settled(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    signalPublished: guard("signals.published", signalPublished),
    signalDecided: guard("signals.decided", signalDecided),
    signalCancelled: guard("signals.cancelled", signalCancelled),
    executionReported: guard("executions.reported", executionReported),
    deviceOffline: guard("devices.offline_with_pending", deviceOffline),
    signalUpdated: guard("signals.updated", positions.signalUpdated),
    updateReported: guard("executions.update_reported", positions.updateReported),
    channelsAfterPayment: (userId: string, orderId: string) =>
      guard("orders.paid", () => channelsAfterPayment(userId, orderId))(undefined),
    channelStatusChanged: guard("channels.bot_status_changed", channelStatusChanged),
    affiliateReferred: guard("affiliates.referred", affiliates.referred),
    affiliateCommissionEarned: guard("affiliates.commission_earned", affiliates.commissionEarned),
    affiliatePayoutDecided: guard("affiliates.payout_decided", affiliates.payoutDecided),
    /** The timer's run: commissions whose hold has ended are announced (once each). */
    affiliateCommissionsAvailable: () => affiliates.announceAvailable(),
  };
}
