CREATE TABLE "update_results" (
	"update_id" text NOT NULL,
	"device_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"signal_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"error_code" integer,
	"error_message" text,
	"closed_volume" double precision,
	"close_price" double precision,
	"reported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "update_results_update_id_device_id_pk" PRIMARY KEY("update_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "signal_updates" (
	"id" text PRIMARY KEY NOT NULL,
	"signal_id" text NOT NULL,
	"seq" integer NOT NULL,
	"action" text NOT NULL,
	"stop_loss" double precision,
	"take_profit" double precision,
	"fraction" double precision,
	"note" text,
	"publisher_scope" text NOT NULL,
	"external_id" text,
	"request_hash" text NOT NULL,
	"created_by_kind" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signal_updates_fraction_range" CHECK ("signal_updates"."fraction" is null or ("signal_updates"."fraction" > 0 and "signal_updates"."fraction" < 1))
);
--> statement-breakpoint
ALTER TABLE "producers" ADD COLUMN "alert_token_hash" text;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "position_status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "initial_stop_loss" double precision;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "initial_take_profit" double precision;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "last_update_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "update_results" ADD CONSTRAINT "update_results_update_id_signal_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."signal_updates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_results" ADD CONSTRAINT "update_results_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_results" ADD CONSTRAINT "update_results_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_results" ADD CONSTRAINT "update_results_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_results" ADD CONSTRAINT "update_results_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_updates" ADD CONSTRAINT "signal_updates_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "update_results_signal_idx" ON "update_results" USING btree ("signal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_updates_seq_key" ON "signal_updates" USING btree ("signal_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_updates_external_id_key" ON "signal_updates" USING btree ("publisher_scope","external_id");--> statement-breakpoint
CREATE INDEX "signals_open_positions_idx" ON "signals" USING btree ("position_status","closed_at");--> statement-breakpoint
ALTER TABLE "producers" ADD CONSTRAINT "producers_alert_token_hash_unique" UNIQUE("alert_token_hash");