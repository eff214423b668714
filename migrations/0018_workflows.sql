CREATE TABLE "workflow_digest_windows" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"step_id" text NOT NULL,
	"subscriber_id" text NOT NULL,
	"digest_key" text NOT NULL,
	"status" text NOT NULL,
	"opener_run_id" text NOT NULL,
	"flusher_run_id" text,
	"count" integer NOT NULL,
	"events" jsonb NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_key" text NOT NULL,
	"version" integer NOT NULL,
	"mode" text NOT NULL,
	"subscriber_id" text NOT NULL,
	"recipient" text NOT NULL,
	"status" text NOT NULL,
	"current_step" text,
	"data" jsonb NOT NULL,
	"actor" jsonb,
	"cancellation_key" text,
	"wake_at" timestamp with time zone,
	"enqueued_at" timestamp with time zone,
	"error" jsonb,
	"broadcast_id" text,
	"dedupe_key" text,
	"request_id" text,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_step_results" (
	"tenant_id" text NOT NULL,
	"run_id" text NOT NULL,
	"step_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"notification_id" text,
	"output" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "workflow_step_results_run_id_step_id_pk" PRIMARY KEY("run_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "workflow_throttles" (
	"tenant_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"step_id" text NOT NULL,
	"subscriber_id" text NOT NULL,
	"throttle_key" text NOT NULL,
	"count" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL,
	CONSTRAINT "workflow_throttles_tenant_id_workflow_id_step_id_subscriber_id_throttle_key_pk" PRIMARY KEY("tenant_id","workflow_id","step_id","subscriber_id","throttle_key")
);
--> statement-breakpoint
CREATE TABLE "workflow_versions" (
	"tenant_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_versions_workflow_id_version_pk" PRIMARY KEY("workflow_id","version")
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"key" text NOT NULL,
	"draft" jsonb NOT NULL,
	"published_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workflow_digest_windows" ADD CONSTRAINT "workflow_digest_windows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_step_results" ADD CONSTRAINT "workflow_step_results_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_step_results" ADD CONSTRAINT "workflow_step_results_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_throttles" ADD CONSTRAINT "workflow_throttles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflows" ADD CONSTRAINT "workflows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_digest_windows_open_uq" ON "workflow_digest_windows" USING btree ("tenant_id","workflow_id","step_id","subscriber_id","digest_key") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "workflow_digest_windows_due_idx" ON "workflow_digest_windows" USING btree ("closes_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "workflow_runs_tenant_id_idx" ON "workflow_runs" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "workflow_runs_tenant_workflow_idx" ON "workflow_runs" USING btree ("tenant_id","workflow_id","id");--> statement-breakpoint
CREATE INDEX "workflow_runs_tenant_subscriber_idx" ON "workflow_runs" USING btree ("tenant_id","subscriber_id","id");--> statement-breakpoint
CREATE INDEX "workflow_runs_cancel_idx" ON "workflow_runs" USING btree ("tenant_id","cancellation_key") WHERE cancellation_key IS NOT NULL AND status IN ('running', 'waiting');--> statement-breakpoint
CREATE INDEX "workflow_runs_due_idx" ON "workflow_runs" USING btree ("wake_at") WHERE status IN ('running', 'waiting');--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_runs_dedupe_idx" ON "workflow_runs" USING btree ("tenant_id","dedupe_key") WHERE dedupe_key IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "workflows_tenant_key_uq" ON "workflows" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "workflows_tenant_id_idx" ON "workflows" USING btree ("tenant_id","id");