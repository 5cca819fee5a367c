CREATE TABLE "flow_metric_samples" (
	"flow_id" uuid NOT NULL,
	"resolution" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"lag_records" bigint DEFAULT 0 NOT NULL,
	"lag_ms_max" bigint DEFAULT 0 NOT NULL,
	"record_age_ms_avg" double precision,
	"record_age_ms_max" double precision,
	"replication_latency_ms_avg" double precision,
	"replication_latency_ms_max" double precision,
	"checkpoint_latency_ms_avg" double precision,
	"records" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"samples" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "flow_metric_samples_flow_id_resolution_at_pk" PRIMARY KEY("flow_id","resolution","at")
);
--> statement-breakpoint
CREATE TABLE "flow_tasks" (
	"flow_id" uuid NOT NULL,
	"task_index" integer NOT NULL,
	"generation" integer NOT NULL,
	"worker_id" text,
	"state" text NOT NULL,
	"last_error" text,
	"partitions" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_tasks_flow_id_task_index_pk" PRIMARY KEY("flow_id","task_index")
);
--> statement-breakpoint
CREATE TABLE "partition_metrics_latest" (
	"flow_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"source_end_offset" bigint,
	"replicated_offset" bigint,
	"lag_records" bigint,
	"lag_ms" bigint,
	"record_age_ms_avg" double precision,
	"replication_latency_ms_avg" double precision,
	"records_per_sec" double precision,
	"bytes_per_sec" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partition_metrics_latest_flow_id_topic_partition_pk" PRIMARY KEY("flow_id","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"version" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_heartbeat_at" timestamp with time zone NOT NULL,
	"tasks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"state" text DEFAULT 'running' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flow_metric_samples" ADD CONSTRAINT "flow_metric_samples_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_tasks" ADD CONSTRAINT "flow_tasks_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partition_metrics_latest" ADD CONSTRAINT "partition_metrics_latest_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flow_metric_samples_at" ON "flow_metric_samples" USING btree ("resolution","at");