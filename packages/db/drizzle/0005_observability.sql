CREATE TABLE "flow_alert_rules" (
	"flow_id" uuid PRIMARY KEY NOT NULL,
	"lag_records_max" bigint,
	"lag_seconds_max" double precision,
	"checkpoint_age_seconds_max" double precision,
	"on_failed" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flow_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flow_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"value" double precision,
	"threshold" double precision,
	"message" text NOT NULL,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "group_metric_samples" (
	"flow_id" uuid NOT NULL,
	"group" text NOT NULL,
	"resolution" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"checkpoint_latency_ms_avg" double precision,
	"checkpoint_latency_ms_max" double precision,
	"checkpoint_age_ms_max" bigint,
	"samples" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "group_metric_samples_flow_id_group_resolution_at_pk" PRIMARY KEY("flow_id","group","resolution","at")
);
--> statement-breakpoint
CREATE TABLE "group_offsets_latest" (
	"flow_id" uuid NOT NULL,
	"group" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"remote_topic" text NOT NULL,
	"source_offset" bigint NOT NULL,
	"target_offset" bigint,
	"exact" boolean NOT NULL,
	"reason_code" text,
	"reason" text,
	"checked_at" timestamp with time zone NOT NULL,
	"checkpointed_at" timestamp with time zone,
	"checkpoint_latency_ms" double precision,
	CONSTRAINT "group_offsets_latest_flow_id_group_topic_partition_pk" PRIMARY KEY("flow_id","group","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "partition_metric_samples" (
	"flow_id" uuid NOT NULL,
	"resolution" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"lag_records" bigint DEFAULT 0 NOT NULL,
	"lag_ms_max" bigint DEFAULT 0 NOT NULL,
	"record_age_ms_avg" double precision,
	"record_age_ms_max" double precision,
	"replication_latency_ms_avg" double precision,
	"replication_latency_ms_max" double precision,
	"records" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"samples" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "partition_metric_samples_flow_id_resolution_topic_partition_at_pk" PRIMARY KEY("flow_id","resolution","topic","partition","at")
);
--> statement-breakpoint
CREATE TABLE "team_webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"url" text NOT NULL,
	"secret" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"webhook_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"alert_id" uuid,
	"event" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "flow_alert_rules" ADD CONSTRAINT "flow_alert_rules_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD CONSTRAINT "flow_alerts_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD CONSTRAINT "flow_alerts_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_metric_samples" ADD CONSTRAINT "group_metric_samples_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_offsets_latest" ADD CONSTRAINT "group_offsets_latest_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partition_metric_samples" ADD CONSTRAINT "partition_metric_samples_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_webhooks" ADD CONSTRAINT "team_webhooks_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_team_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."team_webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_alert_id_flow_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."flow_alerts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flow_alerts_flow_state" ON "flow_alerts" USING btree ("flow_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "flow_alerts_one_firing" ON "flow_alerts" USING btree ("flow_id","kind") WHERE state = 'firing';--> statement-breakpoint
CREATE INDEX "group_metric_samples_at" ON "group_metric_samples" USING btree ("resolution","at");--> statement-breakpoint
CREATE INDEX "partition_metric_samples_at" ON "partition_metric_samples" USING btree ("resolution","at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_team_created" ON "webhook_deliveries" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending" ON "webhook_deliveries" USING btree ("state","next_attempt_at");