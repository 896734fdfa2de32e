ALTER TABLE "affiliate_payouts" ADD COLUMN "held_for_review" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "affiliate_payouts" ADD COLUMN "approved_by" text;--> statement-breakpoint
ALTER TABLE "affiliate_payouts" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "affiliate_payouts" ADD CONSTRAINT "affiliate_payouts_review_consistent" CHECK (("affiliate_payouts"."approved_at" is null or "affiliate_payouts"."held_for_review")
        and ("affiliate_payouts"."approved_at" is null) = ("affiliate_payouts"."approved_by" is null)
        and ("affiliate_payouts"."status" <> 'paid' or not "affiliate_payouts"."held_for_review" or "affiliate_payouts"."approved_at" is not null));