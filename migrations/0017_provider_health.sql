ALTER TABLE "provider_configs" ADD COLUMN "proven_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "provider_configs" ADD COLUMN "problem" jsonb;--> statement-breakpoint
-- A configuration that has delivered since its last change is proven already (the change may have been its
-- credentials: updated_at is all we know, so an earlier success does not count).
UPDATE "provider_configs" p SET "proven_at" = s."at"
FROM (
  SELECT a."provider_config_id" AS "id", min(a."started_at") AS "at"
  FROM "delivery_attempts" a
  JOIN "provider_configs" c ON c."id" = a."provider_config_id" AND c."tenant_id" = a."tenant_id"
  WHERE a."outcome" = 'sent' AND a."started_at" >= c."updated_at"
  GROUP BY 1) s
WHERE p."id" = s."id";
