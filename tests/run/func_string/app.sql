CREATE STREAM S (s STRING, t STRING, n INT, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT s, upper(s) AS up, lower(s) AS lo, length(s) AS len, concat(s, '-', t) AS cat, concat(t, t) AS tt,
       replace(s, 'l', 'L') AS rep, trim(s) AS tr, ltrim(s) AS ltr, rtrim(s) AS rtr,
       left(s, 3) AS l3, right(s, 3) AS r3, lpad(s, 8, '*') AS lp, rpad(s, 8, 'ab') AS rp,
       reverse(s) AS rev, repeat(s, 2) AS rep2, repeat(t, n) AS repn, position('o', s) AS pos,
       locate('b', s) AS loc, instr('zz', s) AS ins, ascii(concat(s, 'z')) AS code, chr(65 + n) AS ch
FROM S;
