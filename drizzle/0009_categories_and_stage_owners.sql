CREATE TABLE "touchpoint_categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "category_id" integer;--> statement-breakpoint
ALTER TABLE "roadmap_items" ADD COLUMN "category_id" integer;--> statement-breakpoint
ALTER TABLE "rules" ADD COLUMN "category_id" integer;--> statement-breakpoint
ALTER TABLE "journey_stages" ADD COLUMN "owner_id" text;--> statement-breakpoint
ALTER TABLE "stories" ADD COLUMN "category_id" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "touchpoint_categories_name_unique" ON "touchpoint_categories" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_category_id_touchpoint_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."touchpoint_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roadmap_items" ADD CONSTRAINT "roadmap_items_category_id_touchpoint_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."touchpoint_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_category_id_touchpoint_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."touchpoint_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stories" ADD CONSTRAINT "stories_category_id_touchpoint_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."touchpoint_categories"("id") ON DELETE no action ON UPDATE no action;