CREATE STREAM Src (id INT, v INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'in.jsonl', 'format' = 'json', 'event.time' = 'ts');
CREATE STREAM Tagged (id INT, tag STRING, v BIGINT);
-- two queries insert into one declared stream: rows interleave by time, then source
-- position, then query; INT v widens to the BIGINT column
INSERT INTO Tagged SELECT id, 'big', v FROM Src WHERE v > 5;
INSERT INTO Tagged SELECT id, 'odd', v FROM Src WHERE v % 2 = 1;
