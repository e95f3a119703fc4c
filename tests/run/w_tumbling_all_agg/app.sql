CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- tumbling(100 ms) GROUP BY sym with INSERT ALL EVENTS: the flush chunk is EXPIRED(previous
-- batch), RESET, CURRENT(batch) and only the last kept row of each group is output, so a
-- group present in both batches shows its CURRENT row and a group that vanished shows its
-- EXPIRED row (count 0, sum NULL)
INSERT ALL EVENTS INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S
WINDOW('tumbling', 100 MILLISECONDS) GROUP BY sym;
