-- The person behind an anonymous suggestion moves out of `rules` (which every feature reads) into
-- `anonymous_submitters`, which only the rules feature reads; `rules.submitter_id` keeps a placeholder.
INSERT INTO "anonymous_submitters" ("rule_id", "user_id")
  SELECT "id", "submitter_id" FROM "rules" WHERE "anonymous" AND "submitter_id" <> 'anonymous'
  ON CONFLICT ("rule_id") DO NOTHING;
--> statement-breakpoint
UPDATE "rules" SET "submitter_id" = 'anonymous' WHERE "anonymous";
