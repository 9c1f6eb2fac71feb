CREATE TABLE "anonymous_submitters" (
	"rule_id" integer PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_questions" (
	"id" serial PRIMARY KEY NOT NULL,
	"rule_id" integer NOT NULL,
	"asked_by" text NOT NULL,
	"question" text NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"idempotency_key" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_still_dead_checks" (
	"id" serial PRIMARY KEY NOT NULL,
	"rule_id" integer NOT NULL,
	"voter_id" text,
	"asked_at" timestamp with time zone NOT NULL,
	"answer" text,
	"note" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rule_voter_summaries" (
	"user_id" text NOT NULL,
	"day" text NOT NULL,
	"up_to" timestamp with time zone NOT NULL,
	CONSTRAINT "rule_voter_summaries_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "credit_opt_out" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "lives_in" text;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "rule_owner_id" text;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "ease" text;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "impact" text;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "kill_by" text;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "reopened_from_id" integer;--> statement-breakpoint
ALTER TABLE "anonymous_submitters" ADD CONSTRAINT "anonymous_submitters_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_questions" ADD CONSTRAINT "rule_questions_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_still_dead_checks" ADD CONSTRAINT "rule_still_dead_checks_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rule_questions_rule_idx" ON "rule_questions" USING btree ("rule_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_questions_idempotency_key_unique" ON "rule_questions" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_still_dead_checks_once_unique" ON "rule_still_dead_checks" USING btree ("rule_id",coalesce("voter_id", ''));--> statement-breakpoint
CREATE INDEX "rules_search_idx" ON "rules" USING gin (to_tsvector('english', "title" || ' ' || "why"));