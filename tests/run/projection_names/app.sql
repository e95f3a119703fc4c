CREATE STREAM S (id INT, v INT, name STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
-- output names: AS wins, bare / qualified columns keep their name, others are expr_<i>
INSERT INTO Out
SELECT id, v + 1, S.name, upper(name) AS u, 42, v * 2 doubled, 'k', S.ts
FROM S;
