CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- cron('*/2 * * * * *'): held events come out EXPIRED at each tick (every 2 s),
-- stamped with the tick; no tick without held events; end of input flushes at the next tick
INSERT EXPIRED EVENTS INTO Exp SELECT sym, v FROM S WINDOW('cron', '*/2 * * * * *');
INSERT ALL EVENTS INTO AllRows SELECT sym, v FROM S WINDOW('cron', '*/2 * * * * *');
