import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import type { BotContext } from "./telegram.context";
import { telegramPresses } from "./telegram.table";

/**
 * True for the first press of `action` on the message the button is on; false for any later
 * one. Settled by the database (a primary key), so two taps handled at once, or on two
 * instances, still make one order or one card.
 */
export async function firstPress(db: Executor, ctx: BotContext, action: string, now: Date): Promise<boolean> {
  const message = ctx.callbackQuery?.message;
  if (!message) return true;
  const [claimed] = await db
    .insert(telegramPresses)
    .values({ key: `${message.chat.id}:${message.message_id}:${action}`, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: telegramPresses.key });
  return claimed !== undefined;
}

/** Gives the press back when its action was refused, so the button can be tried again. */
export async function releasePress(db: Executor, ctx: BotContext, action: string): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (!message) return;
  await db
    .delete(telegramPresses)
    .where(eq(telegramPresses.key, `${message.chat.id}:${message.message_id}:${action}`));
}
