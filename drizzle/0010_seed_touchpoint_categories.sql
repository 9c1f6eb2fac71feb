-- The default touch-point categories, once, on a database that has none yet (as 0008 does for the
-- journey stages): every form offers them from the start, and the CX office renames them in settings.
INSERT INTO "touchpoint_categories" ("name", "position")
SELECT "name", "position"
FROM (VALUES ('Managing customers at risk', 0), ('Responding to customer needs', 1), ('Increasing the bond with relevant value-add', 2), ('Earning the right to revenue growth', 3)) AS "defaults" ("name", "position")
WHERE NOT EXISTS (SELECT 1 FROM "touchpoint_categories")
ORDER BY "position";
