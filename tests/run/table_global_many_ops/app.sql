-- the same operations with an UPDATE that does not pin the key: the table runs
-- on one worker and the output is the same whatever -w
CREATE STREAM Ops (op STRING, k STRING, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'ops.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Probe (k STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'probe.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE TABLE KV (k STRING PRIMARY KEY, v INT);
INSERT INTO KV SELECT k, v FROM Ops WHERE op = 'ins';
UPDATE KV SET v = KV.v + o.v FROM Ops AS o WHERE o.op = 'upd' AND KV.k LIKE o.k;
DELETE FROM KV USING Ops AS o WHERE KV.k = o.k AND o.op = 'del';
UPSERT INTO KV SELECT k, v * 2 AS v FROM Ops WHERE op = 'ups' ON KV.k = k;
INSERT INTO Out SELECT p.k, kv.v FROM Probe AS p LEFT OUTER JOIN KV AS kv ON kv.k = p.k;
