CREATE TABLE "metric_totals" (
	"tenant_id" text NOT NULL,
	"family" text NOT NULL,
	"channel" text NOT NULL,
	"provider" text NOT NULL,
	"outcome" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "metric_totals_tenant_id_family_channel_provider_outcome_pk" PRIMARY KEY("tenant_id","family","channel","provider","outcome")
);
--> statement-breakpoint
CREATE TABLE "metric_totals_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"cohorts_through" timestamp with time zone,
	"events_through" timestamp with time zone,
	"events_through_id" text
);
--> statement-breakpoint
CREATE INDEX "usage_hourly_hour_idx" ON "usage_hourly" USING btree ("hour");