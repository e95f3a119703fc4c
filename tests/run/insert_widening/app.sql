CREATE STREAM S (i INT, l BIGINT, name STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Wide (a BIGINT, b DOUBLE, c DOUBLE, label STRING);
-- INT -> BIGINT and DOUBLE, BIGINT -> DOUBLE; output names come from the target
INSERT INTO Wide SELECT i, i, l, name FROM S;
INSERT INTO Wide SELECT i * 2, i + 0.5, 1, 'lit' FROM S WHERE i > 0;
