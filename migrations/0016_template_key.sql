ALTER TABLE "notifications" ADD COLUMN "template_key" text;--> statement-breakpoint
-- Earlier template sends: their key from the template, where it still exists.
UPDATE "notifications" n SET "template_key" = t."key" FROM "templates" t
WHERE n."template_id" IS NOT NULL AND t."id" = n."template_id" AND t."tenant_id" = n."tenant_id";
