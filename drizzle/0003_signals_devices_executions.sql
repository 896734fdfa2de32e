CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"key_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"offline_notified_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "execution_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "execution_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"execution_id" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "executions" (
	"id" text PRIMARY KEY NOT NULL,
	"signal_id" text NOT NULL,
	"device_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"price" double precision,
	"volume" double precision,
	"broker_ticket" text,
	"error_code" integer,
	"error_message" text,
	"acked_at" timestamp with time zone NOT NULL,
	"filled_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "executions_fill_positive" CHECK ("executions"."price" is null or ("executions"."price" > 0 and "executions"."volume" > 0))
);
--> statement-breakpoint
CREATE TABLE "trades" (
	"id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"user_id" text NOT NULL,
	"ticket" text NOT NULL,
	"signal_id" text,
	"instrument" text NOT NULL,
	"side" text NOT NULL,
	"volume" double precision NOT NULL,
	"open_price" double precision NOT NULL,
	"close_price" double precision NOT NULL,
	"profit_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "producers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_version" integer DEFAULT 1 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "signal_recipients" (
	"signal_id" text NOT NULL,
	"user_id" text NOT NULL,
	"decision" text NOT NULL,
	"decided_at" timestamp with time zone,
	"auto" boolean DEFAULT false NOT NULL,
	CONSTRAINT "signal_recipients_signal_id_user_id_pk" PRIMARY KEY("signal_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" text PRIMARY KEY NOT NULL,
	"publisher_scope" text NOT NULL,
	"external_id" text,
	"request_hash" text NOT NULL,
	"published_by_kind" text NOT NULL,
	"published_by" text NOT NULL,
	"instrument" text NOT NULL,
	"side" text NOT NULL,
	"order_type" text NOT NULL,
	"entry_price" double precision,
	"stop_loss" double precision,
	"take_profit" double precision,
	"volume" double precision,
	"min_tier" text NOT NULL,
	"note" text,
	"recipient_count" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" text,
	CONSTRAINT "signals_expiry_after_creation" CHECK ("signals"."expires_at" > "signals"."created_at")
);
--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_events" ADD CONSTRAINT "execution_events_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_recipients" ADD CONSTRAINT "signal_recipients_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_recipients" ADD CONSTRAINT "signal_recipients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "devices_user_name_key" ON "devices" USING btree ("user_id","name") WHERE "devices"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "devices_user_idx" ON "devices" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "execution_events_execution_idx" ON "execution_events" USING btree ("execution_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "executions_signal_device_key" ON "executions" USING btree ("signal_id","device_id");--> statement-breakpoint
CREATE INDEX "executions_device_idx" ON "executions" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trades_device_ticket_key" ON "trades" USING btree ("device_id","ticket");--> statement-breakpoint
CREATE INDEX "trades_user_closed_idx" ON "trades" USING btree ("user_id","closed_at");--> statement-breakpoint
CREATE INDEX "signal_recipients_user_idx" ON "signal_recipients" USING btree ("user_id","signal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signals_external_id_key" ON "signals" USING btree ("publisher_scope","external_id");