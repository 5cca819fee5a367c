CREATE TABLE "flow_verifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flow_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"requested_by_type" text NOT NULL,
	"requested_by_id" text,
	"requested_by" text NOT NULL,
	"records_per_partition" integer NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"report" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "flow_verifications" ADD CONSTRAINT "flow_verifications_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_verifications" ADD CONSTRAINT "flow_verifications_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flow_verifications_flow_created" ON "flow_verifications" USING btree ("flow_id","created_at");