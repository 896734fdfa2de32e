CREATE TABLE "channel_members" (
	"channel_id" text NOT NULL,
	"telegram_user_id" bigint NOT NULL,
	"status" text NOT NULL,
	"invite_link" text,
	"remove_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channel_members_channel_id_telegram_user_id_pk" PRIMARY KEY("channel_id","telegram_user_id")
);
--> statement-breakpoint
CREATE TABLE "channel_posts" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"channel_id" text NOT NULL,
	"chat_id" bigint NOT NULL,
	"signal_id" text NOT NULL,
	"update_id" text,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"message_id" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "channel_posts_once_key" UNIQUE NULLS NOT DISTINCT("channel_id","signal_id","kind","update_id"),
	CONSTRAINT "channel_posts_attempts_non_negative" CHECK ("channel_posts"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"id" text PRIMARY KEY NOT NULL,
	"chat_id" bigint NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"min_tier" text NOT NULL,
	"post_signals" boolean NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"inactive_reason" text,
	"linked_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "channels_chat_id_key" UNIQUE("chat_id")
);
--> statement-breakpoint
ALTER TABLE "channel_members" ADD CONSTRAINT "channel_members_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_posts" ADD CONSTRAINT "channel_posts_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_members_status_idx" ON "channel_members" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "channel_members_user_idx" ON "channel_members" USING btree ("telegram_user_id");--> statement-breakpoint
CREATE INDEX "channel_posts_due_idx" ON "channel_posts" USING btree ("status","next_attempt_at","seq");