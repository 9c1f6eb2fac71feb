CREATE TABLE "rule_numbers" (
	"id" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
-- Existing nominations keep their numbers: the counter starts at the highest one.
INSERT INTO "rule_numbers" ("id", "last") SELECT 1, coalesce(max("number"), 0) FROM "rules";
