CREATE STREAM S (i INT, d DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 's.jsonl', 'format' = 'json', 'event.time' = 'ts');
INSERT INTO Out
SELECT i, d, abs(i) AS ai, abs(d) AS ad, ceil(d) AS ce, floor(d) AS fl, round(d) AS r0, round(d, 2) AS r2,
       round(i) AS ri, trunc(d) AS tr, sqrt(abs(d)) AS sq, exp(d) AS ex, power(2, 10) AS p, pow(d, 2) AS pd,
       ln(abs(d)) AS lnx, log10(abs(d)) AS lg, log(2, 8) AS l28, sin(d) AS si, cos(d) AS co, tan(d) AS ta,
       atan(d) AS atn, sign(d) AS sg, mod(i, 3) AS m3, maximum(i, 2, -9) AS mx, minimum(d, 0.5, 3) AS mn
FROM S;
INSERT INTO Trig SELECT i, asin(d) AS asn, acos(d) AS acs FROM S WHERE d BETWEEN -1.0 AND 1.0;
