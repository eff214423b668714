CREATE TABLE "usage_hourly" (
	"tenant_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"provider" text NOT NULL,
	"category" text NOT NULL,
	"template" text NOT NULL,
	"accepted" integer NOT NULL,
	"sent" integer NOT NULL,
	"delivered" integer NOT NULL,
	"failed" integer NOT NULL,
	"bounced" integer NOT NULL,
	"suppressed" integer NOT NULL,
	"dead_lettered" integer NOT NULL,
	"opened" integer NOT NULL,
	"clicked" integer NOT NULL,
	"cost" double precision NOT NULL,
	"sent_latency" integer[] NOT NULL,
	"delivered_latency" integer[] NOT NULL,
	CONSTRAINT "usage_hourly_tenant_id_hour_channel_provider_category_template_pk" PRIMARY KEY("tenant_id","hour","channel","provider","category","template")
);
--> statement-breakpoint
CREATE TABLE "usage_rollup_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"rolled_through" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "cost" double precision;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "units" integer;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "links" jsonb;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "usage_settings" jsonb;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "budget_warned_month" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "budget_stopped_month" text;--> statement-breakpoint
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_created_idx" ON "deliveries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_started_idx" ON "delivery_attempts" USING btree ("tenant_id","started_at");