CREATE TABLE "calls" (
	"id" serial PRIMARY KEY NOT NULL,
	"logged_by" text NOT NULL,
	"customer" text NOT NULL,
	"contact" text,
	"call_date" text NOT NULL,
	"kind" text NOT NULL,
	"result" text NOT NULL,
	"duration_minutes" integer,
	"stage_id" integer,
	"learned" text NOT NULL,
	"sentiment" text,
	"share_as_story" boolean DEFAULT false NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "executives" (
	"user_id" text PRIMARY KEY NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"name" text,
	"monthly_target" integer,
	"paused_until" text,
	"snoozed_until" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"id" serial PRIMARY KEY NOT NULL,
	"call_id" integer NOT NULL,
	"owner_id" text NOT NULL,
	"owner_time_zone" text DEFAULT 'UTC' NOT NULL,
	"action" text NOT NULL,
	"due_date" text,
	"reminded_on" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nudges" (
	"executive_id" text NOT NULL,
	"week" text NOT NULL,
	"status" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "nudges_executive_id_week_pk" PRIMARY KEY("executive_id","week")
);
--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_stage_id_journey_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."journey_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_idempotency_key_unique" ON "calls" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "calls_logged_by_date_idx" ON "calls" USING btree ("logged_by","call_date");--> statement-breakpoint
CREATE INDEX "follow_ups_open_idx" ON "follow_ups" USING btree ("done_at","due_date");