import { and, eq, inArray, like } from "drizzle-orm";
import type { Logger } from "pino";
import type { DomainEvents } from "../../shared/events";
import { createPositionNotices } from "./positions.notices";
import { decidedText, decisionKeyboard, signalText } from "./signals.views";
import type { BotServices } from "./telegram.context";
import { escapeHtml } from "./telegram.format";
import type { OutgoingMessage, outboxRepository } from "./telegram.outbox";
import { chatIdsOf } from "./telegram.recipients";
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
  services: Pick<BotServices, "db" | "signals" | "executions" | "logger">;
  outbox: ReturnType<typeof outboxRepository>;
  poke(): void;
  logger: Logger;
}) {
  const { services, outbox } = deps;

  async function queue(messages: OutgoingMessage[]) {
    if ((await outbox.enqueue(messages)) > 0) deps.poke();
  }

  async function signalPublished({
    signal: { id: signalId },
    recipients,
  }: DomainEvents["signals.published"]) {
    const signal = await services.signals.get(SYSTEM_VIEWER, signalId);
    const chats = await chatIdsOf(
      services.db,
      recipients.map((r) => r.userId),
    );
    const messages = recipients.flatMap((r): OutgoingMessage[] => {
      const chatId = chats.get(r.userId);
      if (chatId === undefined) return [];
      const dedupeKey = signalMessageKey(signalId, r.userId);
      return r.autoApproved
        ? [{ chatId, dedupeKey, text: decidedText(signal, "auto") }]
        : [
            {
              chatId,
              dedupeKey,
              text: `📣 New signal\n${signalText(signal)}`,
              replyMarkup: decisionKeyboard(signalId),
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
    const chatId = (await chatIdsOf(services.db, [userId])).get(userId);
    if (chatId === undefined) return;
    const signal = await services.signals.get(SYSTEM_VIEWER, signalId);
    const key = signalMessageKey(signalId, userId);
    if (
      (await outbox.enqueueEdit({
        chatId,
        editOf: key,
        dedupeKey: `${key}:decided`,
        text: decidedText(signal, decision),
      })) > 0
    ) {
      deps.poke();
    }
  }

  /** Undecided recipients' messages say the signal was cancelled, and lose their buttons. */
  async function signalCancelled({ signalId }: DomainEvents["signals.cancelled"]) {
    const signal = await services.signals.get(SYSTEM_VIEWER, signalId);
    const sent = await services.db
      .select({ key: telegramOutbox.dedupeKey, chatId: telegramOutbox.chatId })
      .from(telegramOutbox)
      .where(
        and(like(telegramOutbox.dedupeKey, `signal:${signalId}:%`), eq(telegramOutbox.method, "sendMessage")),
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
        text: decidedText(signal, "cancelled"),
      });
    }
    deps.poke();
  }

  async function executionReported(e: DomainEvents["executions.reported"]) {
    if (e.type === "ack") return;
    const report = await services.executions.forSignal({ id: e.userId, role: "user" }, e.signalId);
    const execution = report.items.find((i) => i.id === e.executionId);
    const signal = await services.signals.get(SYSTEM_VIEWER, e.signalId);
    const chatId = (await chatIdsOf(services.db, [e.userId])).get(e.userId);
    if (!execution || chatId === undefined) return;
    const what = `${escapeHtml(signal.instrument)} ${signal.side.toUpperCase()}`;
    const device = `<b>${escapeHtml(execution.deviceName)}</b>`;
    const text =
      e.type === "fill"
        ? `✅ ${device} filled ${what}: ${execution.volume} lots at ${execution.price} (ticket ${escapeHtml(execution.brokerTicket ?? "—")}).`
        : `⚠️ ${device} could not execute ${what}: ${escapeHtml(execution.errorMessage ?? "")} (code ${execution.errorCode}).`;
    await queue([{ chatId, text, dedupeKey: `exec:${e.executionId}:${e.type}` }]);
  }

  async function deviceOffline(e: DomainEvents["devices.offline_with_pending"]) {
    const chatId = (await chatIdsOf(services.db, [e.userId])).get(e.userId);
    if (chatId === undefined) return;
    const text =
      `⚠️ Your device <b>${escapeHtml(e.deviceName)}</b> went offline while ${e.pending} approved ` +
      `signal(s) wait for it. Check that MetaTrader and the EA are running.`;
    await queue([{ chatId, text }]);
  }

  const positions = createPositionNotices({ services, queue });

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
  };
}
