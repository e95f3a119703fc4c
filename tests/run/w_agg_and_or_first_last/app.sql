CREATE STREAM S (id INT, sym STRING, ok BOOL, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- and/or over BOOL and first/last over length(3), NULLs skipped; and is true iff at
-- least one true and no false is held; a window holding only NULL flags gives false/false
INSERT INTO Out SELECT id, and(ok) AS all_ok, or(ok) AS any_ok, first(sym) AS f,
last(sym) AS l FROM S WINDOW('length', 3);
