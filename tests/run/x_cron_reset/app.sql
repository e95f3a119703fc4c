CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- cron('*/1 * * * * *'): CURRENT on arrival, aggregates reset at every whole second
-- (event time, UTC); an event exactly at a tick starts the new period
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S WINDOW('cron', '*/1 * * * * *');
INSERT INTO BySym SELECT sym, count() AS n FROM S WINDOW('cron', '*/1 * * * * *') GROUP BY sym;
