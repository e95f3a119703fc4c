CREATE STREAM S (id INT, sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sort(3, v, 'desc'): the lowest v is evicted, stamped with the arrival; an arrival
-- that ranks last comes out CURRENT then EXPIRED; ties: the later arrival ranks last
INSERT ALL EVENTS INTO Out SELECT id, sym, v FROM S WINDOW('sort', 3, v, 'desc');
