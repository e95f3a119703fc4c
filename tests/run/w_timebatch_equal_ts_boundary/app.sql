CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- timeBatch(50 ms) GROUP BY sym with many equal timestamps: several events at one
-- boundary all open the next batch; groups ordered by first appearance (file order)
INSERT INTO Out SELECT sym, count() AS n, sum(v) AS total FROM S
WINDOW('timeBatch', 50 MILLISECONDS) GROUP BY sym;
