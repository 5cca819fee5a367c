CREATE TABLE "flow_gaps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flow_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"remote_topic" text NOT NULL,
	"from_offset" bigint NOT NULL,
	"to_offset" bigint NOT NULL,
	"records" bigint NOT NULL,
	"reason" text NOT NULL,
	"policy" text NOT NULL,
	"resume_at" bigint NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flow_gaps" ADD CONSTRAINT "flow_gaps_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flow_gaps_once" ON "flow_gaps" USING btree ("flow_id","topic","partition","from_offset","reason");--> statement-breakpoint
CREATE INDEX "flow_gaps_flow_detected" ON "flow_gaps" USING btree ("flow_id","detected_at");