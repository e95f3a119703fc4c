CREATE STREAM S (sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- lossyFrequent(0.3, 0.05, sym): an arrival is emitted iff its key's count >=
-- (0.3 - 0.05) * N (N = events so far), ties included; fewer than 20 events, so no pruning
INSERT INTO Out SELECT sym, v FROM S WINDOW('lossyFrequent', 0.3, 0.05, sym);
