CREATE TABLE "rule_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"rule_id" integer NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"owner_id" text,
	"note" text,
	"idempotency_key" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_votes" (
	"rule_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rule_votes_rule_id_user_id_pk" PRIMARY KEY("rule_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"hurts" text NOT NULL,
	"why" text NOT NULL,
	"stage_id" integer,
	"replacement_idea" text,
	"anonymous" boolean DEFAULT false NOT NULL,
	"submitter_id" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"owner_id" text,
	"duplicate_of_id" integer,
	"decision_note" text,
	"decided_at" timestamp with time zone,
	"source" text NOT NULL,
	"source_permalink" text,
	"card_channel" text,
	"card_ts" text,
	"card_claimed_at" timestamp with time zone,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rule_events" ADD CONSTRAINT "rule_events_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_votes" ADD CONSTRAINT "rule_votes_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_stage_id_journey_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."journey_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rule_events_rule_idx" ON "rule_events" USING btree ("rule_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_events_idempotency_key_unique" ON "rule_events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "rules_number_unique" ON "rules" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "rules_idempotency_key_unique" ON "rules" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "rules_submitter_idx" ON "rules" USING btree ("submitter_id");--> statement-breakpoint
CREATE INDEX "rules_status_idx" ON "rules" USING btree ("status");