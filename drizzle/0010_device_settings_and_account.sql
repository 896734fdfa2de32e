ALTER TABLE "devices" ADD COLUMN "settings" jsonb;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "settings_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "account" jsonb;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "client" jsonb;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "hello_at" timestamp with time zone;