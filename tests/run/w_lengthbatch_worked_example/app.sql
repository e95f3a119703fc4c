CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- the worked example of LANGUAGE.md 2.4.8: lengthBatch(3) grouped outputs the last row
-- of each group per flush, groups in first-appearance order: (a,4),(b,2); then a second
-- batch (b first) and a partial batch that is dropped
INSERT INTO Out SELECT sym, sum(v) AS s FROM S WINDOW('lengthBatch', 3) GROUP BY sym;
