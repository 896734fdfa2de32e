CREATE TABLE "deployment_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"jwt_fingerprint" text NOT NULL,
	"master_key_fingerprint" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
