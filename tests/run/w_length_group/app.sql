CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- length(3) GROUP BY sym: the window holds the last 3 events of the stream (not per
-- group); each arrival emits its own group's row; a group's sum drops silently when
-- its event is pushed out by another group's arrival
INSERT INTO Out SELECT sym, v, sum(v) AS total, count() AS n FROM S
WINDOW('length', 3) GROUP BY sym;
