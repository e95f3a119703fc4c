CREATE STREAM S (id INT, x INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- min/max over length(3): when the current min or max leaves the window the next one
-- takes over; INT and DOUBLE arguments keep their types
INSERT INTO Out SELECT id, min(x) AS lo, max(x) AS hi, min(d) AS dlo, max(d) AS dhi
FROM S WINDOW('length', 3);
