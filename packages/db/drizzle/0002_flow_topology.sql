CREATE TABLE "flow_topology" (
	"flow_id" uuid PRIMARY KEY NOT NULL,
	"discovered_for" text NOT NULL,
	"partitions" jsonb NOT NULL,
	"groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"discovered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "flow_topology" ADD CONSTRAINT "flow_topology_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;