CREATE STREAM S (id INT, v DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO None1 SELECT id FROM S WHERE v > 1000.0;
INSERT INTO None2 SELECT id FROM None1;
INSERT INTO None3 SELECT id FROM S WHERE FALSE;
INSERT INTO Some SELECT id FROM S WHERE TRUE AND id = 3;
