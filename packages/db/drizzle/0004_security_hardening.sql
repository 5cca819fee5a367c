CREATE TABLE "instance_admins" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "token_hash" text;--> statement-breakpoint
ALTER TABLE "instance_admins" ADD CONSTRAINT "instance_admins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_token_hash_unique" UNIQUE("token_hash");--> statement-breakpoint
-- An existing install: its earliest account (the one that created the first team) administers the instance.
INSERT INTO "instance_admins" ("user_id") SELECT "id" FROM "users" ORDER BY "created_at" LIMIT 1 ON CONFLICT DO NOTHING;--> statement-breakpoint
-- Pending invitations from before invite tokens were accepted by their id, which the audit log showed: void them.
UPDATE "invitations" SET "status" = 'canceled' WHERE "status" = 'pending' AND "token_hash" IS NULL;
