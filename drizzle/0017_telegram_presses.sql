CREATE TABLE "telegram_presses" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "telegram_presses_created_idx" ON "telegram_presses" USING btree ("created_at");