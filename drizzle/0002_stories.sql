CREATE TABLE "stories" (
	"id" serial PRIMARY KEY NOT NULL,
	"body" text NOT NULL,
	"customer" text,
	"stage_id" integer,
	"kind" text NOT NULL,
	"shareable" boolean DEFAULT false NOT NULL,
	"teller_id" text NOT NULL,
	"source" text NOT NULL,
	"source_call_id" integer,
	"source_permalink" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"review_note" text,
	"picked_for_week" text,
	"featured_in_week" text,
	"card_channel" text,
	"card_ts" text,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stories" ADD CONSTRAINT "stories_stage_id_journey_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."journey_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stories_idempotency_key_unique" ON "stories" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "stories_status_idx" ON "stories" USING btree ("status");