ALTER TABLE "tenants" ADD COLUMN "subscriber_token_secret" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "subscriber_token_key_id" text;