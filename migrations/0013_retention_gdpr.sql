ALTER TABLE "notifications" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "retention_days" integer;--> statement-breakpoint
CREATE INDEX "notifications_unpurged_idx" ON "notifications" USING btree ("tenant_id",COALESCE(send_at, created_at),"id") WHERE purged_at IS NULL;--> statement-breakpoint
-- GDPR erasure (src/db/queries/gdpr.ts): removes every case-insensitive literal occurrence of the needles.
-- '***=' makes the pattern a literal string, so an address full of regex metacharacters is matched as written.
CREATE OR REPLACE FUNCTION nk_redact_text(t text, needles text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n text;
BEGIN
  IF t IS NULL OR needles IS NULL THEN
    RETURN t;
  END IF;
  FOREACH n IN ARRAY needles LOOP
    IF n <> '' THEN
      t := regexp_replace(t, '***=' || n, '[erased]', 'gi');
    END IF;
  END LOOP;
  RETURN t;
END
$$;--> statement-breakpoint
-- The same over every string and object key of a JSON document, keeping its structure (a text replace on the
-- serialised JSON could cut through quotes and brackets).
CREATE OR REPLACE FUNCTION nk_redact_jsonb(j jsonb, needles text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN CASE jsonb_typeof(j)
    WHEN 'object' THEN (
      SELECT COALESCE(jsonb_object_agg(nk_redact_text(e.k, needles), nk_redact_jsonb(e.v, needles)), '{}'::jsonb)
      FROM jsonb_each(j) AS e(k, v))
    WHEN 'array' THEN (
      SELECT COALESCE(jsonb_agg(nk_redact_jsonb(a.v, needles) ORDER BY a.i), '[]'::jsonb)
      FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, i))
    WHEN 'string' THEN to_jsonb(nk_redact_text(j #>> '{}', needles))
    ELSE j
  END;
END
$$;
