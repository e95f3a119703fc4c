CREATE STREAM S (id INT, sym STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- sort(2, sym, v, 'desc'): sym ascending (default), then v descending; equal keys
-- rank by arrival, so of two equal (a, 5) the later one is evicted
INSERT ALL EVENTS INTO Out SELECT id, sym, v FROM S WINDOW('sort', 2, sym, v, 'desc');
