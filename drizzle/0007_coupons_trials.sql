CREATE TABLE "coupons" (
	"code" text PRIMARY KEY NOT NULL,
	"percent_off" integer,
	"amount_off_minor" integer,
	"currency" text,
	"max_redemptions" integer,
	"expires_at" timestamp with time zone,
	"tier_ids" jsonb,
	"first_order_only" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "coupons_one_discount" CHECK (("coupons"."percent_off" is not null and "coupons"."amount_off_minor" is null and "coupons"."currency" is null and "coupons"."percent_off" between 1 and 100)
        or ("coupons"."percent_off" is null and "coupons"."amount_off_minor" > 0 and "coupons"."currency" is not null)),
	CONSTRAINT "coupons_max_positive" CHECK ("coupons"."max_redemptions" is null or "coupons"."max_redemptions" > 0)
);
--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_total_positive";--> statement-breakpoint
ALTER TABLE "catalog_tiers" ADD COLUMN "trial_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "entitlements" ADD COLUMN "reference" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "coupon_code" text;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_coupon_code_coupons_code_fk" FOREIGN KEY ("coupon_code") REFERENCES "public"."coupons"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "entitlements_reference_key" ON "entitlements" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "orders_coupon_idx" ON "orders" USING btree ("coupon_code","status");--> statement-breakpoint
ALTER TABLE "catalog_tiers" ADD CONSTRAINT "catalog_tiers_trial_days" CHECK ("catalog_tiers"."trial_days" between 0 and 90);--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_not_negative" CHECK ("orders"."total_minor" >= 0);