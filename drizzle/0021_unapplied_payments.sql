CREATE TABLE "unapplied_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"charge_id" text NOT NULL,
	"provider_charge_id" text,
	"telegram_user_id" bigint NOT NULL,
	"user_id" text,
	"order_ref" text NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"claimed_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"refunded_by" text,
	"last_error" text,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "unapplied_payments_charge_key" ON "unapplied_payments" USING btree ("provider","charge_id");--> statement-breakpoint
CREATE INDEX "unapplied_payments_status_idx" ON "unapplied_payments" USING btree ("status","received_at");