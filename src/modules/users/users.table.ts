import { bigint, boolean, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";
import { REGION_CODES } from "../pricing/pricing.models";

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    telegramId: bigint("telegram_id", { mode: "number" }).notNull(),
    username: text("username"),
    firstName: text("first_name").notNull().default(""),
    languageCode: text("language_code"),
    /** The bot's language chosen with /language (en, es, ru); unset means Telegram's language_code. */
    locale: text("locale"),
    /**
     * Set when Telegram refused a message because the person blocked the bot (403) or the bot
     * saw itself blocked (my_chat_member); broadcasts and notifications skip them until they
     * write to the bot again.
     */
    unreachableAt: tstz("unreachable_at"),
    /** Role granted explicitly (CLI `token --admin`); ADMIN_TELEGRAM_IDS adds admins at runtime. */
    role: text("role", { enum: ["user", "admin"] })
      .notNull()
      .default("user"),
    autoApprove: boolean("auto_approve").notNull().default(false),
    region: text("region", { enum: REGION_CODES }),
    /** The referral code the user arrived with, as given (first touch, never changed). */
    referralCode: text("referral_code"),
    /** Set while an admin has disabled the account: every way of signing in is refused. */
    disabledAt: tstz("disabled_at"),
    createdAt: tstz("created_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [uniqueIndex("users_telegram_id_key").on(t.telegramId)],
);

export type UserRow = typeof users.$inferSelect;
