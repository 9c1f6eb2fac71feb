CREATE TABLE "stage_checks" (
	"id" serial PRIMARY KEY NOT NULL,
	"quarter" text NOT NULL,
	"stage_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"answer" text,
	"why" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "item_links" (
	"id" serial PRIMARY KEY NOT NULL,
	"origin_kind" text NOT NULL,
	"origin_id" integer NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" integer NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "roadmap_items" ADD COLUMN "why_it_matters" text;--> statement-breakpoint
ALTER TABLE "stage_checks" ADD CONSTRAINT "stage_checks_stage_id_journey_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."journey_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stage_checks_once_unique" ON "stage_checks" USING btree ("quarter","stage_id","user_id");--> statement-breakpoint
CREATE INDEX "stage_checks_quarter_idx" ON "stage_checks" USING btree ("quarter");--> statement-breakpoint
CREATE UNIQUE INDEX "item_links_unique" ON "item_links" USING btree ("origin_kind","origin_id","item_kind","item_id");--> statement-breakpoint
CREATE INDEX "item_links_item_idx" ON "item_links" USING btree ("item_kind","item_id");