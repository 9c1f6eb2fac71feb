CREATE TABLE "roadmap_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"actor_id" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	"idempotency_key" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roadmap_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"customer_change" text,
	"employee_ask" text,
	"stage_id" integer,
	"owner_id" text,
	"status" text DEFAULT 'planned' NOT NULL,
	"target_date" text,
	"created_by" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stories" ADD COLUMN "card_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "roadmap_changes" ADD CONSTRAINT "roadmap_changes_item_id_roadmap_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."roadmap_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roadmap_items" ADD CONSTRAINT "roadmap_items_stage_id_journey_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."journey_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "roadmap_changes_created_idx" ON "roadmap_changes" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "roadmap_changes_idempotency_key_unique" ON "roadmap_changes" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "roadmap_items_idempotency_key_unique" ON "roadmap_items" USING btree ("idempotency_key");