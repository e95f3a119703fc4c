CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- OUTPUT ALL/FIRST/LAST EVERY 3 EVENTS: ALL emits each 3 rows at the 3rd row's time,
-- FIRST emits the 1st of each 3 at once, LAST the 3rd; at end of input the partial
-- buffer is flushed stamped with its last row's time
INSERT INTO AllOut SELECT sym, v, sum(v) AS running FROM S OUTPUT ALL EVERY 3 EVENTS;
INSERT INTO FirstOut SELECT sym, v FROM S OUTPUT FIRST EVERY 3 EVENTS;
INSERT INTO LastOut SELECT sym, v FROM S OUTPUT LAST EVERY 3 EVENTS;
