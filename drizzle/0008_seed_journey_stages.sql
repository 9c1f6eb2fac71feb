-- The default journey stages, once, on a database that has none yet: every form offers them from the
-- start, and reading the stages never writes. A database whose stages the CX office already changed
-- keeps them as they are.
INSERT INTO "journey_stages" ("name", "position")
SELECT "name", "position"
FROM (VALUES ('Discover', 0), ('Buy', 1), ('Onboard', 2), ('Use', 3), ('Get help', 4), ('Renew', 5)) AS "defaults" ("name", "position")
WHERE NOT EXISTS (SELECT 1 FROM "journey_stages")
ORDER BY "position";
