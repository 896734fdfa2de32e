CREATE TABLE "payment_cards" (
	"user_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"first_order_id" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payment_cards_user_id_fingerprint_pk" PRIMARY KEY("user_id","fingerprint")
);
--> statement-breakpoint
ALTER TABLE "affiliate_flags" ADD COLUMN "evidence" text;--> statement-breakpoint
ALTER TABLE "payment_cards" ADD CONSTRAINT "payment_cards_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_cards_fingerprint_idx" ON "payment_cards" USING btree ("fingerprint");--> statement-breakpoint
CREATE UNIQUE INDEX "affiliate_flags_evidence_key" ON "affiliate_flags" USING btree ("referral_id","reason","evidence") WHERE "affiliate_flags"."evidence" is not null;