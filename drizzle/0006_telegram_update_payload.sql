ALTER TABLE "telegram_updates" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "telegram_updates" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "telegram_updates_unfinished_idx" ON "telegram_updates" USING btree ("update_id") WHERE "telegram_updates"."payload" is not null;