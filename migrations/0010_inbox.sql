CREATE TABLE "inbox_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"subscriber_id" text NOT NULL,
	"notification_id" text NOT NULL,
	"title" text,
	"body" text,
	"action_url" text,
	"data" jsonb,
	"category" text,
	"seq" bigint NOT NULL,
	"updated_seq" bigint NOT NULL,
	"seen_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox_state" (
	"tenant_id" text NOT NULL,
	"subscriber_id" text NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "inbox_state_tenant_id_subscriber_id_pk" PRIMARY KEY("tenant_id","subscriber_id")
);
--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_state" ADD CONSTRAINT "inbox_state_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_state" ADD CONSTRAINT "inbox_state_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbox_messages_feed_idx" ON "inbox_messages" USING btree ("tenant_id","subscriber_id","id");--> statement-breakpoint
CREATE INDEX "inbox_messages_stream_idx" ON "inbox_messages" USING btree ("tenant_id","subscriber_id","updated_seq");--> statement-breakpoint
CREATE INDEX "inbox_messages_unread_idx" ON "inbox_messages" USING btree ("tenant_id","subscriber_id") WHERE archived_at IS NULL AND (read_at IS NULL OR seen_at IS NULL);