CREATE STREAM S (id INT, v INT, d DOUBLE, s STRING, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO A   SELECT id FROM S WHERE v > 1 AND d < 5.0;
INSERT INTO O   SELECT id FROM S WHERE v > 3 OR s = 'x';
INSERT INTO N   SELECT id FROM S WHERE NOT (v > 2);
INSERT INTO NA  SELECT id FROM S WHERE NOT (v > 1 AND d < 5.0);
INSERT INTO NO  SELECT id FROM S WHERE NOT (v > 3 OR s = 'x');
INSERT INTO P   SELECT id FROM S WHERE v = 1 OR v = 2 AND d > 0.5;
INSERT INTO NN  SELECT id FROM S WHERE NOT NOT v > 2;
INSERT INTO NP  SELECT id FROM S WHERE NOT v > 2 AND s = 'x';
